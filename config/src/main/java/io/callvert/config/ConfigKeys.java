package io.callvert.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every leaf key of {@link CallvertOptions}, as data (type, default, description), in tree order. Drives the
 * environment/system property mapping of {@link ConfigLoader} and the documentation table.
 */
public final class ConfigKeys {

  private static final List<ConfigKey> ALL;
  private static final Map<String, ConfigKey> BY_PATH = new LinkedHashMap<>();

  static {
    Builder b = new Builder(CallvertOptions.defaults().toJson());
    b.bool("http.enabled", "Open Callvert's own HTTP server; false when an embedder mounts the router itself.");
    b.string("http.host", "Interface the HTTP server binds to.");
    b.integer("http.port", "HTTP server port; 0 picks a random free port.");
    b.nullableString("http.publicBaseUrl",
        "External base URL (e.g. https://calls.example.com) of every absolute URL Callvert writes (Location,"
            + " recordingLocation, jwks_uri); unset: the address the request's connection reached, never its Host"
            + " header (contract rule 46).");
    b.longValue("http.maxBodyBytes", "Maximum request body size in bytes.");
    b.longValue("http.requestTimeoutMs", "Per-request timeout in milliseconds.");
    b.integer("http.serverInstances", "Event loops serving HTTP (server instances sharing the port); 0 = one per event loop of Vert.x's default pool (2 × processors).");
    b.longValue("http.requestReadTimeoutMs", "How long the own server waits for a request's head and whole body, counted"
        + " from the connection's first bytes or from the previous response on a kept-alive connection; then the"
        + " connection is closed (contract rule 47). 0 = no limit.");
    b.longValue("http.idleTimeoutMs", "An own-server connection with nothing read or written for this long is closed; 0 = never.");
    b.integer("http.maxConnectionsPerClient", "Most open own-server connections from one remote address; a new one"
        + " beyond it is closed at once (contract rule 47). 0 = no limit.");
    b.list("auth.tokens", "Static bearer tokens accepted by the API; each holds every role, Callvert.Admin included (sees every app's calls).");
    b.nullableString("auth.jwt.jwksFile", "Path of a JWKS file whose keys verify JWT bearer tokens.");
    b.nullableString("auth.jwt.jwks", "Inline JWKS JSON whose keys verify JWT bearer tokens.");
    b.nullableString("auth.jwt.publicKeyPem",
        "PEM public key (-----BEGIN PUBLIC KEY-----; RSA, EC or EdDSA) that verifies JWT bearer tokens.");
    b.list("auth.jwt.issuers", "Accepted JWT iss values; empty accepts any.");
    b.list("auth.jwt.audiences", "Accepted JWT aud values; empty accepts any.");
    b.integer("auth.jwt.leewaySeconds", "Clock skew tolerated on a JWT's exp, nbf and iat, in seconds; 0 to 600.");
    b.list("auth.appTokens", "Bearer tokens of apps, each <app>:<token>: the caller is that app, sees only its own calls and holds every role but Callvert.Admin (contract rule 43).");
    b.enumeration("clock", ClockMode.jsonValues(),
        "Time source: system (wall clock) or virtual (advances only when told to, for tests).");
    b.longValue("calls.answerDeadlineMs", "How long an incoming call may stay unanswered before it is terminated (408/1106).");
    b.longValue("calls.keepAliveTimeoutMs", "A call without keepAlive for this long is terminated.");
    b.longValue("calls.retentionMs", "How long a terminated call stays readable; 0 forgets it immediately.");
    b.integer("calls.mediaQueueLimit", "Maximum queued media operations (prompts, recordings) per call.");
    b.integer("calls.maxCalls", "Maximum concurrent call sessions.");
    b.longValue("calls.maxCallerSpeechMs", "Most simulated-caller audio (speech and key tones) one call holds at once, in ms"
        + " of PCM16 mono 16 kHz (32 bytes per ms); speech beyond it is 429 activityLimitReached (contract rule 38). At"
        + " least 120000, one /speech request's maximum.");
    b.integer("calls.maxPendingKeys", "Most simulated-caller key presses one call holds waiting to be pressed; more are"
        + " 429 activityLimitReached (contract rule 38). At least 64, one /tones request's maximum.");
    b.integer("calls.maxRetainedCalls", "Most ended calls kept readable during retention; beyond it the call that ended"
        + " first is forgotten early, as after retention (contract rule 39). 0 forgets ended calls at once.");
    b.integer("calls.maxRememberedOperations", "Most finished operations one call keeps for GET"
        + " .../operations/{id}; beyond it the oldest is forgotten (404). At least 1 (contract rule 32).");
    b.enumeration("callee.behaviour", CalleeBehaviour.jsonValues(),
        "What simulated callees of outgoing calls do unless a target rule says otherwise.");
    b.longValue("callee.answerDelayMs", "Delay before a simulated callee answers.");
    b.longValue("callee.ringTimeoutMs", "How long an unanswered outgoing call rings before it ends.");
    b.object("callee.targets", "Per-target rules keyed by phone number or user/application id, e.g. "
        + "`{\"+15550100\":{\"behaviour\":\"busy\"}}`; omitted fields use the global behaviour and delay.");
    b.string("media.recordingsDir", "<java.io.tmpdir>/callvert-recordings", "Directory for recordings.");
    b.longValue("media.fetchTimeoutMs", "Total deadline for fetching a prompt's media URI (DNS, connect, headers and the whole body).");
    b.longValue("media.cacheMaxBytes", "Size limit of the fetched-prompt cache in bytes; 0 disables caching.");
    b.longValue("media.maxPromptBytes", "Largest single prompt file accepted, in bytes; reading stops as soon as a response declares or sends more.");
    b.integer("media.maxConnections", "Connections of the media HTTP client per destination host and port (a pool of its own, apart from the notifications').");
    b.integer("media.maxPreFetchMedia", "Most mediaConfig.preFetchMedia items one request may name; more is 400 invalidRequest.");
    b.integer("media.preFetchConcurrency", "Most concurrent downloads of one call's preFetchMedia list.");
    b.integer("media.live.maxSockets", "Most open live media WebSockets per node; more are refused 429 at the upgrade (contract rule 63, docs/live-media.md).");
    b.longValue("media.live.ticketLifetimeMs", "How long a single-use media ticket may wait for its WebSocket upgrade (contract rule 61).");
    b.integer("media.live.maxFrameBytes", "Largest WebSocket frame and message a media socket accepts; closed 1009 beyond (contract rule 63). At least 640, one audio frame.");
    b.longValue("media.live.maxBacklogMs", "How far a live caller's inbound audio may run ahead of real time; closed 4429 beyond (contract rule 63).");
    b.integer("media.live.maxTextFramesPerSecond", "Inbound text frames (dtmf, hangup) per second on a media socket; closed 4429 beyond (contract rule 63).");
    b.longValue("media.live.playoutDelayMs", "How far the outbound live stream runs behind the call, so a cut lands in the right frame (contract rule 62).");
    b.list("media.live.allowedOrigins", "Browser origins (scheme://host[:port]) a media socket accepts besides the server's own; * accepts any (contract rule 61).");
    b.bool("webhook.signingEnabled", "Sign notifications with a Bot Framework style JWT (Authorization: Bearer).");
    b.string("webhook.issuer", "iss claim of notification tokens.");
    b.string("webhook.appId", "aud claim of notification tokens: the bot's application id.");
    b.nullableString("webhook.signingKeyPem",
        "PKCS#8 PEM RSA private key that signs notification tokens; generated at start when unset.");
    b.longValue("webhook.tokenLifetimeMs", "Lifetime of a notification token, at most 300000.");
    b.longValue("webhook.timeoutMs", "Total deadline of one notification delivery attempt (DNS, connect, request and the whole response).");
    b.longValue("webhook.backoffInitialMs", "First retry delay of a failed notification.");
    b.longValue("webhook.backoffMaxMs", "Retry delay cap; at least webhook.backoffInitialMs.");
    b.longValue("webhook.retryBudgetMs", "How long a notification is retried before it is dead-lettered (kept in the journal); 0 = no retries.");
    b.longValue("webhook.causalityGateMs",
        "How long an operation's notification waits for the HTTP response that created the operation to be written (contract rule 7 — No notification before its answer) before it goes anyway; 0 = no wait.");
    b.integer("webhook.maxConnections", "Connections of the notification HTTP client per destination host and port (a pool of its own, apart from media fetches').");
    b.longValue("webhook.minRetryDelayMs", "Shortest wait before a failed notification is retried, whatever Retry-After"
        + " or the backoff says (contract rule 40); 0 = no minimum.");
    b.enumeration("webhook.profile.mode", DeliveryProfileMode.jsonValues(), "Delivery profile: strict (in order, once,"
        + " promptly) or graph (what Graph's documentation allows: establishing/established out of order, duplicates,"
        + " delays, several notifications in one POST, a signing-key rollover mid-call; contract rules 77-79).");
    b.longValue("webhook.profile.seed", "Seed of the graph profile's choices: the same seed and calls give the same deliveries.");
    b.longValue("webhook.profile.maxDelayMs", "Longest extra delay the graph profile puts before a notification (0 to 60000).");
    b.longValue("webhook.profile.maxHoldMs", "How long the graph profile holds a notification for the next one of its call"
        + " (to reorder or batch them) before sending it alone (0 to 60000).");
    b.bool("cluster.enabled", "Join a Vert.x cluster on Hazelcast (shared call directory, any node serves any call).");
    b.string("cluster.host", "Interface the cluster member binds to.");
    b.integer("cluster.port", "Cluster member port.");
    b.list("cluster.members", "Seed members (host[:port]) for TCP/IP discovery.");
    b.nullableString("cluster.hazelcastConfigFile", "Hazelcast XML/YAML config file used instead of host/port/members.");
    b.nullableString("cluster.nodeName", "Name of this node in logs and metrics; derived when unset.");
    b.longValue("shutdown.graceMs", "How long shutdown waits for in-flight requests and notifications.");
    b.bool("metrics.enabled", "Expose Prometheus metrics at GET /metrics (Vert.x Micrometer metrics: HTTP server and"
        + " client, pools, JVM, Callvert's own; no event-bus meters, see docs/architecture.md#metrics).");
    b.list("outbound.allow", "Host names (`bots.example.com`, `*.example.com`), addresses and CIDR blocks (`10.1.0.0/16`) that notifications and media fetches may always reach, even internal ones.");
    b.list("outbound.deny", "Host names, addresses and CIDR blocks notifications and media fetches may not reach unless outbound.allow names them (`0.0.0.0/0` and `::/0` allow only outbound.allow).");
    b.enumeration("outbound.internalAddresses", InternalAddresses.jsonValues(),
        "Whether notifications and media fetches may reach loopback, private, link-local (cloud metadata) and other internal addresses: auto = only when http.host is loopback. Checked after DNS, on every address and redirect.");
    b.nullableString("store.dir", "Directory of the durable store (callvert.mv, H2 MVStore): the node's live calls,"
        + " undelivered notifications and recordings survive a restart or kill, and on start the node delivers what"
        + " was pending and ends those calls (contract rule 42). Unset keeps everything in memory only.");
    b.nullableString("acs.accessKey", "Base64 access key that HMAC-signs ACS Call Automation requests (the accesskey of the"
        + " SDK's connection string); unset: the well-known development key, accepted only on loopback (docs/acs.md).");
    b.integer("acs.clockSkewSeconds", "How far an ACS request's x-ms-date may be from Callvert's clock, in seconds (the"
        + " SDK's retries resend the first date); 0 to 3600.");
    b.integer("acs.repeatabilityCacheSize", "Most ACS Repeatability-Request-IDs remembered with their first answer,"
        + " oldest forgotten first (contract rule 58); 0 turns repeatability off.");
    b.longValue("acs.repeatabilityTtlMs", "How long an ACS Repeatability-Request-ID and its first answer are remembered.");
    b.nullableString("acs.incomingCallUri", "Where the IncomingCall event of a simulated call to the ACS app goes (the"
        + " app's Event Grid webhook); POST /callvert/acs/calls may name its own.");
    b.bool("ui.enabled", "Serve the softphone and dashboard pages at /callvert/ui/ (docs/ui.md); the JSON endpoints they"
        + " read stay either way.");
    b.integer("ui.timelineLimit", "Most entries one call's timeline keeps (requests, notifications, delivery attempts);"
        + " the oldest go first, counted as dropped (contract rule 67). 0 keeps none.");
    b.integer("ui.timelineCalls", "Most calls of a node that keep a timeline, the newest; an older call's timeline is"
        + " dropped, so timelines take bounded memory per node (contract rule 67). 0 keeps none.");
    b.longValue("ui.pushIntervalMs", "How often a node pushes the calls that changed to open dashboards, as one batch"
        + " (contract rule 68); 20 to 10000.");
    b.bool("tracing.enabled", "Trace every API request, the call actor's handling of it and each webhook delivery attempt"
        + " with OpenTelemetry; the notification POST carries traceparent. Exporter, endpoint and sampler come from the"
        + " standard OTEL_* environment variables (fat jar; docs/operations.md, contract rule 70 — Traces from request to webhook).");
    b.enumeration("logging.format", LogFormat.jsonValues(), "Log line format of the fat jar: json writes one JSON object"
        + " per line with callId, operationId and traceId on lines about a call (contract rule 74 — Logs a machine can read).");
    b.longValue("health.maxLoopStallMs", "GET /health/live is DOWN while an event loop has not run for this long"
        + " (blocked or stuck; contract rule 71 — Liveness).");
    b.integer("health.maxWebhookBacklog", "GET /health/ready is DOWN while more notifications than this wait for"
        + " delivery on the node (contract rule 72 — Readiness, down before the port closes).");
    b.longValue("health.unreadyDelayMs", "On shutdown, how long GET /health/ready answers DOWN before the HTTP port"
        + " closes, so a load balancer stops routing first (contract rule 72 — Readiness, down before the port closes).");
    ALL = List.copyOf(b.keys);
    for (ConfigKey k : ALL) {
      BY_PATH.put(k.path(), k);
    }
  }

