package io.callvert.verticles.http;

import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.api.Ids;
import io.callvert.runtime.audio.Wav;
import io.callvert.runtime.call.CallProtocol;
import io.callvert.runtime.call.CallProtocol.Command;
import io.callvert.runtime.call.CallProtocol.NewCall;
import io.callvert.runtime.call.CallProtocol.Reply;
import io.callvert.runtime.graph.GraphAction;
import io.callvert.runtime.graph.GraphDialect;
import io.callvert.runtime.graph.GraphReplies;
import io.callvert.runtime.graph.GraphRequests;
import io.callvert.runtime.graph.GraphResponse;
import io.callvert.verticles.auth.ApiAuthHandler;
import io.callvert.verticles.call.CallManager;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * The Graph calls API and Callvert's caller API bound to routes: each handler parses its request
 * with the {@link GraphDialect} into a call command, asks the call, and writes the dialect's
 * answer. No Graph rule is decided here; they live in the dialect (requests, shapes, statuses) and
 * the call (behaviour).
 */
final class GraphRoutes {

  private static final Set<String> WAV_TYPES = Set.of("audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave");

  private final HttpApi api;
  private final Vertx vertx;
  private final CallManager calls;
  private final GraphDialect graph;

  GraphRoutes(HttpApi api, Vertx vertx, CallManager calls, GraphDialect graph) {
    this.api = api;
    this.vertx = vertx;
    this.calls = calls;
    this.graph = graph;
  }

  // ------------------------------------------------------------------ /communications/calls

  /** Every Graph calls path (contract rule 1 — Every path form reaches the call); other paths go on to the next route. */
  void handleGraph(RoutingContext ctx) {
    GraphPath gp = ctx.get(GraphPath.KEY); // parsed by the timeline's request recorder, when it runs
    if (gp == null) {
      String path = HttpApi.relativePath(ctx);
      gp = path.startsWith("/callvert/") ? null : GraphPath.parse(path);
    }
    if (gp == null) {
      ctx.next();
      return;
    }
    String version = gp.version();
    HttpMethod method = ctx.request().method();
    if (gp.rawId() == null) {
      if (method != HttpMethod.POST) {
        throw methodNotAllowed(method, "/communications/calls");
      }
      ApiAuthHandler.requireRole(ctx, ApiAuthHandler.ROLE_INITIATE);
      create(ctx, version, graph.requests().outgoingCall(api.jsonBody(ctx, true)));
      return;
    }
    String callId = Ids.canonical(gp.rawId());
    ApiAuthHandler.requireRole(ctx, ApiAuthHandler.ROLE_INITIATE, ApiAuthHandler.ROLE_ACCESS_MEDIA);
    String segment = gp.segment();
    if (segment == null) {
      Command command = switch (method.name()) {
        case "GET" -> CallProtocol.GET_CALL;
        case "DELETE" -> CallProtocol.HANG_UP;
        default -> throw methodNotAllowed(method, "/communications/calls/{id}");
      };
      ask(ctx, version, callId, command);
      return;
    }
    String name = GraphAction.bare(segment);
    if (name.equals("operations")) {
      if (gp.opId() == null) {
        throw ApiException.invalidRequest("Listing operations is not supported; GET /communications/calls/{id}/operations/{opId}.");
      }
      if (method != HttpMethod.GET) {
        throw methodNotAllowed(method, "/communications/calls/{id}/operations/{opId}");
      }
      ask(ctx, version, callId, new CallProtocol.GetOperation(gp.opId()));
      return;
    }
    GraphAction action = GraphAction.fromSegment(segment);
    boolean notSupported = GraphAction.NOT_SUPPORTED.contains(name);
    if (gp.opId() != null || (action == null && !notSupported)) {
      throw ApiException.itemNotFound("Resource not found for the segment '" + segment + "'.");
    }
    if (notSupported) {
      throw new ApiException(400, "notSupported", "'" + segment + "' is a Graph calls API feature Callvert does not support yet.");
    }
    if (method != HttpMethod.POST) {
      throw methodNotAllowed(method, "/communications/calls/{id}/" + segment);
    }
    if (action.mediaRoleOnly()) {
      ApiAuthHandler.requireRole(ctx, ApiAuthHandler.ROLE_ACCESS_MEDIA);
    }
    // only a record needs a base URL (for its recordingLocation); Location headers are built in write
    String recordings = action == GraphAction.RECORD_RESPONSE ? recordingsUrl(ctx, callId) : null;
    parseThenAsk(ctx, version, callId, action.commandType(),
        () -> graph.requests().command(action, api.jsonBody(ctx, false), recordings));
  }

  // ------------------------------------------------------------------ /callvert: the simulated caller

  void handleCreateIncoming(RoutingContext ctx) {
    ApiAuthHandler.requireRole(ctx, ApiAuthHandler.ROLE_SIMULATE);
    create(ctx, "", graph.requests().incomingCall(api.jsonBody(ctx, true)));
  }

  void handlePressKeys(RoutingContext ctx) {
    ApiAuthHandler.requireRole(ctx, ApiAuthHandler.ROLE_SIMULATE);
    parseThenAsk(ctx, "", callId(ctx), CallProtocol.PressKeys.class, () -> GraphRequests.pressKeys(api.jsonBody(ctx, true)));
  }

