package io.callvert.verticles.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDateTime;
import java.util.regex.Pattern;

/**
 * What Callvert is expected to put on the wire, written out by hand from the contract so that
 * black-box tests compare whole bodies: notification envelopes, call stubs, resultInfos, and the
 * Graph error envelope of contract rule 5 — Graph's error envelope; client mistakes are 4xx.
 */
public final class Wire {

  private Wire() {}

  /** A lower-case dashed GUID (contract rule 2 — Ids are lower-case dashed GUIDs). */
  public static final Pattern GUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  public static String callPath(String callId) {
    return "/communications/calls/" + callId;
  }

  public static JsonObject resultInfo(int code, int subcode, String message) {
    return new JsonObject().put("@odata.type", "#microsoft.graph.resultInfo").put("code", code).put("subcode", subcode)
        .put("message", message);
  }

  /** A {@code commsNotifications} body holding one notification about the call {@code callId}. */
  public static JsonObject callNotification(String changeType, String callId, JsonObject resourceData) {
    return new JsonObject()
        .put("@odata.type", "#microsoft.graph.commsNotifications")
        .put("value", new JsonArray().add(new JsonObject()
            .put("@odata.type", "#microsoft.graph.commsNotification")
            .put("changeType", changeType)
            .put("resourceUrl", callPath(callId))
            .put("resource", "/app/calls/" + callId)
            .put("resourceData", resourceData)));
  }

  /** The {@code updated} notification of a call state change. */
  public static JsonObject callState(String callId, String state) {
    return callNotification("updated", callId, stub(callId).put("state", state));
  }

  /** The {@code deleted} notification that ends a call. */
  public static JsonObject callTerminated(String callId, JsonObject resultInfo, String direction, String callChainId) {
    return callNotification("deleted", callId, stub(callId).put("state", "terminated").put("resultInfo", resultInfo)
        .put("direction", direction).put("callChainId", callChainId));
  }

  private static JsonObject stub(String callId) {
    return new JsonObject().put("@odata.type", "#microsoft.graph.call").put("@odata.id", callPath(callId)).put("id", callId);
  }

  /**
   * Asserts the rule-5 envelope, exactly: status, {@code application/json}, the keys
   * {@code error.code/message/innerError{date,request-id,client-request-id}} and nothing else, the
   * {@code request-id} header equal to {@code innerError.request-id}, the caller's
   * {@code client-request-id} echoed in the header and the body. Returns {@code error}.
   */
  public static JsonObject assertError(TestRuntime.Resp r, int status, String code, String clientRequestId) {
    assertThat(r.status()).as("status of %s", r.text()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    JsonObject body = r.json();
    assertThat(body.fieldNames()).containsExactly("error");
    JsonObject error = body.getJsonObject("error");
    assertThat(error.fieldNames()).containsExactlyInAnyOrder("code", "message", "innerError");
    assertThat(error.getString("code")).as("code of %s", r.text()).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    JsonObject inner = error.getJsonObject("innerError");
    assertThat(inner.fieldNames()).containsExactlyInAnyOrder("date", "request-id", "client-request-id");
    assertThat(LocalDateTime.parse(inner.getString("date"))).isNotNull();
    assertThat(inner.getString("request-id")).matches(GUID).isEqualTo(r.header("request-id"));
    assertThat(inner.getString("client-request-id")).isEqualTo(clientRequestId);
    assertThat(r.header("client-request-id")).isEqualTo(clientRequestId);
    return error;
  }

  /** {@link #assertError} for a request sent without {@code client-request-id}. */
  public static JsonObject assertError(TestRuntime.Resp r, int status, String code) {
    return assertError(r, status, code, null);
  }

  /**
   * Contract rule 11 — What a cancelled operation reports: the terminal payloads of the seed scenario's cancelled prompt and cancelled queued
   * record (clientContext "record-1").
   */
  public static void assertSeedCancelled(JsonObject playEnd, JsonObject recordEnd, String playId, String recordId) {
    assertThat(playEnd.getString("id")).isEqualTo(playId);
    assertThat(playEnd.getString("status")).isEqualTo("failed");
    assertThat(playEnd.getString("completionReason")).isEqualTo("mediaOperationCanceled");
    assertThat(playEnd.getJsonObject("resultInfo").getMap()).containsEntry("code", 400).containsEntry("subcode", 8508)
        .containsEntry("message", "Action failed, the operation was cancelled.");
    assertThat(recordEnd.getString("id")).isEqualTo(recordId);
    assertThat(recordEnd.getString("@odata.type")).isEqualTo("#microsoft.graph.recordOperation");
    assertThat(recordEnd.getString("status")).isEqualTo("failed");
    assertThat(recordEnd.getString("clientContext")).isEqualTo("record-1");
    assertThat(recordEnd.getString("completionReason")).isEqualTo("operationCanceled");
    assertThat(recordEnd.getString("recordingLocation")).isEmpty();
    assertThat(recordEnd.getString("recordingAccessToken")).isEmpty();
    assertThat(recordEnd.getJsonObject("resultInfo").getMap()).containsEntry("code", 400).containsEntry("subcode", 8508);
  }
}
