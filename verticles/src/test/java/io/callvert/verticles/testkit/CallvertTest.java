package io.callvert.verticles.testkit;

import io.callvert.config.CallvertOptions;
import io.vertx.junit5.VertxExtension;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A black-box test class against one started Callvert: {@link CallvertExtension} starts it before
 * the class's first test and stops it after the last, and test methods (or constructors and
 * lifecycle methods) receive {@link TestRuntime}, {@link WebhookReceiver} and {@link WavServer} as
 * parameters. {@link VertxExtension} is registered too, so a test may also take a
 * {@code VertxTestContext} to await events with checkpoints.
 *
 * <p>A {@code @Nested} class shares its outer class's Callvert unless it carries its own
 * {@code @CallvertTest}, which starts one with its own options.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith({VertxExtension.class, CallvertExtension.class})
public @interface CallvertTest {

  /**
   * Adjusts the test options ({@link TestRuntime#testOptions()}: random port, virtual clock, fast
   * webhook retries); a class with a public or package no-argument constructor, e.g. a nested
   * {@code static class Options implements UnaryOperator<CallvertOptions>}.
   */
  Class<? extends UnaryOperator<CallvertOptions>> options() default Defaults.class;

  /** When the {@link WebhookReceiver} is created: once for the class, or afresh for each test (scripted replies). */
  Scope receiver() default Scope.CLASS;

  enum Scope { CLASS, TEST }

  /** The test options unchanged. */
  final class Defaults implements UnaryOperator<CallvertOptions> {
    @Override
    public CallvertOptions apply(CallvertOptions o) {
      return o;
    }
  }
}
