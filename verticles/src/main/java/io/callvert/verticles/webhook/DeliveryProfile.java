package io.callvert.verticles.webhook;

import io.callvert.config.DeliveryProfileOptions;
import java.util.SplittableRandom;

/**
 * The choices of a delivery profile (contract rules 77-79), as a pure function of the profile's seed and a
 * notification's place in its call: no clock, no I/O, no Vert.x, so it is unit-tested on its own and a seed replays.
 *
 * <p>The strict profile chooses nothing: in order, once, promptly. The Graph-like profile chooses, per notification,
 * what Graph's documentation allows (docs/test-your-bot.md cites each page):
 * <ul>
 *   <li>{@link Hold#SWAP_WITH_NEXT}: an {@code establishing} call-state notification is held until the next one of
 *       its call is queued, which then goes first ({@code establishing}/{@code established} out of order);</li>
 *   <li>{@link Hold#BATCH_WITH_NEXT}: held until the next one is queued, then both go in one POST (one
 *       {@code commsNotifications} body whose {@code value} array holds both);</li>
 *   <li>{@link Plan#delayMs()}: an extra delay before the first attempt;</li>
 *   <li>{@link Plan#duplicate()}: once delivered, it is POSTed once more, same body, same sequence;</li>
 *   <li>{@link #rolloverSequence()}: from this per-call sequence on, notifications are signed with a second key,
 *       published in the JWKS beside the first from the rollover on.</li>
 * </ul>
 * The call's last notification (its {@code terminated} state) is never held, so the end of a call is not delayed by a
 * hold that cannot find a successor. The choices depend on the seed, the sequence and the kind only, not on call ids
 * (random) or time, so the same test with the same seed gets the same deliveries.
 */
public final class DeliveryProfile {

  /** Whether, and how, a notification waits for the next one of its call. */
  public enum Hold { NONE, SWAP_WITH_NEXT, BATCH_WITH_NEXT }

  /** What the profile does with one notification. */
  public record Plan(long delayMs, Hold hold, boolean duplicate) {
    /** Nothing: the strict profile's plan for every notification. */
    public static final Plan PROMPT = new Plan(0, Hold.NONE, false);
  }

  /** What a notification is about, as far as the profile cares. */
  public enum Kind { ESTABLISHING, TERMINATED, OTHER }

  /** Chances (out of 100) of each choice in the Graph-like profile. */
  static final int SWAP_PERCENT = 75;
  static final int BATCH_PERCENT = 25;
  static final int DELAY_PERCENT = 30;
  static final int DUPLICATE_PERCENT = 25;

  private final DeliveryProfileOptions options;

  public DeliveryProfile(DeliveryProfileOptions options) {
    this.options = options;
  }

  public DeliveryProfileOptions options() {
    return options;
  }

  /** Whether the profile ever departs from in order, once, promptly. */
  public boolean strict() {
    return options.strict();
  }

  /** The plan of the notification with per-call {@code sequence} (1, 2, 3…) and {@code kind}. */
  public Plan plan(long sequence, Kind kind) {
    if (strict()) {
      return Plan.PROMPT;
    }
    SplittableRandom r = new SplittableRandom(mix(options.seed(), sequence));
    Hold hold = Hold.NONE;
    int holdRoll = r.nextInt(100);
    if (kind == Kind.ESTABLISHING) {
      hold = holdRoll < SWAP_PERCENT ? Hold.SWAP_WITH_NEXT : Hold.NONE;
    } else if (kind == Kind.OTHER && holdRoll < BATCH_PERCENT) {
      hold = Hold.BATCH_WITH_NEXT;
    }
    long delay = r.nextInt(100) < DELAY_PERCENT && options.maxDelayMs() > 0 ? 1 + r.nextLong(options.maxDelayMs()) : 0;
    boolean duplicate = r.nextInt(100) < DUPLICATE_PERCENT;
    return new Plan(delay, hold, duplicate);
  }

  /**
   * The per-call sequence from which notifications are signed with the rolled-over key (2, 3 or 4, after the seed);
   * {@code Long.MAX_VALUE} for the strict profile (no rollover).
   */
  public long rolloverSequence() {
    return strict() ? Long.MAX_VALUE : 2 + new SplittableRandom(mix(options.seed(), -1)).nextInt(3);
  }

  /** The one swap the profile allows: only notifications that need no causality gate trade places (contract rule 78). */
  public static boolean maySwap(Kind held, boolean nextGated) {
    return held == Kind.ESTABLISHING && !nextGated;
  }

  private static long mix(long seed, long sequence) {
    long z = seed * 0x9E3779B97F4A7C15L + sequence;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
