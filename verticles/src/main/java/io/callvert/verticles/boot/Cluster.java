package io.callvert.verticles.boot;

import io.callvert.config.CallvertOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/** Creates the Vert.x instance the fat jar runs on: plain, or clustered on Hazelcast. */
final class Cluster {

  private Cluster() {}

  static Future<Vertx> vertx(CallvertOptions options, VertxOptions vertxOptions) {
    if (!options.cluster().enabled()) {
      return Future.succeededFuture(Vertx.vertx(vertxOptions));
    }
    return Future.failedFuture(new IllegalStateException("cluster.enabled=true is not supported by this build yet"));
  }
}
