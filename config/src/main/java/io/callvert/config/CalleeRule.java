package io.callvert.config;

import io.vertx.core.json.JsonObject;

/**
 * How one simulated callee (an entry of {@code callee.targets}) reacts.
 *
 * @param behaviour what the callee does; required
 * @param answerDelayMs delay before answering (only meaningful for {@link CalleeBehaviour#ANSWER}), at least 0
 */
public record CalleeRule(CalleeBehaviour behaviour, long answerDelayMs) {

  /** Validates; keys in messages are relative ({@code behaviour}, {@code answerDelayMs}). */
  public CalleeRule {
    if (behaviour == null) {
      throw new ConfigException("behaviour", "must not be null");
    }
    Check.nonNegative("answerDelayMs", answerDelayMs);
  }

  /** Reads one target entry; omitted fields fall back to {@code fallback} (the global behaviour and delay). */
  static CalleeRule fromJson(JsonObject json, String path, CalleeRule fallback) {
    JsonReader r = new JsonReader(json, path);
    CalleeBehaviour behaviour = r.enumValue("behaviour", fallback.behaviour(), CalleeBehaviour::fromJsonValue);
    long delay = r.longValue("answerDelayMs", fallback.answerDelayMs());
    try {
      return new CalleeRule(behaviour, delay);
    } catch (ConfigException e) {
      throw new ConfigException(path + "." + e.key(), e.problem());
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("behaviour", behaviour.jsonValue()).put("answerDelayMs", answerDelayMs);
  }
}
