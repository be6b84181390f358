package io.callvert.testing;

import io.callvert.config.CallvertOptions;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class against an embedded Callvert: {@link CallvertBotExtension} starts it on a free loopback port
 * (per class by default, see {@link #lifecycle()}) with the test clock (see {@link #clock()}), and test methods,
 * constructors and lifecycle methods take a {@link Callvert} parameter. The delivery profile is strict unless the
 * class or method carries {@link Delivery}.
 *
 * <pre>{@code
 * @CallvertBotTest
 * class MyBotTest {
 *   @Test
 *   void greets(Callvert callvert) {
 *     MyBot bot = MyBot.start(callvert.graphBaseUrl(), callvert.token());
 *     BotCall call = callvert.callBot(bot.callbackUrl());
 *     call.awaitNotification("playPromptOperation completed");
 *   }
 * }
 * }</pre>
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(CallvertBotExtension.class)
public @interface CallvertBotTest {

  /** How long one Callvert lives. */
  enum Lifecycle {
    /** One Callvert for the whole test class (the default): fast; calls of earlier tests are gone or ended. */
    PER_CLASS,
    /** A fresh Callvert for each test method: nothing shared, about half a second more per test. */
    PER_TEST
  }

  /** Which clock drives calls. */
  enum Clock {
    /**
     * The test clock (the default): nothing time-driven happens (the callee answering, a prompt ending, a record
     * timing out) until the test moves it with {@link TestClock#advance}; deterministic and fast.
     */
    TEST,
    /** Wall-clock time: a 5 s prompt takes 5 s. */
    SYSTEM
  }

  /**
   * One Callvert per class (default) or per test.
   *
   * @return the lifecycle
   */
  Lifecycle lifecycle() default Lifecycle.PER_CLASS;

  /**
   * The test clock (default) or the system clock.
   *
   * @return the clock
   */
  Clock clock() default Clock.TEST;

  /**
   * Adjusts the options Callvert starts with (after the extension's: free port, the chosen clock, fast retries, a
   * ten-second retry budget): a class with a no-argument constructor, e.g. a nested
   * {@code static class Options implements UnaryOperator<CallvertOptions>}.
   * @return the adjustment's class
   */
  Class<? extends UnaryOperator<CallvertOptions>> options() default NoChange.class;

  /** The options unchanged. */
  final class NoChange implements UnaryOperator<CallvertOptions> {
    /** Creates the identity adjustment. */
    public NoChange() {
    }

    /** Returns {@code options} as they are. */
    @Override
    public CallvertOptions apply(CallvertOptions options) {
      return options;
    }
  }
}
