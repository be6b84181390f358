package io.callvert.verticles;

import io.callvert.config.CallvertOptions;
import io.callvert.config.ConfigException;
import io.vertx.core.json.JsonObject;

/**
 * What a {@link CallvertVerticle} deployment refuses before it starts anything: options it cannot read from its
 * deployment config, and combinations no single key can check. Each refusal is a {@link ConfigException} naming the
 * key and the source of the options ({@code deployment config} or {@code CallvertOptions}).
 */
final class DeployChecks {

  /** Source named in configuration errors when the options were given as an object. */
  static final String OPTIONS_SOURCE = "CallvertOptions";
  /** Source named in configuration errors when the options come from the deployment's config. */
  static final String DEPLOYMENT_CONFIG = "deployment config";

  private DeployChecks() {}

  /** The options given to the constructor, else read from the deployment's JSON config. */
  static CallvertOptions options(CallvertOptions given, JsonObject config) {
    return given != null ? given : CallvertOptions.fromJson(config, DEPLOYMENT_CONFIG);
  }

  /** The first refusal of {@code options} on this Vert.x instance ({@code clustered} or not), or null. */
  static ConfigException refusal(CallvertOptions options, boolean clustered, String source) {
    if (options.http().enabled() && !options.http().isLoopback() && !options.auth().hasRealCredentials()) {
      return new ConfigException("http.host", "refusing to listen on " + options.http().host()
          + " with only the well-known development token: configure auth.tokens or auth.jwt.* "
          + "(or bind http.host to 127.0.0.1)", source, null);
    }
    if (options.store().enabled() && clustered) {
      return new ConfigException("store.dir", "the durable store is for a single node: in a "
          + "cluster a surviving node ends a lost node's calls (contract rule 22); unset store.dir or cluster.enabled",
          source, null);
    }
    return null;
  }
}