  void handleHangUp(RoutingContext ctx) {
    ApiAuthHandler.requireRole(ctx, ApiAuthHandler.ROLE_SIMULATE);
    ask(ctx, "", callId(ctx), CallProtocol.CALLER_HANG_UP);
  }

  void handleHeard(RoutingContext ctx) {
    requireInspection(ctx);
    ask(ctx, "", callId(ctx), CallProtocol.GET_HEARD);
  }

  void handleGetCall(RoutingContext ctx) {
    requireInspection(ctx);
    ask(ctx, "", callId(ctx), CallProtocol.GET_CALL);
  }

  void handleSpeech(RoutingContext ctx) {
    ApiAuthHandler.requireRole(ctx, ApiAuthHandler.ROLE_SIMULATE);
    String callId = callId(ctx);
    if (WAV_TYPES.contains(HttpApi.mediaType(ctx))) {
      Buffer wav = api.body(ctx);
      if (wav == null || wav.length() == 0) {
        throw ApiException.invalidRequest("The WAV body is empty.");
      }
      parseThenAsk(ctx, "", callId, CallProtocol.Speak.class, () -> GraphRequests.speakWav(wav.getBytes()));
      return;
    }
    parseThenAsk(ctx, "", callId, CallProtocol.Speak.class, () -> GraphRequests.speak(api.jsonBody(ctx, true)));
  }

  void handleJournal(RoutingContext ctx) {
    requireInspection(ctx);
    api.writeCallJson(ctx, calls.journal(callId(ctx), ApiAuthHandler.callScope(ctx)));
  }

  /** Reading a call back (GET call, heard, journal): the simulator's role or a Graph calls role (contract rule 43). */
  static void requireInspection(RoutingContext ctx) {
    ApiAuthHandler.requireRole(ctx, ApiAuthHandler.ROLE_SIMULATE, ApiAuthHandler.ROLE_INITIATE, ApiAuthHandler.ROLE_ACCESS_MEDIA);
  }

  // ------------------------------------------------------------------ plumbing

  private static String callId(RoutingContext ctx) {
    return Ids.canonical(ctx.pathParam("callId"));
  }

  private String recordingsUrl(RoutingContext ctx, String callId) {
    return api.baseUrl(ctx) + "/callvert/calls/" + callId + "/recordings";
  }

  private void create(RoutingContext ctx, String version, NewCall call) {
    calls.create(call, graph::render, ApiAuthHandler.app(ctx)).onComplete(ar -> {
      if (ar.failed()) {
        api.fail(ctx, ar.cause());
      } else {
        write(ctx, version, ar.result().id(), graph.replies().created(ar.result()));
      }
    });
  }

  /**
   * Parses a request and asks the call. When the body is invalid, a missing call or a wrong state
   * is still reported first (contract rule 5): the call is asked whether it admits the command.
   */
  private void parseThenAsk(RoutingContext ctx, String version, String callId, Class<? extends Command> type,
      java.util.function.Supplier<Command> parse) {
    Command command;
    try {
      command = parse.get();
    } catch (ApiException invalid) {
      calls.ask(callId, new CallProtocol.Admits(type), ApiAuthHandler.callScope(ctx)).onComplete(ar -> api.fail(ctx,
          ar.succeeded() && ar.result() instanceof CallProtocol.Rejected r
              ? GraphReplies.error(type, r.toException()) : ar.failed() ? ar.cause() : invalid));
      return;
    }
    ask(ctx, version, callId, command);
  }

  private void ask(RoutingContext ctx, String version, String callId, Command command) {
    calls.ask(callId, command, ApiAuthHandler.callScope(ctx)).compose(reply -> render(callId, command, reply)).onComplete(ar -> {
      if (ar.failed()) {
        api.fail(ctx, ar.cause());
      } else {
        write(ctx, version, callId, ar.result());
      }
    });
  }

  private Future<GraphResponse> render(String callId, Command command, Reply reply) {
    if (reply instanceof CallProtocol.Heard heard) {
      // rendering a long call's audio is megabytes of copying: off the event loop
      return vertx.executeBlocking(() -> GraphResponse.binary(Buffer.buffer(Wav.render(heard.slices())), "audio/wav"), false);
    }
    try {
      return Future.succeededFuture(graph.replies().response(callId, command, reply));
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
  }

  private void write(RoutingContext ctx, String version, String callId, GraphResponse r) {
    HttpServerResponse resp = ctx.response().setStatusCode(r.status());
    if (r.location() != null) {
      resp.putHeader(HttpHeaders.LOCATION, api.baseUrl(ctx) + version + r.location());
    }
    Future<Void> written;
    if (r.payload() != null) {
      written = resp.putHeader(HttpHeaders.CONTENT_TYPE, r.contentType()).end(r.payload());
    } else if (r.body() != null) {
      written = resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(JsonOut.encode(r.body()));
    } else {
      written = resp.end();
    }
    if (r.release() != null) {
      // released whether or not the client stayed connected: the response is as written as it will be
      written.onComplete(w -> calls.release(callId, r.release()));
    }
  }

  private static ApiException methodNotAllowed(HttpMethod method, String path) {
    return new ApiException(405, "methodNotAllowed", method.name() + " is not allowed on " + path + ".");
  }

}
