package io.callvert.verticles;

import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.call.CallProtocol;
import io.callvert.runtime.call.CallProtocol.Command;
import io.callvert.runtime.call.CallProtocol.NewCall;
import io.callvert.runtime.graph.GraphAction;
import io.callvert.runtime.graph.GraphDialect;
import io.callvert.runtime.graph.GraphRequests;
import io.callvert.runtime.graph.GraphResponse;
import java.util.function.Supplier;

import io.callvert.runtime.api.Ids;
import io.callvert.verticles.call.CallManager;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Drive Callvert from Java code in the same JVM, without HTTP: the same operations as the Graph
 * API and the caller simulator, as {@link Future}s, with the same validation, errors
 * ({@link io.callvert.runtime.api.ApiException} with the HTTP status and Graph error code) and
 * notifications. Bodies and results are the Graph JSON shapes.
 *
 * <p>Bots living in the same application can take notifications in-process instead of webhooks:
 * give calls the callback URI {@link #LOCAL_CALLBACK} and listen with {@link #onNotification}.
 * Listeners also see notifications bound for HTTP callbacks, in per-call order.
 *
 * <p>Obtain it from {@link CallvertVerticle#client()} once the verticle is deployed.
 */
public final class CallvertClient {

  /** Callback URI for calls whose notifications stay in-process (no HTTP delivery). */
  public static final String LOCAL_CALLBACK = "local:bot";

  private final Vertx vertx;
  private final CallManager calls;
  private final String notificationsAddress;
  private final Runnable listenerAdded;
  private final NotificationListeners listeners;
  private final String baseUrl;
  private final GraphDialect graph;

  CallvertClient(Vertx vertx, CallManager calls, String notificationsAddress, Runnable listenerAdded,
      NotificationListeners listeners, String baseUrl, GraphDialect graph) {
    this.vertx = vertx;
    this.graph = graph;
    this.calls = calls;
    this.notificationsAddress = notificationsAddress;
    this.listenerAdded = listenerAdded;
    this.listeners = listeners;
    this.baseUrl = baseUrl;
  }

  // ------------------------------------------------------------------ calls

  /** The bot places a call ({@code POST /communications/calls}); returns the call as created. */
  public Future<JsonObject> createCall(JsonObject call) {
    return create(() -> graph.requests().outgoingCall(call));
  }

  /** A simulated caller calls the bot ({@code POST /callvert/calls}); returns the incoming call. */
  public Future<JsonObject> simulateIncomingCall(JsonObject call) {
    return create(() -> graph.requests().incomingCall(call));
  }

  public Future<JsonObject> getCall(String callId) {
    return send(callId, () -> CallProtocol.GET_CALL);
  }

  public Future<Void> answer(String callId, JsonObject body) {
    return send(callId, GraphAction.ANSWER, body).mapEmpty();
  }

  /** Answers an incoming call for audio with service-hosted media, the common case. */
  public Future<Void> answer(String callId) {
    return answer(callId, new JsonObject().put("acceptedModalities", new JsonArray().add("audio"))
        .put("mediaConfig", new JsonObject().put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig")));
  }

  public Future<Void> reject(String callId, String reason) {
    return send(callId, GraphAction.REJECT, new JsonObject().put("reason", reason)).mapEmpty();
  }

  /** The bot hangs up ({@code DELETE /communications/calls/{id}}). */
  public Future<Void> hangUp(String callId) {
    return send(callId, () -> CallProtocol.HANG_UP).mapEmpty();
  }

  public Future<Void> keepAlive(String callId) {
    return send(callId, () -> CallProtocol.KEEP_ALIVE).mapEmpty();
  }

  // ------------------------------------------------------------------ operations (results are commsOperation JSON)

  public Future<JsonObject> playPrompt(String callId, JsonObject body) {
    return send(callId, GraphAction.PLAY_PROMPT, body);
  }

  /** Plays the WAVs at {@code uris} in order. */
  public Future<JsonObject> playPrompt(String callId, List<String> uris, String clientContext) {
    JsonArray prompts = new JsonArray();
    for (String uri : uris) {
      prompts.add(new JsonObject().put("@odata.type", "#microsoft.graph.mediaPrompt")
          .put("mediaInfo", new JsonObject().put("uri", uri)));
    }
    return playPrompt(callId, new JsonObject().put("prompts", prompts).put("clientContext", clientContext));
  }

  public Future<JsonObject> recordResponse(String callId, JsonObject body) {
    return send(callId, GraphAction.RECORD_RESPONSE, body);
  }

  public Future<JsonObject> cancelMediaProcessing(String callId, String clientContext) {
    return send(callId, GraphAction.CANCEL_MEDIA_PROCESSING, new JsonObject().put("clientContext", clientContext));
  }

  public Future<JsonObject> subscribeToTone(String callId, String clientContext) {
    return send(callId, GraphAction.SUBSCRIBE_TO_TONE, new JsonObject().put("clientContext", clientContext));
  }

  public Future<JsonObject> sendDtmfTones(String callId, List<String> tones, int delayBetweenTonesMs, String clientContext) {
    return send(callId, GraphAction.SEND_DTMF_TONES, new JsonObject().put("tones", new JsonArray(List.copyOf(tones)))
        .put("delayBetweenTonesMs", delayBetweenTonesMs).put("clientContext", clientContext));
  }

  public Future<JsonObject> getOperation(String callId, String operationId) {
    return send(callId, () -> new CallProtocol.GetOperation(operationId));
  }

  // ------------------------------------------------------------------ the simulated caller

  /** The caller presses keys ({@code 0-9 * # A-D}), 100 ms apart. */
  public Future<Void> pressKeys(String callId, String keys) {
    return send(callId, () -> GraphRequests.pressKeys(new JsonObject().put("tones", keys))).mapEmpty();
  }

  /** The caller speaks (synthetic speech-level audio) for {@code durationMs}. */
  public Future<Void> speak(String callId, int durationMs) {
    return send(callId, () -> GraphRequests.speak(new JsonObject().put("durationMs", durationMs))).mapEmpty();
  }

  public Future<Void> callerHangUp(String callId) {
    return send(callId, () -> CallProtocol.CALLER_HANG_UP).mapEmpty();
  }

  // ------------------------------------------------------------------ the test clock

  /**
   * Moves the virtual clock ({@code clock=virtual}) forward, firing every timer due by then; the
   * future completes with the new clock time (epoch ms) once they have run. Fails with the system
   * clock ({@code POST /callvert/clock/advance}).
   */
  public Future<Long> advanceClock(long durationMs) {
    if (durationMs < 0) {
      return Future.failedFuture(io.callvert.runtime.api.ApiException.invalidRequest("'durationMs' must be non-negative."));
    }
    return calls.scheduler().advance(durationMs);
  }

  // ------------------------------------------------------------------ notifications

  /**
   * Receives every notification this Callvert instance sends, as
   * {@code {"callId", "sequence", "notification": <commsNotifications>}}, in per-call order, on
   * the caller's context. Unregister the returned consumer to stop; undeploying Callvert
   * unregisters it too, after the notifications of the calls the undeploy ended.
   */
  public Future<MessageConsumer<JsonObject>> onNotification(Handler<JsonObject> handler) {
    listenerAdded.run();
    Context context = vertx.getOrCreateContext();
    Promise<MessageConsumer<JsonObject>> registered = Promise.promise();
    Runnable register = () -> {
      MessageConsumer<JsonObject> consumer = vertx.eventBus().localConsumer(notificationsAddress, m -> handler.handle(m.body()));
      listeners.add(context, consumer);
      consumer.completion().map(v -> consumer).onComplete(registered);
    };
    if (Vertx.currentContext() == context) {
      register.run();
    } else {
      context.runOnContext(v -> register.run());
    }
    return registered.future();
  }

  // ------------------------------------------------------------------ plumbing

  private Future<JsonObject> send(String callId, GraphAction action, JsonObject body) {
    String recordings = action == GraphAction.RECORD_RESPONSE
        ? baseUrl + "/callvert/calls/" + Ids.canonical(callId) + "/recordings" : null;
    return send(callId, () -> graph.requests().command(action, body, recordings));
  }

  /** Parses (failing the future with the Graph error when the input is bad), asks the call, answers as Graph would. */
  private Future<JsonObject> send(String callId, Supplier<Command> parse) {
    String id = Ids.canonical(callId);
    Command command;
    try {
      command = parse.get();
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return released(calls.ask(id, command).map(reply -> graph.replies().response(id, command, reply)), id);
  }

  private Future<JsonObject> create(Supplier<NewCall> parse) {
    NewCall call;
    try {
      call = parse.get();
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return released(calls.create(call, graph::render).map(graph.replies()::created), null);
  }

  /**
   * Completes the caller's future first, then opens the causality gate (rule 7): the operation's
   * notifications can only follow the result the caller already holds.
   */
  private Future<JsonObject> released(Future<GraphResponse> reply, String callId) {
    Promise<JsonObject> result = Promise.promise();
    reply.onComplete(ar -> {
      if (ar.failed()) {
        result.fail(CallManager.failure(ar.cause()));
        return;
      }
      GraphResponse r = ar.result();
      result.complete(r.body() == null ? new JsonObject() : r.body());
      if (r.release() != null) {
        calls.release(callId != null ? callId : r.body().getString("id"), r.release());
      }
    });
    return result.future();
  }
}
