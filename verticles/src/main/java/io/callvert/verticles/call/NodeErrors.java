package io.callvert.verticles.call;

import io.callvert.runtime.api.ApiException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * The errors a node itself gives (not a call's refusals, which are typed replies): shutting down,
 * a call that did not answer in time, an unexpected failure.
 */
public final class NodeErrors {

  private NodeErrors() {}

  /** What requests get once the instance has been undeployed (one instance: an expected answer, not logged). */
  public static final ApiException UNDEPLOYED =
      new ApiException(503, "serviceNotAvailable", "Callvert is shutting down: this instance has been undeployed.");

  /** Maps an event-bus failure to the client-visible error. */
  public static ApiException failure(Throwable e) {
    if (e instanceof ApiException api) {
      return api;
    }
    if (e instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.TIMEOUT) {
        return new ApiException(504, "timeout", "The call did not answer in time; retry the request.");
      }
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() == 503) {
        return new ApiException(503, "serviceNotAvailable", re.getMessage());
      }
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return new ApiException(500, "generalException", re.getMessage());
      }
    }
    return new ApiException(500, "generalException", "Unexpected failure: " + e.getMessage());
  }
}
