package io.callvert.testing;

import io.callvert.config.CallvertOptions;
import io.callvert.config.ClockMode;
import io.callvert.config.HttpOptions;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link CallvertBotTest}: starts an embedded Callvert before the class (or before each
 * test, {@link CallvertBotTest.Lifecycle#PER_TEST}), stops it after, and resolves {@link Callvert} parameters of
 * constructors, lifecycle methods and test methods. A {@link Delivery} on the class or the method sets the delivery
 * profile for the calls of each test. Register it through the annotation (or {@code @ExtendWith}); a class without
 * {@code @CallvertBotTest} gets the defaults.
 */
public final class CallvertBotExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    AfterEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(CallvertBotExtension.class);

  /** Created by JUnit. */
  public CallvertBotExtension() {
  }

  /** Starts the class's Callvert (unless per test). */
  @Override
  public void beforeAll(ExtensionContext context) {
    // a class with its own annotation gets its own Callvert; a @Nested class without one shares its outer class's
    Optional<CallvertBotTest> own = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), CallvertBotTest.class);
    if (own.isPresent() && own.get().lifecycle() == CallvertBotTest.Lifecycle.PER_CLASS) {
      context.getStore(NS).put(Callvert.class, Callvert.start(options(own.get())));
    }
  }

  /** Stops the class's Callvert. */
  @Override
  public void afterAll(ExtensionContext context) {
    Callvert c = context.getStore(NS).remove(Callvert.class, Callvert.class);
    if (c != null) {
      c.close();
    }
  }

  /** Starts the test's Callvert (per test), and sets the test's delivery profile. */
  @Override
  public void beforeEach(ExtensionContext context) {
    Callvert c = callvert(context);
    Optional<Delivery> delivery = delivery(context);
    if (delivery.isPresent()) {
      c.deliveryProfile(delivery.get().value(), delivery.get().seed());
    } else {
      c.restoreConfiguredProfile(); // the options' webhook.profile (strict unless they say otherwise)
    }
  }

  /** Stops the test's Callvert (per test); forgets the calls no test claimed (per class). */
  @Override
  public void afterEach(ExtensionContext context) {
    Callvert own = context.getStore(NS).remove(Key.TEST, Callvert.class);
    if (own != null) {
      own.close();
    } else {
      Callvert shared = context.getStore(NS).get(Callvert.class, Callvert.class);
      if (shared != null) {
        shared.forgetUnclaimed();
      }
    }
  }

  /** Resolves parameters of type {@link Callvert}. */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Callvert.class;
  }

  /** The test's Callvert (per test) or the class's. */
  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return callvert(context);
  }

  /** Constructors are resolved in the test method's context, so a per-test Callvert reaches them too. */
  @Override
  public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
    return ExtensionContextScope.TEST_METHOD;
  }

  private enum Key { TEST }

  private static Callvert callvert(ExtensionContext context) {
    CallvertBotTest config = config(context);
    if (config.lifecycle() == CallvertBotTest.Lifecycle.PER_TEST) {
      if (context.getTestMethod().isEmpty()) {
        throw new ParameterResolutionException("A per-test Callvert exists only for a test: take it in the constructor,"
            + " a @BeforeEach/@AfterEach method or the test method, not in @BeforeAll");
      }
      return context.getStore(NS).getOrComputeIfAbsent(Key.TEST, k -> Callvert.start(options(config)), Callvert.class);
    }
    Callvert c = context.getStore(NS).get(Callvert.class, Callvert.class);
    if (c == null) { // e.g. a @Nested class whose outer class did not start one
      c = Callvert.start(options(config));
      context.getRoot().getStore(NS).put(Callvert.class, c);
    }
    return c;
  }

  private static CallvertBotTest config(ExtensionContext context) {
    for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
      Optional<AnnotatedElement> element = c.get().getElement();
      if (element.isPresent() && element.get() instanceof Class<?> type) {
        Optional<CallvertBotTest> found = AnnotationSupport.findAnnotation(type, CallvertBotTest.class);
        if (found.isPresent()) {
          return found.get();
        }
      }
    }
    return Defaults.class.getAnnotation(CallvertBotTest.class);
  }

  private static Optional<Delivery> delivery(ExtensionContext context) {
    Optional<Delivery> onMethod = context.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, Delivery.class));
    if (onMethod.isPresent()) {
      return onMethod;
    }
    for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
      Optional<Delivery> onClass = c.get().getTestClass().flatMap(t -> AnnotationSupport.findAnnotation(t, Delivery.class));
      if (onClass.isPresent()) {
        return onClass;
      }
    }
    return Optional.empty();
  }

  /** Free loopback port, the chosen clock, fast retries within a ten-second budget, holds of at most 250 ms, recordings in a temp dir. */
  static CallvertOptions options(CallvertBotTest config) {
    CallvertOptions d = CallvertOptions.defaults();
    try {
      String recordings = Files.createTempDirectory("callvert-bot-test").toString();
      CallvertOptions o = d.withHttp(HttpOptions.defaults().withHost("127.0.0.1").withPort(0))
          .withClock(config.clock() == CallvertBotTest.Clock.TEST ? ClockMode.VIRTUAL : ClockMode.SYSTEM)
          .withMedia(d.media().withRecordingsDir(recordings))
          .withWebhook(d.webhook().withBackoffInitialMs(20).withBackoffMaxMs(200).withTimeoutMs(5_000)
              .withRetryBudgetMs(10_000).withProfile(d.webhook().profile().withMaxHoldMs(250)));
      return instantiate(config.options()).apply(o);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create a recordings directory: " + e.getMessage(), e);
    }
  }

  private static UnaryOperator<CallvertOptions> instantiate(Class<? extends UnaryOperator<CallvertOptions>> type) {
    try {
      Constructor<? extends UnaryOperator<CallvertOptions>> c = type.getDeclaredConstructor();
      c.setAccessible(true);
      return c.newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("@CallvertBotTest(options = " + type.getName()
          + "): needs a no-argument constructor", e);
    }
  }

  @CallvertBotTest
  private static final class Defaults {
  }
}
