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
 * Loads {@link CallvertOptions} from layers merged by vert.x-config's {@link ConfigRetriever}, later layers winning:
 *
 * <ol>
 *   <li>defaults ({@link CallvertOptions#defaults()});
 *   <li>the optional config file: JSON, or YAML when the name ends with {@code .yaml}/{@code .yml};
 *   <li>environment variables {@code CALLVERT_*} ({@link ConfigKey#envName()});
 *   <li>system properties {@code callvert.*} ({@link ConfigKey#sysPropName()}).
 * </ol>
 *
 * <p>Objects are merged deeply, so {@code callee.targets} entries from different layers are combined per target id;
 * lists are replaced. Environment and system property strings are coerced by the key's {@link ConfigKey.Type}.
 * The loader never reads the process environment or system properties itself: callers pass them (e.g.
 * {@code System.getenv()}), so embedders and tests stay predictable.
 */
public final class ConfigLoader {

  /** Prefix of the environment variables that are configuration keys. */
  public static final String ENV_PREFIX = "CALLVERT_";
  /** Prefix of the system properties that are configuration keys. */
  public static final String SYS_PROP_PREFIX = "callvert.";

  private static final System.Logger LOG = System.getLogger(ConfigLoader.class.getName());

  private ConfigLoader() {
  }

  /**
   * Loads, merges and validates the configuration.
   *
   * @param vertx used for file access and by the retriever
   * @param configFile nullable (or blank) path of a JSON/YAML config file; if given it must exist and parse
   * @param env environment variables, usually {@code System.getenv()}; only {@code CALLVERT_*} known keys are used
   * @param sysProps system properties; only {@code callvert.*} known keys are used
   * @return the options, or a failure with a {@link ConfigException} naming the offending key or file
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
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
        .setIncludeDefaultStores(false) // the default stores would read System.getenv()/getProperties()
        .setScanPeriod(0)
        .addStore(jsonStore(CallvertOptions.defaults().toJson()));
    if (file != null) {
      options.addStore(new ConfigStoreOptions()
          .setType("file")
          .setFormat(formatOf(file))
          .setConfig(new JsonObject().put("path", file)));
    }
    options.addStore(jsonStore(envLayer)).addStore(jsonStore(sysLayer));

    Future<Boolean> exists = file == null ? Future.succeededFuture(true) : vertx.fileSystem().exists(file);
    return exists
        .compose(found -> found
            ? retrieve(vertx, options, file)
            : Future.failedFuture(new ConfigException(file, "config file does not exist")))
        .map(CallvertOptions::fromJson);
  }

  private static Future<JsonObject> retrieve(Vertx vertx, ConfigRetrieverOptions options, String file) {
    ConfigRetriever retriever;
    try {
      retriever = ConfigRetriever.create(vertx, options);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return retriever.getConfig()
        .eventually(retriever::close)
        .recover(err -> Future.failedFuture(err instanceof ConfigException || file == null
            ? err
            : new ConfigException(file, "cannot read config file as " + formatOf(file).toUpperCase(Locale.ROOT) + ": "
                + err.getMessage(), err)));
  }

  private static ConfigStoreOptions jsonStore(JsonObject json) {
    return new ConfigStoreOptions().setType("json").setConfig(json);
  }

  /** {@code yaml} for {@code .yaml}/{@code .yml} files, {@code json} for everything else. */
  static String formatOf(String file) {
    String lower = file.toLowerCase(Locale.ROOT);
    return lower.endsWith(".yaml") || lower.endsWith(".yml") ? "yaml" : "json";
  }

  /**
   * Builds the JSON tree of the known keys present in {@code source} (unknown names with the prefix are logged and
   * ignored).
   */
  static JsonObject layer(Map<String, String> source, Function<ConfigKey, String> nameOf, String prefix,
      String sourceName) {
    JsonObject out = new JsonObject();
    if (source == null || source.isEmpty()) {
      return out;
    }
    Set<String> known = new HashSet<>();
    for (ConfigKey key : ConfigKeys.all()) {
      String name = nameOf.apply(key);
      known.add(name);
      String raw = source.get(name);
      if (raw == null) {
        continue;
      }
      Object value;
      try {
        value = key.coerce(raw);
      } catch (ConfigException e) {
        throw new ConfigException(e.key(), e.problem() + " (from " + sourceName + " " + name + ")");
      }
      put(out, key.path(), value);
    }
    Set<String> unknown = new TreeSet<>();
    for (String name : source.keySet()) {
      if (name != null && name.startsWith(prefix) && !known.contains(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "Ignoring unknown Callvert " + sourceName + "(s): " + unknown);
    }
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
