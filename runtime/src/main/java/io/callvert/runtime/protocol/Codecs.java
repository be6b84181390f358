package io.callvert.runtime.protocol;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.callvert.runtime.audio.AudioFormatException;
import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Wav;
import io.callvert.runtime.call.CallProtocol;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Event-bus codecs for Callvert's messages: pass-through locally (the records are immutable), JSON
 * on the cluster wire (Jackson, with the record's simple class name as the discriminator; audio as
 * base64 WAV). Registered as the default codec of each message class, once per {@link Vertx}; no
 * global codec selector is installed, so a host application's own codecs and selector are untouched.
 */
public final class Codecs {

  private Codecs() {}

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .registerModule(new SimpleModule("callvert-audio")
          .addSerializer(Clip.class, new ClipSerializer())
          .addDeserializer(Clip.class, new ClipDeserializer())
          .addSerializer(Wav.Slice.class, new SliceSerializer())
          .addDeserializer(Wav.Slice.class, new SliceDeserializer()))
      .addMixIn(CallProtocol.Command.class, Typed.class)
      .addMixIn(CallProtocol.Reply.class, Typed.class);

  static {
    for (Class<?> type : protocolTypes()) {
      MAPPER.registerSubtypes(new NamedType(type, type.getSimpleName()));
    }
  }

  /** Commands and replies carry their type on the wire, so a field of the interface type decodes. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "@type")
  private interface Typed {}

  /** The call protocol's records: every command and every reply. */
  public static List<Class<?>> protocolTypes() {
    List<Class<?>> types = new ArrayList<>(List.of(CallProtocol.Command.class.getPermittedSubclasses()));
    types.addAll(List.of(CallProtocol.Reply.class.getPermittedSubclasses()));
    return types;
  }

  /** Registers the protocol's codecs unless this Vert.x instance already has them. */
  public static synchronized void registerOnce(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    for (Class<?> type : protocolTypes()) {
      register(bus, type);
    }
    registerJson(bus, Outbound.class, "callvert.Outbound", Codecs::outboundToJson, Codecs::outboundFromJson);
  }

  /** Registers the codec of one immutable record type (pass-through locally, Jackson JSON on the wire). */
  public static <T> void register(EventBus bus, Class<T> type) {
    try {
      bus.registerDefaultCodec(type, new RecordCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // another Callvert instance in this Vert.x registered it first: same codec, nothing to do
    }
  }

  /** Registers the codec of a message that never leaves its node (passed as it is; refused on the cluster wire). */
  public static <T> void registerLocalOnly(EventBus bus, Class<T> type) {
    try {
      bus.registerDefaultCodec(type, new PassThrough<>("callvert.local." + type.getName()));
    } catch (IllegalStateException alreadyRegistered) {
      // another Callvert instance of this Vert.x registered it first
    }
  }

  private static <T> void registerJson(EventBus bus, Class<T> type, String name,
      java.util.function.Function<T, JsonObject> to, java.util.function.Function<JsonObject, T> from) {
    try {
      bus.registerDefaultCodec(type, new JsonCodec<>(name, to, from));
    } catch (IllegalStateException alreadyRegistered) {
      // registered by another Callvert instance of this Vert.x
    }
  }

  /** A record as cluster-wire JSON bytes. */
  public static byte[] toBytes(Object record) {
    try {
      return MAPPER.writeValueAsBytes(record);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A record back from {@link #toBytes}. */
  public static <T> T fromBytes(byte[] json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonObject outboundToJson(Outbound o) {
    return new JsonObject().put("callId", o.callId()).put("callbackUri", o.callbackUri()).put("audience", o.audience())
        .put("tenantId", o.tenantId()).put("gate", o.gate()).put("body", o.body()).put("endsGate", o.endsGate());
  }

  static Outbound outboundFromJson(JsonObject j) {
    return new Outbound(j.getString("callId"), j.getString("callbackUri"), j.getString("audience"), j.getString("tenantId"),
        j.getString("gate"), j.getJsonObject("body"), j.getBoolean("endsGate", false));
  }

  /**
   * A message passed as it is between verticles of one node (every Callvert message is immutable): subclasses say
   * how it crosses nodes; this one refuses to.
   */
  static class PassThrough<T> implements MessageCodec<T, T> {
    private final String name;

    PassThrough(String name) {
      this.name = name;
    }

    @Override
    public void encodeToWire(Buffer buffer, T t) {
      throw new UnsupportedOperationException(name + " stays on its node");
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException(name + " stays on its node");
    }

    @Override
    public final T transform(T t) {
      return t;
    }

    @Override
    public final String name() {
      return name;
    }

    @Override
    public final byte systemCodecID() {
      return -1;
    }
  }

  /** Pass-through locally, length-prefixed Jackson JSON of the record on the wire. */
  static final class RecordCodec<T> extends PassThrough<T> {
    private final Class<T> type;

    RecordCodec(Class<T> type) {
      super("callvert." + type.getName());
      this.type = type;
    }

    @Override
    public void encodeToWire(Buffer buffer, T t) {
      byte[] json = toBytes(t);
      buffer.appendInt(json.length).appendBytes(json);
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
      int len = buffer.getInt(pos);
      return fromBytes(buffer.getBytes(pos + 4, pos + 4 + len), type);
    }
  }

  /** Pass-through locally, length-prefixed JSON on the wire (for a type with its own JSON form). */
  static final class JsonCodec<T> extends PassThrough<T> {
    private final java.util.function.Function<T, JsonObject> to;
    private final java.util.function.Function<JsonObject, T> from;

    JsonCodec(String name, java.util.function.Function<T, JsonObject> to, java.util.function.Function<JsonObject, T> from) {
      super(name);
      this.to = to;
      this.from = from;
    }

    @Override
    public void encodeToWire(Buffer buffer, T t) {
      Buffer json = to.apply(t).toBuffer();
      buffer.appendInt(json.length()).appendBuffer(json);
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
      int len = buffer.getInt(pos);
      return from.apply(new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + len)));
    }
  }

  // ------------------------------------------------------------------ audio on the wire: WAV bytes

  private static final class ClipSerializer extends StdSerializer<Clip> {
    ClipSerializer() {
      super(Clip.class);
    }

    @Override
    public void serialize(Clip clip, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeBinary(Wav.encode(clip));
    }
  }

  private static final class ClipDeserializer extends StdDeserializer<Clip> {
    ClipDeserializer() {
      super(Clip.class);
    }

    @Override
    public Clip deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      return parse(p.getBinaryValue());
    }
  }

  private static final class SliceSerializer extends StdSerializer<Wav.Slice> {
    SliceSerializer() {
      super(Wav.Slice.class);
    }

    @Override
    public void serialize(Wav.Slice slice, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeBinary(Wav.render(List.of(slice)));
    }
  }

  private static final class SliceDeserializer extends StdDeserializer<Wav.Slice> {
    SliceDeserializer() {
      super(Wav.Slice.class);
    }

    @Override
    public Wav.Slice deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      return Wav.Slice.of(parse(p.getBinaryValue()));
    }
  }

  private static Clip parse(byte[] wav) throws IOException {
    try {
      return Wav.parseStrict(wav);
    } catch (AudioFormatException e) {
      throw new IOException(e);
    }
  }

}
