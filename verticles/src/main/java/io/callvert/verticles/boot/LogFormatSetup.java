package io.callvert.verticles.boot;

import io.callvert.config.LogFormat;
import java.net.URL;

/**
 * Switches the fat jar's Logback between its two appenders (contract rule 74 — Logs a machine can read).
 * {@code callvert-logback.xml} picks the appender from the property {@value #PROPERTY} (system property, else the
 * environment variable {@code CALLVERT_LOGGING_FORMAT}, else text) when Logback starts, which is before the
 * configuration file is read; once the whole configuration is loaded, a {@code logging.format} that differs
 * (set in the file) reloads Logback with it.
 */
final class LogFormatSetup {

  static final String PROPERTY = "callvert.logging.format";

  private LogFormatSetup() {}

  static void apply(LogFormat format) {
    String wanted = format.jsonValue();
    String current = System.getProperty(PROPERTY, System.getenv().getOrDefault("CALLVERT_LOGGING_FORMAT", "text"));
    System.setProperty(PROPERTY, wanted);
    if (current.equals(wanted)) { // the appender names are the lower-case values
      return;
    }
    try {
      if (!(org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context)) {
        return;
      }
      URL config = LogFormatSetup.class.getClassLoader().getResource(
          System.getProperty("logback.configurationFile", "callvert-logback.xml"));
      if (config == null) {
        return; // an operator's own Logback file, not found as a resource: theirs decides
      }
      context.reset();
      ch.qos.logback.classic.joran.JoranConfigurator joran = new ch.qos.logback.classic.joran.JoranConfigurator();
      joran.setContext(context);
      joran.doConfigure(config);
    } catch (LinkageError | Exception e) {
      System.err.println("callvert: cannot switch the log format to " + wanted + ": " + e.getMessage());
    }
  }
}
