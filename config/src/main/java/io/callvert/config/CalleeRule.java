package io.callvert.config;


/**
 * How one simulated callee (an entry of {@code callee.targets}) reacts.
 *
 * @param behaviour what the callee does; required
 * @param answerDelayMs delay before answering (only meaningful for {@link CalleeBehaviour#ANSWER}), at least 0
 */
public record CalleeRule(CalleeBehaviour behaviour, long answerDelayMs) {

  /** Validates; keys in messages are relative ({@code behaviour}, {@code answerDelayMs}). */
  public CalleeRule {
    if (behaviour == null) {
      throw new ConfigException("behaviour", "must not be null");
    }
    Check.nonNegative("answerDelayMs", answerDelayMs);
  }

}
