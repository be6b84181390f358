package io.callvert.testing;

import io.vertx.core.json.JsonObject;

/**
 * An operation the bot started (a prompt, a recording, DTMF tones…) and how it ended, as its terminal notification
 * told the bot. Operations that end in their own response (Graph's {@code subscribeToTone},
 * {@code cancelMediaProcessing}) get no notification and so do not appear; their effect does (a cancelled prompt's
 * {@code failed 400/8508}).
 *
 * @param id the operation id
 * @param type e.g. {@code playPromptOperation}, {@code recordOperation}
 * @param status {@code completed} or {@code failed}
 * @param code the result code (e.g. 200, 400), or -1 without one
 * @param subcode the result subcode (e.g. 0 completed, 8508 cancelled, 8515 a recording that reached its maximum), or -1 without one
 * @param clientContext the clientContext the bot gave, or null
 * @param notification the terminal notification
 */
public record Operation(String id, String type, String status, int code, int subcode, String clientContext,
    Notification notification) {

  /**
   * Whether it ended {@code completed}.
   *
   * @return whether it completed
   */
  public boolean completed() {
    return "completed".equals(status);
  }

  /**
   * Whether it was cancelled (failed 400/8508, e.g. by cancelMediaProcessing or a barge-in).
   *
   * @return whether it was cancelled
   */
  public boolean cancelled() {
    return "failed".equals(status) && subcode == 8508;
  }

  static Operation of(Notification n) {
    JsonObject data = new JsonObject(n.json()).getJsonObject("resourceData", new JsonObject());
    String type = data.getString("@odata.type", "");
    type = type.startsWith("#microsoft.graph.") ? type.substring("#microsoft.graph.".length()) : type;
    JsonObject result = data.getJsonObject("resultInfo", new JsonObject());
    String url = n.resourceUrl();
    String id = data.getString("id", url.substring(url.lastIndexOf('/') + 1));
    return new Operation(id, type, data.getString("status"), result.getInteger("code", -1),
        result.getInteger("subcode", -1), data.getString("clientContext"), n);
  }
}
