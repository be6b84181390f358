package io.callvert.verticles.live;

import io.callvert.config.CallvertOptions;
import io.callvert.config.ClockMode;
import io.callvert.config.LiveOptions;
import io.callvert.runtime.api.ApiException;
import io.callvert.verticles.call.CallManager;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live caller media of one Callvert instance (contract rules 60–64, docs/live-media.md): tickets, the
 * checks before an upgrade (clock, origin, ticket, sockets per node), one {@link LivePacer} per event
 * loop, and lateness statistics. Thread-safe; shared by every HTTP event loop.
 */
public final class LiveMedia {

  static final Logger log = LoggerFactory.getLogger(LiveMedia.class);
  private static final String PREFIX = "/callvert/calls/";
  private static final String SUFFIX = "/media";

  private final Vertx vertx;
  private final CallvertOptions options;
  private final CallManager calls;
  private final io.callvert.verticles.call.LiveCalls attached;
  private final MediaTickets tickets;
  private final Map<Thread, LivePacer> pacers = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();
  /** Where a socket's opening and closing go (the dashboard's call timeline); nothing by default. */
  private volatile java.util.function.BiConsumer<String, JsonObject> timeline = (callId, entry) -> { };

  public LiveMedia(Vertx vertx, CallvertOptions options, CallManager calls) {
    this.vertx = vertx;
    this.options = options;
    this.calls = calls;
    this.attached = new io.callvert.verticles.call.LiveCalls(calls);
    this.tickets = new MediaTickets(options.media().live().ticketLifetimeMs());
  }

  /**
   * Sends each socket's opening and closing (code, reason, which side) to {@code timeline} as a call timeline
   * entry (contract rule 86 — A media socket's life is on the call's timeline).
   */
  public LiveMedia timeline(java.util.function.BiConsumer<String, JsonObject> timeline) {
    this.timeline = timeline;
    return this;
  }

  void timeline(String callId, JsonObject entry) {
    timeline.accept(callId, entry);
  }

  LiveOptions options() {
    return options.media().live();
  }

  CallManager calls() {
    return calls;
  }

  /** A live caller's voice to its call, one way (contract rule 62). */
  void tell(String callId, String scope, io.callvert.runtime.call.CallProtocol.Command command) {
    attached.tell(callId, scope, command);
  }

  /** Whether a call is live on this node (only such a call gets a ticket). */
  public boolean isLiveHere(String callId) {
    return attached.isLiveHere(callId);
  }

  public MediaTickets tickets() {
    return tickets;
  }

  /** Live media runs on the system clock only (contract rule 60): the refusal, or null. */
  public ApiException clockRefusal() {
    return options.clock() == ClockMode.VIRTUAL ? new ApiException(400, "notSupported",
        "Live media runs on the system clock; this Callvert runs with clock=virtual, which only moves when told to.")
        : null;
  }

  /** The call id of a media socket path ({@code /callvert/calls/{id}/media}), or null. */
  public static String callIdOf(String path) {
    if (path == null || !path.startsWith(PREFIX) || !path.endsWith(SUFFIX)) {
      return null;
    }
    String id = path.substring(PREFIX.length(), path.length() - SUFFIX.length());
    return id.isEmpty() || id.indexOf('/') >= 0 ? null : io.callvert.runtime.api.Ids.canonical(id);
  }