  private ConfigKeys() {
  }

  /** All leaf keys in tree order. */
  public static List<ConfigKey> all() {
    return ALL;
  }

  /** The key with this dotted path. */
  public static Optional<ConfigKey> byPath(String path) {
    return Optional.ofNullable(BY_PATH.get(path));
  }

  /** A Markdown table {@code | Key | Environment variable | Default | Description |} of {@link #all()}. */
  public static String markdownTable() {
    StringBuilder sb = new StringBuilder();
    sb.append("| Key | Environment variable | Default | Description |\n");
    sb.append("|---|---|---|---|\n");
    for (ConfigKey k : ALL) {
      String description = k.description();
      if (k.type() == ConfigKey.Type.ENUM) {
        description += " One of " + String.join(", ", k.allowedValues().stream().map(v -> "`" + v + "`").toList())
            + ".";
      } else if (k.type() == ConfigKey.Type.STRING_LIST) {
        description += " Comma-separated in env/system properties.";
      } else if (k.type() == ConfigKey.Type.JSON_OBJECT) {
        description += " A JSON object string in env/system properties.";
      }
      sb.append("| `").append(k.path()).append("` | `").append(k.envName()).append("` | ")
          .append(cell(k.defaultText())).append(" | ").append(cell(description)).append(" |\n");
    }
    return sb.toString();
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  /** Collects keys, taking defaults from the defaults tree. */
  private static final class Builder {
    private final JsonObject defaults;
    private final List<ConfigKey> keys = new ArrayList<>();

    Builder(JsonObject defaults) {
      this.defaults = defaults;
    }

    void bool(String path, String description) {
      add(path, ConfigKey.Type.BOOLEAN, false, List.of(), null, description);
    }

    void integer(String path, String description) {
      add(path, ConfigKey.Type.INT, false, List.of(), null, description);
    }

    void longValue(String path, String description) {
      add(path, ConfigKey.Type.LONG, false, List.of(), null, description);
    }

    void string(String path, String description) {
      add(path, ConfigKey.Type.STRING, false, List.of(), null, description);
    }

    void string(String path, String defaultText, String description) {
      add(path, ConfigKey.Type.STRING, false, List.of(), defaultText, description);
    }

    void nullableString(String path, String description) {
      add(path, ConfigKey.Type.STRING, true, List.of(), null, description);
    }

    void enumeration(String path, List<String> allowed, String description) {
      add(path, ConfigKey.Type.ENUM, false, allowed, null, description);
    }

    void list(String path, String description) {
      add(path, ConfigKey.Type.STRING_LIST, false, List.of(), null, description);
    }

    void object(String path, String description) {
      add(path, ConfigKey.Type.JSON_OBJECT, false, List.of(), null, description);
    }

    private void add(String path, ConfigKey.Type type, boolean nullable, List<String> allowed, String defaultText,
        String description) {
      Object value = defaults;
      for (String segment : path.split("\\.")) {
        if (!(value instanceof JsonObject) || !((JsonObject) value).containsKey(segment)) {
          throw new IllegalStateException("ConfigKeys out of sync with CallvertOptions.toJson(): " + path);
        }
        value = ((JsonObject) value).getValue(segment);
      }
      String text = defaultText != null ? "`" + defaultText + "`" : render(value);
      keys.add(new ConfigKey(path, type, nullable, allowed, value, text, description));
    }

    private static String render(Object value) {
      if (value == null) {
        return "_(unset)_";
      }
      if (value instanceof JsonArray) {
        JsonArray a = (JsonArray) value;
        if (a.isEmpty()) {
          return "_(empty)_";
        }
        List<String> items = new ArrayList<>();
        a.forEach(item -> items.add(String.valueOf(item)));
        return "`" + String.join(",", items) + "`";
      }
      if (value instanceof JsonObject) {
        return "`" + ((JsonObject) value).encode() + "`";
      }
      return "`" + value + "`";
    }
  }
}
