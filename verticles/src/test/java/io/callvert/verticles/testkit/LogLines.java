package io.callvert.verticles.testkit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Every log event while open (a Logback appender on the root logger), and futures that complete when a matching
 * event is logged: a test awaits a log line as an event, without polling.
 */
public final class LogLines extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final List<ILoggingEvent> events = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();

  private record Waiter(Predicate<ILoggingEvent> p, Promise<ILoggingEvent> promise) {}

  public LogLines() {
    setContext(root.getLoggerContext());
    setName("callvert-log-lines");
    start();
    root.addAppender(this);
  }

  @Override
  protected void append(ILoggingEvent e) {
    e.prepareForDeferredProcessing();
    List<Waiter> done = new ArrayList<>();
    synchronized (this) {
      events.add(e);
      waiters.removeIf(w -> w.p.test(e) && done.add(w));
    }
    done.forEach(w -> w.promise.tryComplete(e));
  }

  /** Completes with the first event (already logged, or logged later) whose formatted message matches. */
  public Future<ILoggingEvent> when(Predicate<String> message) {
    Predicate<ILoggingEvent> p = e -> message.test(e.getFormattedMessage());
    Promise<ILoggingEvent> promise = Promise.promise();
    synchronized (this) {
      for (ILoggingEvent e : events) {
        if (p.test(e)) {
          return Future.succeededFuture(e);
        }
      }
      waiters.add(new Waiter(p, promise));
    }
    return promise.future();
  }

  /** The events so far. */
  public synchronized List<ILoggingEvent> events() {
    return new ArrayList<>(events);
  }

  @Override
  public void close() {
    root.detachAppender(this);
    stop();
  }
}
