package io.callvert.config;

/**
 * Invalid or unreadable configuration.
 *
 * <p>The message always starts with the offending key (the dotted path of the option, e.g. {@code http.port}, or the
 * config file's path for file-level problems), followed by {@code ": "} and the problem, e.g.
 * {@code "http.port: must be 0..65535, got 70000"}.
 */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String key;
  private final String problem;

  /**
   * @param key the dotted option path (or file path) that is wrong
   * @param problem what is wrong with it, e.g. {@code "must be > 0, got -1"}
   */
  public ConfigException(String key, String problem) {
    this(key, problem, null);
  }

  /**
   * @param key the dotted option path (or file path) that is wrong
   * @param problem what is wrong with it
   * @param cause the underlying failure, may be {@code null}
   */
  public ConfigException(String key, String problem, Throwable cause) {
    super(key + ": " + problem, cause);
    this.key = key;
    this.problem = problem;
  }

  /** The dotted option path (e.g. {@code http.port}) or, for file-level problems, the config file path. */
  public String key() {
    return key;
  }

  /** The message without the leading key. */
  public String problem() {
    return problem;
  }
}
