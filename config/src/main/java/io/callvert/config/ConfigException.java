package io.callvert.config;

/**
 * Invalid or unreadable configuration.
 *
 * <p>The message always starts with the offending key (the dotted path of the option, e.g. {@code http.port}, or the
 * config file's path for file-level problems), followed by {@code ": "} and the problem, and, when known, the source
 * the value came from, e.g.
 * {@code "http.port: must be 0..65535, got 70000 (from environment variable CALLVERT_HTTP_PORT)"}. Sources are
 * {@code config file <path>}, {@code environment variable <NAME>}, {@code system property <name>},
 * {@code deployment config}, {@code JSON} ({@link CallvertOptions#fromJson}) or {@code default}.
 */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String key;
  private final String problem;
  private final String source;

  /**
   * @param key the dotted option path (or file path) that is wrong
   * @param problem what is wrong with it, e.g. {@code "must be > 0, got -1"}
   */
  public ConfigException(String key, String problem) {
    this(key, problem, null, null);
  }

  /**
   * @param key the dotted option path (or file path) that is wrong
   * @param problem what is wrong with it
   * @param cause the underlying failure, may be {@code null}
   */
  public ConfigException(String key, String problem, Throwable cause) {
    this(key, problem, null, cause);
  }

  /**
   * @param key the dotted option path (or file path) that is wrong
   * @param problem what is wrong with it
   * @param source where the value came from (e.g. {@code "environment variable CALLVERT_HTTP_PORT"}), may be
   *     {@code null} when the value was set in Java code
   * @param cause the underlying failure, may be {@code null}
   */
  public ConfigException(String key, String problem, String source, Throwable cause) {
    super(key + ": " + problem + (source == null ? "" : " (from " + source + ")"), cause);
    this.key = key;
    this.problem = problem;
    this.source = source;
  }

  /** The dotted option path (e.g. {@code http.port}) or, for file-level problems, the config file path. */
  public String key() {
    return key;
  }

  /** The message without the leading key and the trailing source. */
  public String problem() {
    return problem;
  }

  /** Where the offending value came from, or {@code null} when it was set in Java code. */
  public String source() {
    return source;
  }

  /** This exception with {@code source} filled in, unless it already names one. */
  public ConfigException withSource(String newSource) {
    return source != null || newSource == null ? this : new ConfigException(key, problem, newSource, getCause());
  }
}
