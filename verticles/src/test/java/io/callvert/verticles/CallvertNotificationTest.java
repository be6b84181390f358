package io.callvert.verticles;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.runtime.call.CallEvent;
import io.callvert.runtime.call.CallState;
import io.callvert.runtime.call.OperationKind;
import io.callvert.runtime.call.OperationSnapshot;
import io.callvert.runtime.call.OperationStatus;
import io.callvert.runtime.call.Outcome;
import io.callvert.runtime.graph.GraphDialect;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CallvertNotificationTest {

  private final GraphDialect graph = GraphDialect.create("app", 60_000);

  @Test
  @DisplayName("a call notification reads as the call's state, with no operation")
  void call_notification() {
    var n = new CallvertNotification("c1", 2, graph.events().body(new CallEvent.StateChanged("c1", CallState.ESTABLISHED)));
    assertThat(n.changeType()).isEqualTo("updated");
    assertThat(n.resourceUrl()).isEqualTo("/communications/calls/c1");
    assertThat(n.callState()).isEqualTo("established");
    assertThat(n.operationId()).isNull();
    assertThat(n.operationStatus()).isNull();
    assertThat(n.toJson().getLong("sequence")).isEqualTo(2L);
  }

  @Test
  @DisplayName("an operation notification reads as the operation's id and terminal status")
  void operation_notification() {
    var op = new OperationSnapshot(OperationKind.PLAY_PROMPT, "op1", null, OperationStatus.FAILED, Outcome.CANCELLED,
        null, null, null);
    var n = new CallvertNotification("c1", 3, graph.events().body(new CallEvent.OperationEnded("c1", op)));
    assertThat(n.changeType()).isEqualTo("deleted");
    assertThat(n.operationId()).isEqualTo("op1");
    assertThat(n.operationStatus()).isEqualTo("failed");
    assertThat(n.callState()).isNull();
    assertThat(n.resourceData().getString("completionReason")).isEqualTo("mediaOperationCanceled");
  }
}
