package io.callvert.verticles.testkit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Counts what everything logs at WARN and ERROR while open (a Logback appender on the root logger), in
 * lines as a log file would hold them: the message plus one line per stack frame of every cause.
 */
public final class LogWatch extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final List<String> events = new ArrayList<>();
  private long lines;

  public LogWatch() {
    setContext(root.getLoggerContext());
    setName("callvert-log-watch");
    start();
    root.addAppender(this);
  }

  @Override
  protected synchronized void append(ILoggingEvent e) {
    if (!e.getLevel().isGreaterOrEqual(Level.WARN)) {
      return;
    }
    events.add(e.getLevel() + " " + e.getLoggerName() + " - " + e.getFormattedMessage());
    lines += e.getFormattedMessage().split("\n", -1).length;
    for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
      lines += 1 + t.getStackTraceElementProxyArray().length;
    }
  }

  /** The WARN and ERROR events so far, one string each. */
  public synchronized List<String> events() {
    return new ArrayList<>(events);
  }

  /** The WARN and ERROR lines so far, stack traces included. */
  public synchronized long lines() {
    return lines;
  }

  @Override
  public void close() {
    root.detachAppender(this);
    stop();
  }
}
