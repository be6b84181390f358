package io.callvert.verticles.ops;

import io.callvert.config.HealthOptions;
import io.callvert.verticles.cluster.CallDirectory;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /health/live} and {@code GET /health/ready} with vertx-health-check (contract rules 71 and 72).
 * Unauthenticated; their JSON names each check and its state and carries no secret (no key, token, id or
 * address). 200 when every check is UP, 503 otherwise; the body is vertx-health-check's
 * {@code {"status":"UP|DOWN","checks":[{"id":…,"status":…,"data":{…}}],"outcome":…}}.
 */
final class Health {

  /** How long one check may take before it counts as DOWN. */
  private static final long CHECK_TIMEOUT_MS = 2_000;

  private final HealthChecks live;
  private final HealthChecks ready;

  /** What readiness looks at. */
  record Sources(BooleanSupplier listening, Supplier<CallDirectory> directory, boolean clustered,
      BooleanSupplier signingKeyLoaded, boolean signingEnabled, IntSupplier webhookBacklog,
      Supplier<String> notAccepting) {}

  Health(Vertx vertx, HealthOptions options, EventLoopProbe probe, Sources s) {
    live = HealthChecks.create(vertx).register("eventLoops", CHECK_TIMEOUT_MS, p -> p.complete(liveness(probe, options)));
    ready = HealthChecks.create(vertx)
        .register("accepting", CHECK_TIMEOUT_MS, p -> {
          String why = s.notAccepting().get();
          p.complete(why == null ? Status.OK() : Status.KO(new JsonObject().put("reason", why)));
        })
        .register("http", CHECK_TIMEOUT_MS, p -> p.complete(s.listening().getAsBoolean() ? Status.OK() : Status.KO()))
        .register("cluster", CHECK_TIMEOUT_MS, p -> {
          if (!s.clustered()) {
            p.complete(Status.OK(new JsonObject().put("clustered", false)));
            return;
          }
          CallDirectory d = s.directory().get();
          if (d == null) {
            p.complete(Status.KO(new JsonObject().put("clustered", true).put("reason", "not joined")));
            return;
          }
          d.probe().onComplete(ar -> p.complete(ar.succeeded()
              ? Status.OK(new JsonObject().put("clustered", true).put("members", d.nodes().size()))
              : Status.KO(new JsonObject().put("clustered", true).put("reason", "directory not answering"))));
        })
        .register("signingKey", CHECK_TIMEOUT_MS, p -> p.complete(!s.signingEnabled()
            ? Status.OK(new JsonObject().put("signing", false))
            : s.signingKeyLoaded().getAsBoolean() ? Status.OK(new JsonObject().put("signing", true)) : Status.KO()))
        .register("webhookBacklog", CHECK_TIMEOUT_MS, p -> {
          int backlog = s.webhookBacklog().getAsInt();
          JsonObject data = new JsonObject().put("pending", backlog).put("max", options.maxWebhookBacklog());
          p.complete(backlog <= options.maxWebhookBacklog() ? Status.OK(data) : Status.KO(data));
        });
  }

  /** The event loops' check: DOWN while a loop has not run for {@code health.maxLoopStallMs} (contract rule 71 — Liveness). */
  static Status liveness(EventLoopProbe probe, HealthOptions options) {
    long stall = probe.longestStallMs();
    JsonObject data = new JsonObject().put("loops", probe.loops()).put("longestStallMs", stall)
        .put("maxLoopStallMs", options.maxLoopStallMs());
    return stall < options.maxLoopStallMs() ? Status.OK(data) : Status.KO(data);
  }

  HealthCheckHandler liveHandler() {
    return HealthCheckHandler.createWithHealthChecks(live);
  }

  HealthCheckHandler readyHandler() {
    return HealthCheckHandler.createWithHealthChecks(ready);
  }
}
