package io.callvert.runtime.api;

/**
 * A client-visible failure: an HTTP status plus the Graph error {@code code} and {@code message}
 * that go into the {@code {"error":{...}}} envelope (contract rule 5).
 *
 * <p>Thrown by request parsing and by the call state machine; the HTTP layer turns it into the
 * Graph-shaped error body. It carries no stack trace: it is an expected outcome, not a bug.
 */
public final class ApiException extends RuntimeException {

  private final int status;
  private final String code;
  private final Long retryAfterSeconds;

  public ApiException(int status, String code, String message) {
    this(status, code, message, null);
  }

  public ApiException(int status, String code, String message, Long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() { return status; }

  public String code() { return code; }

  /** Seconds for a {@code Retry-After} header, or {@code null}. */
  public Long retryAfterSeconds() { return retryAfterSeconds; }

  // The error classes of contract rule 5, so that codes and messages are written once.

  public static ApiException invalidRequest(String message) {
    return new ApiException(400, "invalidRequest", message);
  }

  public static ApiException callNotFound() {
    return new ApiException(404, "8522", "Call not found.");
  }

  public static ApiException operationNotFound(String opId) {
    return new ApiException(404, "itemNotFound", "Operation '" + opId + "' not found.");
  }

  public static ApiException itemNotFound(String message) {
    return new ApiException(404, "itemNotFound", message);
  }

  public static ApiException unauthenticated(String message) {
    return new ApiException(401, "InvalidAuthenticationToken", message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, "Authorization_RequestDenied", message);
  }

  public static ApiException unsupportedMediaType(String message) {
    return new ApiException(415, "unsupportedMediaType", message);
  }

  public static ApiException tooLarge(String message) {
    return new ApiException(413, "requestEntityTooLarge", message);
  }

  public static ApiException queueFull(int limit) {
    return new ApiException(429, "activityLimitReached",
        "The call's media queue already holds " + limit + " operations; retry later.", 1L);
  }
}
