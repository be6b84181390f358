package io.callvert.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Simulated callees of outgoing calls (JSON object {@code callee}).
 *
 * @param behaviour what callees without a target rule do, default {@link CalleeBehaviour#ANSWER}
 * @param answerDelayMs delay before answering, default 500 ms, at least 0
 * @param ringTimeoutMs how long an unanswered outgoing call rings before it ends, default 30 s
 * @param targets per-target rules keyed by phone number (e.g. {@code +15550100}) or user/application id; default
 *     empty. In JSON an entry's omitted {@code behaviour}/{@code answerDelayMs} default to the global ones
 */
public record CalleeOptions(CalleeBehaviour behaviour, long answerDelayMs, long ringTimeoutMs,
    Map<String, CalleeRule> targets) {

  public static final CalleeBehaviour DEFAULT_BEHAVIOUR = CalleeBehaviour.ANSWER;
  public static final long DEFAULT_ANSWER_DELAY_MS = 500L;
  public static final long DEFAULT_RING_TIMEOUT_MS = 30_000L;

  /** Validates; {@code null} behaviour = default, {@code null} targets = empty; targets keep their order. */
  public CalleeOptions {
    behaviour = behaviour == null ? DEFAULT_BEHAVIOUR : behaviour;
    Check.nonNegative("callee.answerDelayMs", answerDelayMs);
    Check.positive("callee.ringTimeoutMs", ringTimeoutMs);
    Map<String, CalleeRule> copy = new LinkedHashMap<>();
    if (targets != null) {
      for (Map.Entry<String, CalleeRule> e : targets.entrySet()) {
        if (e.getKey() == null || e.getKey().isBlank()) {
          throw new ConfigException("callee.targets", "target ids must not be blank");
        }
        if (e.getValue() == null) {
          throw new ConfigException("callee.targets." + e.getKey(), "must not be null");
        }
        copy.put(e.getKey(), e.getValue());
      }
    }
    targets = Collections.unmodifiableMap(copy);
  }

  public static CalleeOptions defaults() {
    return new CalleeOptions(DEFAULT_BEHAVIOUR, DEFAULT_ANSWER_DELAY_MS, DEFAULT_RING_TIMEOUT_MS, Map.of());
  }

  /** The rule for {@code targetId} if one is configured, else the global behaviour and delay. */
  public CalleeRule ruleFor(String targetId) {
    CalleeRule rule = targetId == null ? null : targets.get(targetId);
    return rule != null ? rule : new CalleeRule(behaviour, answerDelayMs);
  }

  public CalleeOptions withBehaviour(CalleeBehaviour behaviour) {
    return new CalleeOptions(behaviour, answerDelayMs, ringTimeoutMs, targets);
  }

  public CalleeOptions withAnswerDelayMs(long answerDelayMs) {
    return new CalleeOptions(behaviour, answerDelayMs, ringTimeoutMs, targets);
  }

  public CalleeOptions withRingTimeoutMs(long ringTimeoutMs) {
    return new CalleeOptions(behaviour, answerDelayMs, ringTimeoutMs, targets);
  }

  public CalleeOptions withTargets(Map<String, CalleeRule> targets) {
    return new CalleeOptions(behaviour, answerDelayMs, ringTimeoutMs, targets);
  }

  /** Adds or replaces one target rule. */
  public CalleeOptions withTarget(String targetId, CalleeRule rule) {
    Map<String, CalleeRule> copy = new LinkedHashMap<>(targets);
    copy.put(targetId, rule);
    return new CalleeOptions(behaviour, answerDelayMs, ringTimeoutMs, copy);
  }
}
