package io.callvert.testing;

import io.vertx.core.json.JsonObject;

/**
 * One notification Callvert delivered to the bot (one element of a {@code commsNotifications} body's {@code value}).
 *
 * @param sequence its per-call sequence number (1, 2, 3…; header {@code X-Callvert-Sequence}); a duplicate carries
 *     the same one
 * @param changeType {@code created}, {@code updated} or {@code deleted}
 * @param resourceUrl e.g. {@code /communications/calls/{id}} or {@code …/operations/{id}}
 * @param summary what it says, as assertions match it: {@code call established}, {@code call terminated 200/4097},
 *     {@code tone 1}, {@code playPromptOperation completed 200/0}, {@code recordOperation failed 400/8508}
 * @param json the notification as JSON text
 */
public record Notification(long sequence, String changeType, String resourceUrl, String summary, String json) {

  /**
   * Whether {@link #summary()} is {@code expected} or starts with it followed by a space.
   *
   * @param expected a summary, or its beginning
   * @return whether it matches
   */
  public boolean matches(String expected) {
    return summary.equals(expected) || summary.startsWith(expected + " ");
  }

  /**
   * Whether it is about an operation (its resource URL names one).
   *
   * @return whether it is about an operation
   */
  public boolean isOperation() {
    return resourceUrl != null && resourceUrl.contains("/operations/");
  }

  @Override
  public String toString() {
    return "#" + sequence + " " + summary;
  }

  static Notification of(long sequence, JsonObject n) {
    return new Notification(sequence, n.getString("changeType"), n.getString("resourceUrl"), summarise(n), n.encode());
  }

  /** The words assertions match: see {@link #summary()}. */
  static String summarise(JsonObject n) {
    JsonObject data = n.getJsonObject("resourceData", new JsonObject());
    String type = data.getString("@odata.type", "");
    type = type.startsWith("#microsoft.graph.") ? type.substring("#microsoft.graph.".length()) : type;
    StringBuilder s = new StringBuilder();
    JsonObject tone = data.getJsonObject("toneInfo");
    if (tone != null) {
      s.append("tone ").append(key(tone.getString("tone")));
    } else if (type.equals("call")) {
      s.append("call ").append(data.getString("state"));
    } else {
      s.append(type).append(' ').append(data.getString("status"));
    }
    JsonObject result = data.getJsonObject("resultInfo");
    if (result != null && tone == null) {
      s.append(' ').append(result.getValue("code")).append('/').append(result.getValue("subcode"));
    }
    return s.toString();
  }

  private static String key(String tone) {
    if (tone == null) {
      return "?";
    }
    return switch (tone) {
      case "star" -> "*";
      case "pound" -> "#";
      default -> tone.startsWith("tone") ? tone.substring(4) : tone;
    };
  }
}
