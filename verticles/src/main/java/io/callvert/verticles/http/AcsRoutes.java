package io.callvert.verticles.http;

import io.callvert.config.AcsOptions;
import io.callvert.config.CallvertOptions;
import io.callvert.runtime.acs.AcsDialect;
import io.callvert.runtime.acs.AcsErrors;
import io.callvert.runtime.acs.AcsReplies;
import io.callvert.runtime.acs.AcsRequests;
import io.callvert.runtime.acs.AcsResponse;
import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.api.Ids;
import io.callvert.runtime.call.CallProtocol;
import io.callvert.runtime.call.CallProtocol.Command;
import io.callvert.runtime.call.CallSnapshot;
import io.callvert.verticles.auth.AcsHmacAuth;
import io.callvert.verticles.auth.ApiAuthHandler;
import io.callvert.verticles.call.CallManager;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import io.callvert.runtime.call.CallEvent;
import io.callvert.runtime.call.Notification;
import io.callvert.runtime.protocol.Outbound;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The ACS Call Automation surface at {@code /calling/callConnections…} (contract rules 48–59): HMAC authentication
 * ({@link AcsHmacAuth}) instead of the bearer token, repeatability ({@link AcsRepeatability}), then each request
 * parsed by the {@link AcsDialect} into a call command, asked of the same call actors Graph uses, and answered in
 * ACS's words. No ACS rule is decided here. Also the simulator's {@code POST /callvert/acs/calls}: a caller calls the
 * ACS app (behind the bearer token, as the rest of the simulator).
 */
public final class AcsRoutes {

