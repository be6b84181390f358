package io.callvert.runtime.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.runtime.call.FakeEffects.Effect;
import io.callvert.runtime.call.FakeEffects.Ended;
import io.callvert.runtime.call.FakeEffects.Notified;
import io.callvert.runtime.call.FakeEffects.Stored;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Contract invariants checked over the whole effect log of one ended call: contract rule 7 — No notification before its answer (every operation
 * notification is gated on its own id and produced after the reply that created it), contract rule 8 — Exactly one ending per operation
 * (exactly one terminal notification per operation answered notStarted/running, none for one
 * answered completed), nothing after {@code terminated}, and terminal payloads from the closed set
 * of contract rules 11 and 13.
 */
final class SessionInvariants {

  private SessionInvariants() {}

  /** What a terminal notification may carry: kind, status, code, subcode, completionReason. */
  static final Set<String> ALLOWED_ENDINGS = Set.of(
      "playPromptOperation completed 200 0 completedSuccessfully",
      "playPromptOperation failed 400 8508 mediaOperationCanceled",
      "playPromptOperation failed 400 8511 unknown",
      "playPromptOperation failed 410 8509 unknown",
      "recordOperation completed 200 8515 maxRecordDurationReached",
      "recordOperation completed 200 8514 stopToneDetected",
      "recordOperation completed 200 8513 maxSilenceTimeout",
      "recordOperation failed 400 8510 initialSilenceTimeout",
      "recordOperation failed 400 8508 operationCanceled",
      "recordOperation failed 400 8511 playPromptFailed",
      "recordOperation failed 410 8509 unspecifiedError",
      "sendDtmfTonesOperation completed 200 0 completedSuccessfully",
      "sendDtmfTonesOperation failed 410 8509 unknown");

  /**
   * @param answered every operation the call created: id to the reply body that created it
   * @param endings  collects the endings seen (entries of {@link #ALLOWED_ENDINGS})
   */
  static void check(CallDriver d, Map<String, JsonObject> answered, Set<String> endings) {
    List<Effect> log = d.fx.log();
    List<Notified> ns = d.notifications();

    // the call ended exactly once, announced last
    List<Notified> terminated = ns.stream()
        .filter(n -> n.operationId() == null && "terminated".equals(n.data().getString("state"))).toList();
    assertThat(terminated).as("terminated notifications").hasSize(1);
    assertThat(ns.get(ns.size() - 1)).as("last notification is terminated").isSameAs(terminated.get(0));
    assertThat(terminated.get(0).changeType()).isEqualTo("deleted");
    assertThat(d.fx.all(Ended.class)).hasSize(1);
    assertThat(log.indexOf(d.fx.all(Ended.class).get(0))).isGreaterThan(log.indexOf(terminated.get(0)));
    assertThat(d.fx.armedTimers()).as("timers left armed after the call ended").isEmpty();

    long lastAt = Long.MIN_VALUE;
    for (Notified n : ns) {
      assertThat(n.at()).as("notification times never go back").isGreaterThanOrEqualTo(lastAt);
      lastAt = n.at();
      assertThat(n.outbound().callId()).isEqualTo(d.id);
      String opId = n.operationId();
      if (opId == null) {
        if (n.gate() != null) {
          assertThat(n.gate()).as("a call notification is gated only on its call").isEqualTo(d.id);
          assertThat(d.replyIndex(d.id)).as("reply releasing the call gate").isNotNegative();
        }
        continue;
      }
      assertThat(answered).as("notification about an operation no reply created: %s", opId).containsKey(opId);
      assertThat(n.gate()).as("gate of %s", opId).isEqualTo(opId);
      assertThat(log.indexOf(n)).as("notification of %s comes after its reply (contract rule 7 — No notification before its answer)", opId)
          .isGreaterThan(d.replyIndex(opId));
      endings.add(checkTerminalPayload(d, n, answered.get(opId)));
    }

    // contract rule 8 — Exactly one ending per operation
    for (Map.Entry<String, JsonObject> e : answered.entrySet()) {
      String status = e.getValue().getString("status");
      List<Notified> about = d.about(e.getKey());
      switch (status) {
        case "notStarted", "running" -> assertThat(about).as("terminal notifications of %s (answered %s)",
            e.getKey(), status).hasSize(1);
        case "completed" -> assertThat(about).as("notifications of %s (answered completed)", e.getKey()).isEmpty();
        default -> throw new AssertionError("operation answered with status " + status);
      }
    }
  }

  private static String checkTerminalPayload(CallDriver d, Notified n, JsonObject reply) {
    String opId = n.operationId();
    JsonObject op = n.data();
    String path = d.opPath(opId);
    assertThat(n.changeType()).isEqualTo("deleted");
    assertThat(n.resourceUrl()).isEqualTo(path);
    assertThat(n.notification().getString("resource")).isEqualTo("/app/calls/" + d.id + "/operations/" + opId);
    assertThat(op.getString("@odata.id")).isEqualTo(path);
    assertThat(op.getString("id")).isEqualTo(opId);
    assertThat(op.getString("@odata.type")).isEqualTo(reply.getString("@odata.type"));
    assertThat(op.getString("clientContext")).isEqualTo(reply.getString("clientContext"));
    String status = op.getString("status");
    assertThat(status).as("status in a notification").isIn("completed", "failed");
    JsonObject ri = op.getJsonObject("resultInfo");
    assertThat(ri.getString("@odata.type")).isEqualTo("#microsoft.graph.resultInfo");
    String kind = op.getString("@odata.type").substring("#microsoft.graph.".length());
    String ending = kind + " " + status + " " + ri.getInteger("code") + " " + ri.getInteger("subcode") + " "
        + op.getString("completionReason");
    assertThat(ALLOWED_ENDINGS).as("ending of %s", opId).contains(ending);

    if (kind.equals("recordOperation")) {
      String location = op.getString("recordingLocation");
      String token = op.getString("recordingAccessToken");
      int code = ri.getInteger("code");
      if (code == 400) {
        assertThat(location).isEmpty();
        assertThat(token).isEmpty();
      } else if (code == 200 || !location.isEmpty()) {
        Stored stored = d.recordingAt(location);
        assertThat(stored.token()).isEqualTo(token).isNotEmpty();
        assertThat(d.fx.log().indexOf(stored)).as("recording stored before it is named").isLessThan(d.fx.log().indexOf(n));
      } else {
        assertThat(token).isEmpty();
      }
    }
    return ending;
  }
}
