package io.callvert.runtime.call;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Request bodies as a Graph bot sends them. */
final class Bodies {

  private Bodies() {}

  static final String CALLBACK = "https://bot.test/callback";

  static JsonObject outgoingCall(String phone) {
    return new JsonObject()
        .put("@odata.type", "#microsoft.graph.call")
        .put("callbackUri", CALLBACK)
        .put("tenantId", "tenant-1")
        .put("requestedModalities", new JsonArray().add("audio"))
        .put("mediaConfig", new JsonObject().put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig"))
        .put("targets", new JsonArray().add(new JsonObject()
            .put("@odata.type", "#microsoft.graph.invitationParticipantInfo")
            .put("identity", new JsonObject().put("phone", new JsonObject().put("id", phone)))));
  }

  static JsonObject incomingCall() {
    return new JsonObject().put("callbackUri", CALLBACK);
  }

  static JsonObject answer() {
    return new JsonObject()
        .put("callbackUri", CALLBACK)
        .put("acceptedModalities", new JsonArray().add("audio"))
        .put("mediaConfig", new JsonObject().put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig"));
  }

  static JsonObject prompt(String uri) {
    return new JsonObject()
        .put("@odata.type", "#microsoft.graph.mediaPrompt")
        .put("mediaInfo", new JsonObject().put("@odata.type", "#microsoft.graph.mediaInfo").put("uri", uri));
  }

  static JsonArray prompts(int n) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < n; i++) {
      a.add(prompt("https://media.test/prompt-" + i + ".wav"));
    }
    return a;
  }

  /** A playPrompt of {@code n} prompts with a clientContext. */
  static JsonObject playPrompt(int n) {
    return new JsonObject().put("clientContext", "play-ctx").put("prompts", prompts(n));
  }

  static JsonObject playPrompt() {
    return playPrompt(1);
  }

  /** A recordResponse without prompt or beep that listens at once; timeouts in seconds. */
  static JsonObject record(int initialSilence, int maxSilence, int maxDuration) {
    return new JsonObject()
        .put("clientContext", "record-ctx")
        .put("playBeep", false)
        .put("initialSilenceTimeoutInSeconds", initialSilence)
        .put("maxSilenceTimeoutInSeconds", maxSilence)
        .put("maxRecordDurationInSeconds", maxDuration);
  }

  static JsonObject cancel() {
    return new JsonObject().put("clientContext", "cancel-ctx");
  }

  static JsonObject dtmf(String... toneNames) {
    JsonArray tones = new JsonArray();
    for (String t : toneNames) {
      tones.add(t);
    }
    return new JsonObject().put("clientContext", "dtmf-ctx").put("tones", tones);
  }

  static JsonObject callerTones(String keys) {
    return new JsonObject().put("tones", keys);
  }

  static JsonObject speech(int durationMs) {
    return new JsonObject().put("durationMs", durationMs);
  }
}
