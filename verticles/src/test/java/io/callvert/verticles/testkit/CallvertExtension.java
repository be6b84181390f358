package io.callvert.verticles.testkit;

import io.callvert.config.CallvertOptions;
import java.lang.reflect.Constructor;
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
 * The fixture behind {@link CallvertTest}: per test class, a started {@link TestRuntime} (its own
 * Vert.x, Callvert deployed with the test clock), a {@link WebhookReceiver} as the bot and a
 * {@link WavServer} for prompt media, all on the runtime's Vert.x; stopped after the class (the
 * receiver after each test with {@link CallvertTest.Scope#TEST}). Parameters of those three types
 * are resolved from the nearest class that started one, so {@code @Nested} classes share it.
 */
public final class CallvertExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    AfterEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(CallvertExtension.class);

  /** What one test class started. */
  private record Fixture(TestRuntime runtime, WavServer media, WebhookReceiver classBot, CallvertTest.Scope scope) {
    void close() {
      // the servers live on the runtime's Vert.x: stop Callvert first, so that its last deliveries still land
      try {
        runtime.close();
      } finally {
        media.close();
        if (classBot != null) {
          classBot.close();
        }
      }
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Class<?> testClass = context.getRequiredTestClass();
    Optional<CallvertTest> own = AnnotationSupport.findAnnotation(testClass, CallvertTest.class);
    if (own.isEmpty()) {
      return; // shares the enclosing class's Callvert
    }
    CallvertTest config = own.get();
    TestRuntime rt = TestRuntime.start(newOptions(config.options()));
    WavServer media = new WavServer(rt.vertx);
    WebhookReceiver bot = config.receiver() == CallvertTest.Scope.CLASS ? new WebhookReceiver(rt.vertx) : null;
    context.getStore(NS).put(Fixture.class, new Fixture(rt, media, bot, config.receiver()));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Fixture f = context.getStore(NS).remove(Fixture.class, Fixture.class);
    if (f != null) {
      f.close();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    // a per-test receiver is made when first asked for (constructor, @BeforeEach or test method)
  }

  /** Test-class constructors are resolved in the test's own context, so a per-test receiver can be injected there too. */
  @Override
  public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
    return ExtensionContextScope.TEST_METHOD;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    WebhookReceiver bot = context.getStore(NS).remove(WebhookReceiver.class, WebhookReceiver.class);
    if (bot != null) {
      bot.close();
    }
    // a class receiver outlives the test: its handlers (onReceived) must not flag the next test's checkpoints
    Fixture f = fixture(context);
    if (f != null && f.classBot() != null) {
      f.classBot().removeListeners();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestRuntime.class || type == WebhookReceiver.class || type == WavServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Fixture f = fixture(context);
    if (f == null) {
      throw new ParameterResolutionException("no @CallvertTest runtime for " + context.getRequiredTestClass().getName());
    }
    Class<?> type = parameter.getParameter().getType();
    if (type == TestRuntime.class) {
      return f.runtime();
    }
    if (type == WavServer.class) {
      return f.media();
    }
    if (f.classBot() != null) {
      return f.classBot();
    }
    if (context.getTestMethod().isEmpty()) {
      throw new ParameterResolutionException("a per-test WebhookReceiver exists only for a test: constructor, @BeforeEach/@AfterEach or test method");
    }
    return context.getStore(NS).getOrComputeIfAbsent(WebhookReceiver.class, k -> new WebhookReceiver(f.runtime().vertx),
        WebhookReceiver.class);
  }

  /** The nearest fixture: the store looks in the enclosing (class, outer class) contexts too. */
  private static Fixture fixture(ExtensionContext context) {
    return context.getStore(NS).get(Fixture.class, Fixture.class);
  }

  private static UnaryOperator<CallvertOptions> newOptions(Class<? extends UnaryOperator<CallvertOptions>> type) {
    try {
      Constructor<? extends UnaryOperator<CallvertOptions>> c = type.getDeclaredConstructor();
      c.setAccessible(true);
      return c.newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("@CallvertTest(options = " + type.getName() + "): needs a no-argument constructor", e);
    }
  }
}
