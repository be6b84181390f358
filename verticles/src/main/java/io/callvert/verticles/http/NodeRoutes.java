package io.callvert.verticles.http;

import io.callvert.config.CallvertOptions;
import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.api.Ids;
import io.callvert.verticles.auth.ApiAuthHandler;
import io.callvert.verticles.auth.NotificationSigner;
import io.callvert.verticles.call.CallManager;
import io.callvert.verticles.media.RecordingStore;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The node's own routes, beside the calls': health, the OpenID and JWKS documents bots verify notifications with,
 * recording downloads (by their own access token) and the test clock. Mounted by {@link HttpApi#router()}.
 */
final class NodeRoutes {

  /** One clock advance moves at most a year: enough for any timer, far from overflowing the clock. */
  private static final long MAX_ADVANCE_MS = 365L * 24 * 3600 * 1000;

  private final HttpApi api;
  private final CallvertOptions options;
  private final CallManager calls;
  private final RecordingStore recordings;
  private final NotificationSigner signer;

  NodeRoutes(HttpApi api, CallvertOptions options, CallManager calls, RecordingStore recordings, NotificationSigner signer) {
    this.api = api;
    this.options = options;
    this.calls = calls;
    this.recordings = recordings;
    this.signer = signer;
  }

  /** The clock is the node's, every app's calls run on it: moving it is an admin's (contract rule 43). */
  void handleClockAdvance(RoutingContext ctx) {
    ApiAuthHandler.requireRole(ctx, ApiAuthHandler.ROLE_ADMIN);
    JsonObject body = HttpApi.jsonBody(ctx, true);
    Object d = body.getValue("durationMs");
    if (!(d instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() != Math.rint(n.doubleValue())
        || n.doubleValue() > MAX_ADVANCE_MS) {
      throw ApiException.invalidRequest("'durationMs' is required and must be an integer from 0 to " + MAX_ADVANCE_MS
          + " (one year).");
    }
    calls.scheduler().advance(n.longValue()).onComplete(ar -> {
      if (ar.failed()) {
        api.fail(ctx, ar.cause());
      } else {
        api.writeJson(ctx, 200, new JsonObject().put("now", iso(ar.result())));
      }
    });
  }

  void handleClock(RoutingContext ctx) {
    ApiAuthHandler.requireRole(ctx, ApiAuthHandler.ROLE_SIMULATE, ApiAuthHandler.ROLE_ADMIN, ApiAuthHandler.ROLE_INITIATE,
        ApiAuthHandler.ROLE_ACCESS_MEDIA);
    api.writeJson(ctx, 200, new JsonObject().put("now", iso(calls.clock().now()))
        .put("mode", options.clock().name().toLowerCase(Locale.ROOT)));
  }

  void handleHealth(RoutingContext ctx) {
    api.writeJson(ctx, 200, new JsonObject().put("status", "UP").put("liveCalls", calls.registry().liveCount()));
  }

  void handleOpenIdConfiguration(RoutingContext ctx) {
    if (signer == null) {
      throw ApiException.itemNotFound("Notification signing is off (webhook.signingEnabled=false).");
    }
    api.writeJson(ctx, 200, signer.openIdConfiguration(api.baseUrl(ctx)));
  }

  void handleJwks(RoutingContext ctx) {
    if (signer == null) {
      throw ApiException.itemNotFound("Notification signing is off (webhook.signingEnabled=false).");
    }
    // in a cluster, every node's key: a bot may fetch the JWKS from one node and get notifications from another
    calls.clusterKeys().onComplete(ar -> {
      if (ar.succeeded()) {
        syncClusterKeys(ar.result());
      }
      api.writeJson(ctx, 200, signer.jwks());
    });
  }

  /** Makes the signer publish exactly the cluster's current keys besides its own. */
  private void syncClusterKeys(java.util.List<JsonObject> clusterKeys) {
    java.util.Set<String> current = new java.util.HashSet<>();
    for (JsonObject k : clusterKeys) {
      String kid = k.getString("kid");
      current.add(kid);
      if (!kid.equals(signer.keyId())) {
        JsonObject jwk = k.copy();
        jwk.remove("node");
        signer.addPublishedKey(jwk);
      }
    }
    if (clusterKeys.isEmpty()) {
      return;
    }
    for (Object o : signer.jwks().getJsonArray("keys")) {
      String kid = ((JsonObject) o).getString("kid");
      if (!kid.equals(signer.keyId()) && !current.contains(kid)) {
        signer.removePublishedKey(kid);
      }
    }
  }

  /** Recordings are protected by their own access token (contract rule 13), not the API token. */
  void handleRecording(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    String callId = Ids.canonical(ctx.pathParam("callId"));
    String recordingId = Ids.canonical(ctx.pathParam("recordingId"));
    recordings.download(callId, recordingId, token).compose(d -> d.status() == 404
            ? calls.remoteRecording(callId, recordingId, token) // another node of the cluster may hold it
            : Future.succeededFuture(d))
        .onComplete(ar -> {
          if (ar.failed()) {
            api.fail(ctx, ar.cause());
            return;
          }
          RecordingStore.Download d = ar.result();
          switch (d.status()) {
            case 404 -> api.fail(ctx, ApiException.itemNotFound("Recording not found (unknown, or its retention period is over)."));
            case 401 -> api.fail(ctx, ApiException.unauthenticated("A valid recordingAccessToken is required as the Bearer token."));
            default -> {
              HttpServerResponse resp = ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream");
              if (d.file() != null) {
                resp.sendFile(d.file()).onFailure(e -> api.fail(ctx, e));
              } else {
                resp.end(d.body());
              }
            }
          }
        });
  }

  /** Prometheus scraping when Vert.x runs with Micrometer's Prometheus backend (the fat jar does). */
  static java.util.Optional<io.vertx.core.Handler<RoutingContext>> prometheus() {
    try {
      if (io.vertx.micrometer.backends.BackendRegistries.getDefaultNow()
          instanceof io.micrometer.prometheusmetrics.PrometheusMeterRegistry) {
        return java.util.Optional.of(io.vertx.micrometer.PrometheusScrapingHandler.create());
      }
    } catch (LinkageError absent) {
      // no Micrometer/Prometheus on the classpath: no /metrics
    }
    return java.util.Optional.empty();
  }

  private static String iso(long millis) {
    return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(millis));
  }
}
