package io.callvert.runtime.call;

import io.callvert.runtime.api.Graph;
import io.vertx.core.json.JsonObject;

/**
 * An operation's {@code resultInfo}, immutable: the common ones are shared constants, so the
 * thousand operations a call may remember cost a reference each, not a JSON tree.
 *
 * @param detail Callvert's extension: what exactly went wrong (e.g. a prompt fetch failure), or null
 */
record Result(int code, int subcode, String message, String detail) {

  static final Result OK = new Result(200, 0, "Action completed successfully.", null);
  static final Result CANCELLED = new Result(400, 8508, "Action failed, the operation was cancelled.", null);
  static final Result CALL_ENDED = new Result(410, 8509, "Action failed, the call ended.", null);
  static final Result INITIAL_SILENCE = new Result(400, 8510, "Action failed, initial silence timeout reached.", null);
  static final Result MAX_DURATION = new Result(200, 8515, "Action completed, max record duration reached.", null);
  static final Result STOP_TONE = new Result(200, 8514, "Action completed, stop tone detected.", null);
  static final Result MAX_SILENCE = new Result(200, 8513, "Action completed, max silence timeout reached.", null);

  static Result promptFailed(String detail) {
    return new Result(400, 8511, "Action failed, the prompt could not be played.", detail);
  }

  JsonObject toJson() {
    JsonObject ri = Graph.resultInfo(code, subcode, message);
    return detail == null ? ri : ri.put("detail", detail);
  }
}