  /** The app ACS calls belong to (contract rule 43): what an app token must name to reach them. */
  public static final String APP = "acs";
  private static final String ROOT = "/calling/callConnections";
  private static final Pattern API_VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-preview)?");

  private final HttpApi api;
  private final CallManager calls;
  private final AcsDialect acs;
  private final AcsOptions options;
  /** Null when no key may be used: no acs.accessKey and not on loopback. */
  private final AcsHmacAuth hmac;
  private final AcsRepeatability repeats;
  /**
   * The operationContext each live incoming ACS call's CallConnected will carry, set by its answer: the renderer
   * of the call reads it; an entry goes when the call is answered or ends (so at most one per live call).
   */
  private final Map<String, AtomicReference<String>> answerContexts = new ConcurrentHashMap<>();

  AcsRoutes(HttpApi api, CallManager calls, AcsDialect acs, CallvertOptions options) {
    this.api = api;
    this.calls = calls;
    this.acs = acs;
    this.options = options.acs();
    boolean usable = this.options.accessKey() != null || options.http().isLoopback();
    this.hmac = usable ? new AcsHmacAuth(this.options.effectiveAccessKey(), this.options.clockSkewSeconds(),
        System::currentTimeMillis) : null;
    this.repeats = new AcsRepeatability(this.options.repeatabilityCacheSize(), this.options.repeatabilityTtlMs(),
        System::currentTimeMillis);
  }

  /** Every {@code /calling/…} request; other paths go on to the next route (the Graph surface, the bearer token). */
  void handle(RoutingContext ctx) {
    String path = rawPath(ctx);
    if (!path.startsWith("/calling/")) {
      ctx.next();
      return;
    }
    HttpServerRequest req = ctx.request();
    if (hmac == null) {
      throw AcsErrors.unauthorized("ACS requests are refused: set acs.accessKey (the development key works only on loopback).");
    }
    hmac.verify(req, HttpApi.body(ctx));
    String version = req.getParam("api-version");
    if (version == null || !API_VERSION.matcher(version).matches()) {
      throw AcsErrors.badRequest("The api-version query parameter is required (YYYY-MM-DD, e.g. 2026-03-12).");
    }
    if (path.startsWith("/calling/recordings")) {
      throw AcsErrors.notSupported("Call recording is not supported by Callvert's ACS dialect.");
    }
    if (!path.startsWith(ROOT)) {
      throw new ApiException(404, "NotFound", "No ACS resource at '" + path + "'.");
    }
    String rest = path.substring(ROOT.length());
    HttpMethod method = req.method();
    Function<JsonObject, Future<AcsResponse>> action = route(method, rest);
    String scope = method.name() + " " + path;
    boolean[] carriedOut = {false};
    Future<AcsResponse> answer = repeats.answer(scope, req.getHeader(AcsRepeatability.REQUEST_ID),
        req.getHeader(AcsRepeatability.FIRST_SENT), () -> {
          carriedOut[0] = true;
          return action.apply(body(ctx));
        });
    answer.onComplete(ar -> {
      if (ar.failed()) {
        api.fail(ctx, ar.cause());
      } else {
        write(ctx, ar.result(), carriedOut[0]); // a repeat's answer opens no gate: the first one did
      }
    });
  }

  /** What a method and the path after {@code /calling/callConnections} ask for. */
  private Function<JsonObject, Future<AcsResponse>> route(HttpMethod method, String rest) {
    if (rest.isEmpty()) {
      requirePost(method);
      return body -> create(acs.requests().outgoingCall(body));
    }
    if (rest.startsWith(":")) {
      requirePost(method);
      return switch (rest.substring(1)) {
        case "answer" -> body -> answer(acs.requests().answer(body));
        case "reject" -> body -> forCall(acs.requests().reject(body));
        case "redirect" -> body -> forCall(acs.requests().redirect(body));
        default -> throw AcsErrors.notSupported("'" + rest.substring(1) + "' is not supported by Callvert.");
      };
    }
    if (!rest.startsWith("/")) {
      throw new ApiException(404, "NotFound", "No ACS resource at '" + ROOT + rest + "'.");
    }
    String segment = rest.substring(1);
    int slash = segment.indexOf('/');
    if (slash >= 0) {
      throw AcsErrors.notSupported("'" + segment.substring(slash + 1) + "' (participants) is not supported by Callvert.");
    }
    int colon = segment.indexOf(':');
    String callId = Ids.canonical(decode(colon < 0 ? segment : segment.substring(0, colon)));
    if (colon < 0) {
      Command command = switch (method.name()) {
        case "GET" -> CallProtocol.GET_CALL;
        case "DELETE" -> CallProtocol.HANG_UP;
        default -> throw methodNotAllowed(method);
      };
      return body -> ask(callId, command);
    }
    requirePost(method);
    String verb = segment.substring(colon + 1);
    Function<JsonObject, Command> parse = switch (verb) {
      case "play" -> acs.requests()::play;
      case "recognize" -> acs.requests()::recognize;
      case "cancelAllMediaOperations" -> body -> new CallProtocol.CancelMedia(null);
      case "terminate" -> body -> CallProtocol.HANG_UP;
      case "sendDtmfTones" -> acs.requests()::sendDtmfTones;
      case "startContinuousDtmfRecognition" -> acs.requests()::startContinuousDtmf;
      case "stopContinuousDtmfRecognition" -> acs.requests()::stopContinuousDtmf;
      default -> throw AcsErrors.notSupported("'" + verb + "' is not supported by Callvert.");
    };
    return body -> parseThenAsk(callId, parse, body);
  }

  /**
   * The renderer of each dialect by name (an owner record's {@code dialect}), for the calls of a lost or restarted
   * node: ACS calls get CloudEvents, every other call Graph notifications.
   */
  public static Function<String, Function<Notification, Outbound>>
      renderers(CallvertOptions options, io.callvert.runtime.clock.Clock clock, io.callvert.runtime.graph.GraphDialect graph) {
    AcsDialect acs = AcsDialect.create(options, clock);
    return dialect -> AcsRequests.DIALECT.equals(dialect) ? acs::render : graph::render;
  }

  // ------------------------------------------------------------------ the simulator

  /** {@code POST /callvert/acs/calls}: the simulated caller calls the ACS app (contract rule 56 — ACS incoming calls). */
  void handleCreateIncoming(RoutingContext ctx) {
    ApiAuthHandler.requireRole(ctx, ApiAuthHandler.ROLE_SIMULATE);
    AtomicReference<String> answerContext = new AtomicReference<>();
    Function<Notification, Outbound> render = n -> {
      if (n.event() instanceof CallEvent.CallEnded || n.event() instanceof CallEvent.CallLost) {
        answerContexts.remove(n.event().callId());
      }
      return acs.events().render(n, answerContext.get());
    };
    calls.create(acs.requests().incomingCall(HttpApi.jsonBody(ctx, false), options.incomingCallUri()), render, APP)
        .onComplete(ar -> {
          if (ar.failed()) {
            api.fail(ctx, ar.cause());
          } else {
            if (!ar.result().state().equals(io.callvert.runtime.call.CallState.TERMINATED)) {
              answerContexts.put(ar.result().id(), answerContext);
            }
            write(ctx, AcsReplies.incoming(ar.result()), true);
          }
        });
  }

  // ------------------------------------------------------------------ plumbing

  private Future<AcsResponse> create(AcsRequests.Created c) {
    return calls.create(c.call(), acs.renderer(c.operationContext()), APP).map(AcsReplies::created);
  }

  private Future<AcsResponse> answer(AcsRequests.ForCall f) {
    // the answer's operationContext comes back in CallConnected (when this node placed the call)
    AtomicReference<String> context = answerContexts.remove(f.callId());
    if (context != null) {
      context.set(f.operationContext());
    }
    return calls.ask(f.callId(), f.command(), APP).compose(reply -> {
      if (reply instanceof CallProtocol.Rejected r) {
        return Future.failedFuture(AcsErrors.of(r.toException()));
      }
      return calls.ask(f.callId(), CallProtocol.GET_CALL, APP).compose(view -> view instanceof CallProtocol.CallView v
          ? Future.succeededFuture(AcsReplies.answered(v.call()))
          : Future.failedFuture(AcsErrors.callNotFound()));
    });
  }

  private Future<AcsResponse> forCall(AcsRequests.ForCall f) {
    return ask(f.callId(), f.command());
  }

  /**
   * Parses, then asks. When the body is invalid, a missing call or a wrong state is still reported first (contract
   * rule 5's precedence, kept for ACS): the call is asked whether it admits the command.
   */
  private Future<AcsResponse> parseThenAsk(String callId, Function<JsonObject, Command> parse, JsonObject body) {
    Command command;
    try {
      command = parse.apply(body);
    } catch (ApiException invalid) {
      return Future.failedFuture(invalid);
    }
    return ask(callId, command);
  }

  private Future<AcsResponse> ask(String callId, Command command) {
    return calls.ask(callId, command, APP).compose(reply -> {
      try {
        return Future.succeededFuture(AcsReplies.response(callId, command, reply));
      } catch (ApiException e) {
        return Future.failedFuture(e);
      }
    });
  }

  /** Writes an answer; once written (or the client gone), its gates open (contract rule 7). */
  private void write(RoutingContext ctx, AcsResponse r, boolean release) {
    var resp = ctx.response().setStatusCode(r.status());
    Future<Void> written = r.body() != null
        ? resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(JsonOut.encode(r.body()))
        : resp.end();
    if (release && !r.release().isEmpty()) {
      written.onComplete(w -> r.release().forEach(gate -> calls.release(r.callId(), gate)));
    }
  }

  private static JsonObject body(RoutingContext ctx) {
    try {
      return HttpApi.jsonBody(ctx, false);
    } catch (ApiException e) {
      throw e.status() == 400 ? AcsErrors.badRequest(e.getMessage()) : e;
    }
  }

  private static String rawPath(RoutingContext ctx) {
    String path = ctx.request().path();
    String mount = ctx.mountPoint();
    if (mount != null && !mount.isEmpty() && !mount.equals("/")) {
      String m = mount.endsWith("/") ? mount.substring(0, mount.length() - 1) : mount;
      if (path.startsWith(m)) {
        path = path.substring(m.length());
      }
    }
    return path;
  }

  private static String decode(String segment) {
    try {
      return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw AcsErrors.badRequest("The call connection id is not validly percent-encoded.");
    }
  }

  private static void requirePost(HttpMethod method) {
    if (method != HttpMethod.POST) {
      throw methodNotAllowed(method);
    }
  }

  private static ApiException methodNotAllowed(HttpMethod method) {
    return new ApiException(405, "MethodNotAllowed", method.name() + " is not allowed here.");
  }
}
