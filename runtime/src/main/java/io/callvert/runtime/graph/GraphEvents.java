package io.callvert.runtime.graph;

import io.callvert.runtime.call.CallEvent;
import io.callvert.runtime.call.CallState;
import io.callvert.runtime.call.Notification;
import io.callvert.runtime.protocol.Outbound;
import io.vertx.core.json.JsonObject;

/**
 * A call's events as Graph {@code commsNotifications} (contract rules 7, 8, 11, 15, 17): which
 * {@code changeType}, which resource, which {@code resourceData}, one place each.
 */
public final class GraphEvents {

  private final GraphJson json;

  public GraphEvents(GraphJson json) {
    this.json = json;
  }

  /** The notification ready for delivery. */
  public Outbound render(Notification n) {
    Notification.Delivery to = n.to();
    // an operation's terminal notification ends the gate it waited on (a "deleted" operation)
    boolean endsGate = n.gate() != null && n.event() instanceof CallEvent.OperationEnded;
    return new Outbound(to.callId(), to.callbackUri(), to.audience(), to.tenantId(), n.gate(), body(n.event()), endsGate);
  }

  /** The {@code commsNotifications} body of one event. */
  public JsonObject body(CallEvent e) {
    String callPath = Graph.callPath(e.callId());
    if (e instanceof CallEvent.CallArrived a) {
      return Graph.notification("created", callPath, json.call(a.call()).put("@odata.id", callPath));
    }
    if (e instanceof CallEvent.StateChanged s) {
      return Graph.notification("updated", callPath, json.callStub(e.callId()).put("state", GraphJson.state(s.state())));
    }
    if (e instanceof CallEvent.ToneReceived t) {
      return Graph.notification("updated", callPath, json.callStub(e.callId()).put("state", GraphJson.state(t.state()))
          .put("toneInfo", GraphJson.toneInfo(t.tone())));
    }
    if (e instanceof CallEvent.OperationEnded o) {
      String path = Graph.operationPath(e.callId(), o.operation().id());
      return Graph.notification("deleted", path, json.operation(o.operation()).put("@odata.id", path));
    }
    if (e instanceof CallEvent.CallEnded c) {
      return Graph.notification("deleted", callPath, json.callStub(e.callId())
          .put("state", GraphJson.state(CallState.TERMINATED)).put("resultInfo", json.endResult(c.reason()))
          .put("direction", GraphJson.direction(c.direction())).put("callChainId", GraphJson.callChainId(e.callId())));
    }
    if (e instanceof CallEvent.CallLost l) {
      return Graph.notification("deleted", callPath, json.callStub(e.callId())
          .put("state", GraphJson.state(CallState.TERMINATED))
          .put("resultInfo", json.endResult(l.reason())));
    }
    throw new IllegalArgumentException("unknown event " + e);
  }
}
