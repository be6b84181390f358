package io.callvert.runtime.protocol;

import io.callvert.runtime.call.Outbound;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Event-bus codecs for Callvert's messages: pass-through locally (the records are treated as
 * immutable), JSON on the cluster wire. Registered as default codecs per message class, once per
 * {@link Vertx}; no global codec selector is installed, so a host application's own codecs and
 * selector are untouched.
 */
public final class Codecs {

  private Codecs() {}

  /** Registers the codecs unless this Vert.x instance already has them (several Callverts may share one). */
  public static synchronized void registerOnce(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    register(bus, CallRequest.class, "callvert.CallRequest", Codecs::requestToJson, Codecs::requestFromJson);
    register(bus, CallReply.class, "callvert.CallReply", Codecs::replyToJson, Codecs::replyFromJson);
    register(bus, Outbound.class, "callvert.Outbound", Codecs::outboundToJson, Codecs::outboundFromJson);
  }

  private static <T> void register(EventBus bus, Class<T> type, String name, Function<T, JsonObject> to, Function<JsonObject, T> from) {
    try {
      bus.registerDefaultCodec(type, new JsonRecordCodec<>(name, to, from));
    } catch (IllegalStateException alreadyRegistered) {
      // another Callvert instance in this Vert.x registered it first: same codec, nothing to do
    }
  }

  static JsonObject requestToJson(CallRequest r) {
    return new JsonObject().put("callId", r.callId()).put("action", r.action()).put("body", r.body())
        .put("baseUrl", r.baseUrl()).put("payload", r.payload() == null ? null : r.payload().getBytes());
  }

  static CallRequest requestFromJson(JsonObject j) {
    byte[] p = j.getBinary("payload");
    return new CallRequest(j.getString("callId"), j.getString("action"), j.getJsonObject("body"), j.getString("baseUrl"),
        p == null ? null : Buffer.buffer(p));
  }

  static JsonObject replyToJson(CallReply r) {
    return new JsonObject().put("status", r.status()).put("body", r.body()).put("location", r.location())
        .put("release", r.release()).put("payload", r.payload() == null ? null : r.payload().getBytes())
        .put("contentType", r.contentType());
  }

  static CallReply replyFromJson(JsonObject j) {
    byte[] p = j.getBinary("payload");
    return new CallReply(j.getInteger("status"), j.getJsonObject("body"), j.getString("location"), j.getString("release"),
        p == null ? null : Buffer.buffer(p), j.getString("contentType"));
  }

  static JsonObject outboundToJson(Outbound o) {
    return new JsonObject().put("callId", o.callId()).put("callbackUri", o.callbackUri()).put("audience", o.audience())
        .put("tenantId", o.tenantId()).put("gate", o.gate()).put("body", o.body());
  }

  static Outbound outboundFromJson(JsonObject j) {
    return new Outbound(j.getString("callId"), j.getString("callbackUri"), j.getString("audience"), j.getString("tenantId"),
        j.getString("gate"), j.getJsonObject("body"));
  }

  /** Pass-through locally, length-prefixed JSON on the wire. */
  static final class JsonRecordCodec<T> implements MessageCodec<T, T> {
    private final String name;
    private final Function<T, JsonObject> to;
    private final Function<JsonObject, T> from;

    JsonRecordCodec(String name, Function<T, JsonObject> to, Function<JsonObject, T> from) {
      this.name = name;
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

    @Override
    public T transform(T t) {
      return t;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
