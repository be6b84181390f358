package io.callvert.runtime.acs;

import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.call.CallRejected;

/**
 * The ACS dialect's refusals (contract rule 52 — ACS errors): every one is an {@link ApiException}, written by the
 * HTTP edge as {@code {"error":{"code","message"}}}, which the SDK surfaces as a {@code RestError} with that status,
 * code and message.
 */
public final class AcsErrors {

  private AcsErrors() {}

  /** 400: the request is invalid; the message names the field. */
  public static ApiException badRequest(String message) {
    return new ApiException(400, "BadRequest", message);
  }

  /** 400: a feature of Call Automation that Callvert does not serve. */
  public static ApiException notSupported(String message) {
    return new ApiException(400, "NotSupported", message);
  }

  /** 401: HMAC authentication failed. */
  public static ApiException unauthorized(String message) {
    return new ApiException(401, "Unauthorized", message);
  }

  /** 404: no such call (also once it has ended), with ACS's call-not-found code 8522. */
  public static ApiException callNotFound() {
    return new ApiException(404, "8522", "Call not found.");
  }

  /** A call's refusal in ACS words. */
  public static ApiException of(CallRejected e) {
    if (e.state() == io.callvert.runtime.call.CallState.TERMINATED) {
      return callNotFound(); // an ended call is gone for ACS, whatever was asked of it
    }
    return switch (e.reason()) {
      case CALL_NOT_FOUND, OPERATION_NOT_FOUND -> callNotFound();
      case QUEUE_FULL -> new ApiException(429, "TooManyRequests",
          "The call's media queue already holds " + e.limit() + " operations (calls.mediaQueueLimit); retry later.", 1L);
      case CALLER_KEYS_FULL, CALLER_AUDIO_FULL -> new ApiException(429, "TooManyRequests",
          "The simulated caller's input is full (limit " + e.limit() + "); retry later.", 1L);
      case NOT_INCOMING -> badRequest("The call is not an incoming call waiting to be answered.");
      case WRONG_STATE -> new ApiException(400, "8501", "Action is not valid in the call's current state ("
          + AcsJson.connectionState(e.state()) + "); it needs a " + AcsJson.connectionState(e.required()) + " call.");
    };
  }
}
