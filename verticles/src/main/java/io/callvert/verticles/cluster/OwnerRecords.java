package io.callvert.verticles.cluster;

import io.callvert.runtime.call.CallState;
import io.callvert.runtime.call.Notification;
import io.callvert.runtime.call.OperationKind;
import io.callvert.runtime.call.OwnerRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** A call's {@link OwnerRecord} as the JSON the cluster call directory stores. */
public final class OwnerRecords {

  private OwnerRecords() {}

  public static JsonObject toJson(OwnerRecord r) {
    JsonArray ops = new JsonArray();
    for (OwnerRecord.LiveOperation op : r.live()) {
      ops.add(new JsonObject().put("id", op.id()).put("kind", op.kind().name()).put("clientContext", op.clientContext()));
    }
    Notification.Delivery to = r.to();
    return new JsonObject().put("dialect", r.dialect()).put("callbackUri", to.callbackUri()).put("audience", to.audience())
        .put("tenantId", to.tenantId()).put("state", r.state().name()).put("ops", ops);
  }

  public static OwnerRecord fromJson(String callId, JsonObject j) {
    List<OwnerRecord.LiveOperation> live = new ArrayList<>();
    JsonArray ops = j.getJsonArray("ops", new JsonArray());
    for (int i = 0; i < ops.size(); i++) {
      JsonObject o = ops.getJsonObject(i);
      live.add(new OwnerRecord.LiveOperation(o.getString("id"), OperationKind.valueOf(o.getString("kind")),
          o.getString("clientContext")));
    }
    return new OwnerRecord(j.getString("dialect"), new Notification.Delivery(callId, j.getString("callbackUri"), j.getString("audience"),
        j.getString("tenantId")), CallState.valueOf(j.getString("state")), live);
  }
}
