package io.callvert.runtime.acs;

/**
 * How an ACS operation's {@code operationContext} and {@code operationCallbackUri} ride in the call's opaque
 * {@code clientContext} (the call never reads it): the context alone when no callback override is given, else both
 * behind a marker no context may start with (contract rule 53 — ACS media).
 */
public final class AcsContext {

  private static final String MARK = "\u0000acs\u0000";

  private AcsContext() {}

  /** What an operation's context and callback override are kept as. */
  public record Decoded(String operationContext, String callbackUri) {}

  static String encode(String operationContext, String callbackUri) {
    if (operationContext != null && operationContext.indexOf('\u0000') >= 0) {
      throw AcsErrors.badRequest("'operationContext' may not contain the character U+0000.");
    }
    if (callbackUri == null) {
      return operationContext;
    }
    return MARK + callbackUri + MARK + (operationContext == null ? "" : "\u0001" + operationContext);
  }

  /** The operation's context and callback override (null when none) from what the call kept. */
  public static Decoded decode(String clientContext) {
    if (clientContext == null || !clientContext.startsWith(MARK)) {
      return new Decoded(clientContext, null);
    }
    int end = clientContext.indexOf(MARK, MARK.length());
    String uri = clientContext.substring(MARK.length(), end);
    String rest = clientContext.substring(end + MARK.length());
    return new Decoded(rest.isEmpty() ? null : rest.substring(1), uri);
  }
}
