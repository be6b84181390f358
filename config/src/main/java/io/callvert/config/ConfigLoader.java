package io.callvert.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Loads {@link CallvertOptions} from layers, later layers winning:
 *
 * <ol>
 *   <li>defaults ({@link CallvertOptions#defaults()});
 *   <li>the optional config file, read by vert.x-config: JSON, or YAML when the name ends with
 *       {@code .yaml}/{@code .yml};
 *   <li>environment variables {@code CALLVERT_*} ({@link ConfigKey#envName()});
 *   <li>system properties {@code callvert.*} ({@link ConfigKey#sysPropName()}).
 * </ol>
 *
 * <p>Objects are merged deeply (as vert.x-config merges its stores), so {@code callee.targets} entries from different
 * layers are combined per target id; lists are replaced. Environment and system property strings are coerced by the
 * key's {@link ConfigKey.Type}. The merged tree is bound by Jackson ({@link CallvertOptions#fromJson}).
 *
 * <p>Unknown names are reported the same way whatever their layer: one SLF4J {@code WARN} per source listing them
 * (unknown keys of the file, unknown {@code CALLVERT_*} variables, unknown {@code callvert.*} properties), and
 * ignored. Every error is a {@link ConfigException} naming the dotted key and the layer its value came from, e.g.
 * {@code "http.port: must be 0..65535, got 70000 (from config file /etc/callvert.yaml)"}.
 *
 * <p>The loader never reads the process environment or system properties itself: callers pass them (e.g.
 * {@code System.getenv()}), so embedders and tests stay predictable.
 */
public final class ConfigLoader {

  /** Prefix of the environment variables that are configuration keys. */
  public static final String ENV_PREFIX = "CALLVERT_";
  /** Prefix of the system properties that are configuration keys. */
  public static final String SYS_PROP_PREFIX = "callvert.";
  /** The environment variable naming the config file (read by the fat jar's {@code Main}, not a key). */
  public static final String CONFIG_FILE_ENV = "CALLVERT_CONFIG";

  private ConfigLoader() {
  }

  /**
   * Loads, merges and validates the configuration.
   *
   * @param vertx used for file access and by the retriever
   * @param configFile nullable (or blank) path of a JSON/YAML config file; if given it must exist and parse
   * @param env environment variables, usually {@code System.getenv()}; only {@code CALLVERT_*} known keys are used
   * @param sysProps system properties; only {@code callvert.*} known keys are used
   * @return the options, or a failure with a {@link ConfigException} naming the offending key and its source (or
   *     the file)
   */
  public static Future<CallvertOptions> load(Vertx vertx, String configFile, Map<String, String> env,
      Map<String, String> sysProps) {
    Objects.requireNonNull(vertx, "vertx");
    String file = configFile == null || configFile.isBlank() ? null : configFile;
    JsonObject envLayer;
    JsonObject sysLayer;
    try {
      envLayer = layer(env, ConfigKey::envName, ENV_PREFIX, "environment variable");
      sysLayer = layer(sysProps, ConfigKey::sysPropName, SYS_PROP_PREFIX, "system property");
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    Future<JsonObject> fileLayer = file == null ? Future.succeededFuture(new JsonObject())
        : vertx.fileSystem().exists(file).compose(found -> found
            ? readFile(vertx, file)
            : Future.failedFuture(new ConfigException(file, "config file does not exist")));
    return fileLayer.map(fileJson -> {
      JsonObject merged = fileJson.copy().mergeIn(envLayer, true).mergeIn(sysLayer, true);
      return OptionsJson.bind(merged, path -> sourceOf(path, file, fileJson, envLayer, sysLayer));
    });
  }

  private static Future<JsonObject> readFile(Vertx vertx, String file) {
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
        .setIncludeDefaultStores(false) // the default stores would read System.getenv()/getProperties()
        .setScanPeriod(0)
        .addStore(new ConfigStoreOptions()
            .setType("file")
            .setFormat(formatOf(file))
            .setConfig(new JsonObject().put("path", file)));
    ConfigRetriever retriever;
    try {
      retriever = ConfigRetriever.create(vertx, options);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return retriever.getConfig()
        .eventually(retriever::close)
        .recover(err -> Future.failedFuture(new ConfigException(file, "cannot read config file as "
            + formatOf(file).toUpperCase(Locale.ROOT) + ": " + err.getMessage(), err)));
  }

  /** The layer that set {@code path} (the highest one holding it), as named in messages. */
  private static String sourceOf(String path, String file, JsonObject fileJson, JsonObject env, JsonObject sys) {
    ConfigKey key = keyOf(path);
    if (key != null && holds(sys, path)) {
      return "system property " + key.sysPropName();
    }
    if (key != null && holds(env, path)) {
      return "environment variable " + key.envName();
    }
    if (file != null && holds(fileJson, path)) {
      return "config file " + file;
    }
    return "default";
  }

  /** The leaf key {@code path} is, or lies under (an entry of {@code callee.targets}). */
  private static ConfigKey keyOf(String path) {
    for (ConfigKey key : ConfigKeys.all()) {
      if (path.equals(key.path()) || path.startsWith(key.path() + ".")) {
        return key;
      }
    }
    return null;
  }

  private static boolean holds(JsonObject tree, String path) {
    String[] segments = path.split("\\.");
    JsonObject node = tree;
    for (int i = 0; i < segments.length - 1; i++) {
      Object child = node.getValue(segments[i]);
      if (!(child instanceof JsonObject)) {
        return false;
      }
      node = (JsonObject) child;
    }
    return node.containsKey(segments[segments.length - 1]);
  }

  /** {@code yaml} for {@code .yaml}/{@code .yml} files, {@code json} for everything else. */
  static String formatOf(String file) {
    String lower = file.toLowerCase(Locale.ROOT);
    return lower.endsWith(".yaml") || lower.endsWith(".yml") ? "yaml" : "json";
  }

  /**
   * Builds the JSON tree of the known keys present in {@code source}; unknown names with the prefix are reported and
   * ignored.
   */
  static JsonObject layer(Map<String, String> source, Function<ConfigKey, String> nameOf, String prefix,
      String sourceName) {
    JsonObject out = new JsonObject();
    if (source == null || source.isEmpty()) {
      return out;
    }
    Set<String> known = new HashSet<>();
    known.add(CONFIG_FILE_ENV);
    for (ConfigKey key : ConfigKeys.all()) {
      String name = nameOf.apply(key);
      known.add(name);
      String raw = source.get(name);
      if (raw == null) {
        continue;
      }
      try {
        put(out, key.path(), key.coerce(raw));
      } catch (ConfigException e) {
        throw e.withSource(sourceName + " " + name);
      }
    }
    Set<String> unknown = new TreeSet<>();
    for (String name : source.keySet()) {
      if (name != null && name.startsWith(prefix) && !known.contains(name)) {
        unknown.add(name);
      }
    }
    OptionsJson.reportUnknown(sourceName.equals("system property") ? "system properties" : sourceName + "s", unknown);
    return out;
  }

  private static void put(JsonObject root, String path, Object value) {
    String[] segments = path.split("\\.");
    JsonObject node = root;
    for (int i = 0; i < segments.length - 1; i++) {
      JsonObject child = node.getJsonObject(segments[i]);
      if (child == null) {
        child = new JsonObject();
        node.put(segments[i], child);
      }
      node = child;
    }
    node.put(segments[segments.length - 1], value);
  }
}