  /** The {@code ticket} query parameter, or null. */
  public static String ticketOf(String query) {
    if (query == null) {
      return null;
    }
    for (String part : query.split("&")) {
      if (part.startsWith("ticket=")) {
        return java.net.URLDecoder.decode(part.substring(7), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /**
   * Everything checked before an upgrade (contract rule 61), in order: the clock (400), the origin (403),
   * the ticket (401; another call's: 404), sockets per node (429), the call live on this node (404). On
   * success the stream is attached to the call and counted; start it once upgraded, or
   * {@link #released} it if the upgrade fails.
   *
   * @param ownOrigin the server's own origin as this request reached it
   * @param host      the request's Host header (a browser's same-origin request names the page's host)
   */
  Future<LiveStream> open(String callId, String ticket, String origin, String ownOrigin, String host) {
    ApiException refused = clockRefusal();
    if (refused != null) {
      return Future.failedFuture(refused);
    }
    if (origin != null && !originAllowed(origin, ownOrigin, host)) {
      return Future.failedFuture(new ApiException(403, "Authorization_RequestDenied",
          "The page's origin may not open media sockets (media.live.allowedOrigins)."));
    }
    MediaTickets.Redeemed r = tickets.redeem(ticket, callId, System.currentTimeMillis());
    if (r.outcome() == MediaTickets.Outcome.UNKNOWN) {
      return Future.failedFuture(ApiException.unauthenticated(
          "A valid media ticket is required (POST /callvert/calls/{id}/media-ticket); tickets are single-use and short-lived."));
    }
    if (r.outcome() == MediaTickets.Outcome.WRONG_CALL) {
      return Future.failedFuture(ApiException.callNotFound());
    }
    int max = options().maxSockets();
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      return Future.failedFuture(new ApiException(429, "activityLimitReached",
          "This node already serves " + max + " media sockets (media.live.maxSockets).", 1L));
    }
    LiveStream stream = new LiveStream(this, callId, r.scope(), options().playoutDelayMs());
    return attached.attach(callId, r.scope(), stream).map(v -> stream).recover(e -> {
      open.decrementAndGet();
      return Future.failedFuture(e);
    });
  }

  /** The upgrade succeeded: start streaming on this (the socket's) event loop. */
  void start(LiveStream stream, ServerWebSocket ws) {
    LivePacer pacer = pacers.computeIfAbsent(Thread.currentThread(), t -> new LivePacer(vertx));
    stream.start(ws, pacer);
  }

  /** A stream ended (or its upgrade failed): uncounted and detached from its call. */
  void released(LiveStream stream) {
    open.decrementAndGet();
    attached.detach(stream.callId, stream);
  }

  /**
   * Opens a media socket: the checks of {@link #open}, then {@code upgrade} (the handshake's accept, or a
   * routed request's {@code toWebSocket}); a refusal goes to {@code refuse} (an {@link ApiException} with its status).
   */
  public void connect(String callId, String ticket, String origin, String ownOrigin, String host,
      java.util.function.Supplier<Future<ServerWebSocket>> upgrade, java.util.function.Consumer<Throwable> refuse) {
    // the checks complete on the call's context; the upgrade must run on the connection's own (Vert.x blocks
    // the calling thread until the connection's event loop has done it otherwise)
    io.vertx.core.Context connection = vertx.getOrCreateContext();
    open(callId, ticket, origin, ownOrigin, host).onComplete(ar -> connection.runOnContext(v -> {
      if (ar.failed()) {
        refuse.accept(ar.cause());
        return;
      }
      LiveStream stream = ar.result();
      upgrade.get().onComplete(ws -> {
        if (ws.succeeded()) {
          start(stream, ws.result());
        } else {
          log.debug("call {}: media socket upgrade failed: {}", callId, ws.cause().toString());
          released(stream);
          try {
            refuse.accept(ws.cause());
          } catch (RuntimeException answered) {
            // the handshake was already answered: nothing more to say
          }
        }
      });
    }));
  }

  /**
   * The own server's WebSocket handshakes (Vert.x hands them over before routing): the media path is
   * checked and upgraded here, everything else is refused 404 as before.
   */
  public void handshake(ServerWebSocketHandshake h) {
    String callId = callIdOf(h.path());
    if (callId == null) {
      h.reject(404);
      return;
    }
    String configured = options.http().publicBaseUrl();
    String own = configured != null && !configured.isBlank() ? configured : origin(h.isSsl(), h.localAddress());
    connect(callId, ticketOf(h.query()), h.headers().get("Origin"), own, h.headers().get("Host"), h::accept,
        e -> h.reject(e instanceof ApiException a ? a.status() : 500));
  }

  /** Open sockets and outbound frame lateness since the last reset ({@code GET /callvert/media/stats}). */
  public JsonObject stats(boolean reset) {
    List<LiveStats> all = pacers.values().stream().map(p -> p.stats).toList();
    return LiveStats.summary(all, reset).put("openSockets", open.get());
  }

  // ------------------------------------------------------------------ origin (contract rule 61)

  boolean originAllowed(String origin, String ownOrigin, String host) {
    List<String> allowed = options().allowedOrigins();
    if (allowed.contains("*")) {
      return true;
    }
    String o = normalise(origin);
    if (o == null) {
      return false;
    }
    for (String a : allowed) {
      if (o.equals(normalise(a))) {
        return true;
      }
    }
    if (o.equals(normalise(ownOrigin))) {
      return true;
    }
    // same origin as the browser sees it: the page was loaded from the host it now connects to
    return host != null && (o.equals(normalise("http://" + host)) || o.equals(normalise("https://" + host)));
  }

  /** {@code scheme://host:port}, lower case, default ports explicit, loopback names alike; null if unparsable. */
  static String normalise(String origin) {
    if (origin == null) {
      return null;
    }
    try {
      URI u = new URI(origin.trim());
      String scheme = u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT);
      String host = u.getHost() == null ? null : u.getHost().toLowerCase(Locale.ROOT);
      if (scheme == null || host == null) {
        return null;
      }
      if (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1")) {
        host = "loopback";
      }
      int port = u.getPort() >= 0 ? u.getPort() : scheme.equals("https") || scheme.equals("wss") ? 443 : 80;
      return scheme.replace("ws", "http") + "://" + host + ":" + port;
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  static String origin(boolean ssl, SocketAddress local) {
    String host = local == null || local.hostAddress() == null ? "127.0.0.1" : local.hostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return (ssl ? "https" : "http") + "://" + host + ":" + (local == null ? 80 : local.port());
  }
}
