package io.callvert.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the options records to and from JSON with Jackson. Strict: no coercion of scalars (a string is not a number,
 * a number not a boolean or a string, 1.5 not an integer). A missing key or JSON {@code null} is the default (the
 * tree is laid over {@link CallvertOptions#defaults()} first). Unknown keys are reported through SLF4J, naming their
 * source, and ignored, as unknown {@code CALLVERT_*} environment variables are. Every failure is a
 * {@link ConfigException} naming the dotted key and the source of the value.
 */
final class OptionsJson {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .withCoercionConfig(LogicalType.Textual, c -> c
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
      .build();

  private OptionsJson() {
  }

  /** Any options record (or part of one) as a JSON tree, every component present. */
  static JsonObject toJson(Object options) {
    @SuppressWarnings("unchecked")
    Map<String, Object> map = MAPPER.convertValue(options, LinkedHashMap.class);
    return new JsonObject(map).copy();
  }

  /**
   * Binds and validates a configuration tree.
   *
   * @param json the tree, {@code null} = defaults; it is not modified
   * @param sourceOf where the value at a dotted path came from (for messages), may return {@code null}
   * @throws ConfigException naming the dotted key and its source
   */
  static CallvertOptions bind(JsonObject json, Function<String, String> sourceOf) {
    JsonObject tree = overlay(CallvertOptions.defaults().toJson(), json == null ? new JsonObject() : json);
    prepare(tree);
    List<String> unknown = new ArrayList<>();
    CallvertOptions options;
    try {
      options = MAPPER.readerFor(CallvertOptions.class)
          .withHandler(new UnknownKeys(unknown))
          .readValue(tree.encode());
    } catch (JsonMappingException e) {
      throw translate(e, tree, sourceOf);
    } catch (JsonProcessingException e) {
      throw new ConfigException("(options)", "cannot bind: " + e.getOriginalMessage(), e);
    }
    Map<String, TreeSet<String>> bySource = new LinkedHashMap<>();
    for (String key : unknown) {
      String source = sourceOf.apply(key);
      bySource.computeIfAbsent(source == null ? "options" : source, s -> new TreeSet<>()).add(key);
    }
    bySource.forEach((source, keys) -> reportUnknown("keys in " + source, keys));
    return options;
  }

  /** The one way unknown configuration names are reported, whatever their source. */
  static void reportUnknown(String what, java.util.Collection<String> names) {
    if (!names.isEmpty()) {
      LOG.warn("Ignoring unknown Callvert configuration {}: {}", what, names);
    }
  }

  /** {@code base} with {@code over} laid on it deeply; JSON {@code null}s in {@code over} keep the base value. */
  private static JsonObject overlay(JsonObject base, JsonObject over) {
    for (Map.Entry<String, Object> e : over) {
      Object value = e.getValue();
      Object current = base.getValue(e.getKey());
      if (value == null) {
        continue;
      }
      if (value instanceof JsonObject && current instanceof JsonObject) {
        overlay((JsonObject) current, (JsonObject) value);
      } else {
        base.put(e.getKey(), value instanceof JsonObject ? ((JsonObject) value).copy()
            : value instanceof JsonArray ? ((JsonArray) value).copy() : value);
      }
    }
    return base;
  }

  /** The two shapes JSON allows beyond the records: inline JWKS as an object, and target rules inheriting. */
  private static void prepare(JsonObject tree) {
    Object auth = tree.getValue("auth");
    Object jwt = auth instanceof JsonObject ? ((JsonObject) auth).getValue("jwt") : null;
    if (jwt instanceof JsonObject && ((JsonObject) jwt).getValue("jwks") instanceof JsonObject) {
      ((JsonObject) jwt).put("jwks", ((JsonObject) jwt).getJsonObject("jwks").encode());
    }
    Object calleeValue = tree.getValue("callee");
    JsonObject callee = calleeValue instanceof JsonObject ? (JsonObject) calleeValue : new JsonObject();
    if (callee.getValue("targets") instanceof JsonObject) {
      for (Map.Entry<String, Object> target : callee.getJsonObject("targets")) {
        if (target.getValue() instanceof JsonObject) {
          JsonObject rule = (JsonObject) target.getValue();
          for (String field : new String[] {"behaviour", "answerDelayMs"}) {
            if (rule.getValue(field) == null) {
              rule.put(field, callee.getValue(field));
            }
          }
        }
      }
    }
  }

  /** Collects unknown keys (dotted) instead of failing on the first one. */
  private static final class UnknownKeys extends DeserializationProblemHandler {
    private final List<String> out;

    UnknownKeys(List<String> out) {
      this.out = out;
    }

    @Override
    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
        Object beanOrClass, String propertyName) throws java.io.IOException {
      // from the innermost context out: the value's own object or array (no name yet) or the one naming it
      Deque<String> names = new ArrayDeque<>();
      for (JsonStreamContext c = p.getParsingContext(); c != null; c = c.getParent()) {
        if (c.getCurrentName() != null) {
          names.addFirst(c.getCurrentName());
        }
      }
      out.add(String.join(".", names));
      p.skipChildren();
      return true;
    }
  }

  private static ConfigException translate(JsonMappingException e, JsonObject tree, Function<String, String> sourceOf) {
    List<String> segments = new ArrayList<>();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() == null) {
        break; // an array element: the key is the array
      }
      segments.add(ref.getFieldName());
    }
    String path = String.join(".", segments);
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConfigException) {
        ConfigException c = (ConfigException) t;
        // CalleeRule names its fields relative to the target entry
        String key = !c.key().contains(".") && ConfigKeys.byPath(c.key()).isEmpty() && !path.isEmpty()
            ? path + "." + c.key() : c.key();
        return new ConfigException(key, c.problem(), sourceOf.apply(key), null);
      }
    }
    return new ConfigException(path, describe(path, valueAt(tree, path)), sourceOf.apply(path), null);
  }

  /** What the value at {@code path} should have been, from the key's type. */
  private static String describe(String path, Object value) {
    String shown = Check.show(value);
    ConfigKey key = ConfigKeys.byPath(path).orElse(null);
    ConfigKey.Type type = key != null ? key.type() : null;
    String[] segments = path.split("\\.");
    boolean inTarget = path.startsWith("callee.targets.");
    if (inTarget && segments.length == 3) {
      return "must be an object like {\"behaviour\":\"busy\"}, got " + shown;
    }
    if (inTarget && segments.length == 4) {
      type = segments[3].equals("behaviour") ? ConfigKey.Type.ENUM : ConfigKey.Type.LONG;
    }
    if (type == null) {
      return "must be an object, got " + shown;
    }
    switch (type) {
      case BOOLEAN:
        return "must be a boolean (true/false), got " + shown;
      case INT:
        boolean integral = value instanceof Integer || value instanceof Long || value instanceof BigInteger;
        return (integral ? "must be a 32-bit integer, got " : "must be an integer, got ") + shown;
      case LONG:
        return "must be an integer, got " + shown;
      case STRING:
        return "must be a string, got " + shown;
      case ENUM:
        List<String> allowed = key != null ? key.allowedValues() : CalleeBehaviour.jsonValues();
        return "must be one of " + String.join(", ", allowed) + ", got " + shown;
      case STRING_LIST:
        if (value instanceof JsonArray) {
          for (Object item : (JsonArray) value) {
            if (!(item instanceof String)) {
              return "must be an array of strings, got element " + Check.show(item);
            }
          }
        }
        return "must be an array of strings, got " + shown;
      default:
        return "must be an object, got " + shown;
    }
  }

  private static Object valueAt(JsonObject tree, String path) {
    Object v = tree;
    for (String segment : path.split("\\.")) {
      if (!(v instanceof JsonObject)) {
        return null;
      }
      v = ((JsonObject) v).getValue(segment);
    }
    return v instanceof BigDecimal ? ((BigDecimal) v).doubleValue() : v;
  }
}
