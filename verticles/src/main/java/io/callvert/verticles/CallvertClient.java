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
 * API and the caller simulator, as {@link Future}s, with the same validation, errors and
 * notifications. Request bodies and results are the Graph JSON shapes, so code written against
 * this API reads like code written against Graph.
 *
 * <p><b>Failures.</b> Every returned future fails with an {@link ApiException} carrying the HTTP
 * status and Graph error code the same request would get over HTTP: 400 {@code invalidRequest}
 * (bad input, or the call is in the wrong state), 404 {@code 8522} (no such call), 404
 * {@code itemNotFound} (no such operation), 429 {@code activityLimitReached} (queue or node full),
 * 503 {@code serviceNotAvailable} (Callvert is shutting down), 504 {@code timeout} (the call did
 * not answer within {@code http.requestTimeoutMs}).
 *
 * <p><b>Notifications.</b> Bots living in the same application can take notifications in process
 * instead of webhooks: give calls the callback URI {@link #LOCAL_CALLBACK} and listen with
 * {@link #onNotification}. Listeners also see notifications bound for HTTP callbacks, in per-call
 * order, and never before the result that created their operation (contract rule 7).
 *
 * <p>Obtain it from {@link CallvertVerticle#client()} once the verticle is deployed. Thread-safe.
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
  private final io.callvert.verticles.webhook.WebhookDispatchers deliveries;

  CallvertClient(Vertx vertx, CallManager calls, String notificationsAddress, Runnable listenerAdded,
      NotificationListeners listeners, String baseUrl, GraphDialect graph,
      io.callvert.verticles.webhook.WebhookDispatchers deliveries) {
    this.vertx = vertx;
    this.deliveries = deliveries;
    this.graph = graph;
    this.calls = calls;
    this.notificationsAddress = notificationsAddress;
    this.listenerAdded = listenerAdded;
    this.listeners = listeners;
    this.baseUrl = baseUrl;
  }

  // ------------------------------------------------------------------ calls

  /**
   * The bot places a call ({@code POST /communications/calls}).
   *
   * @param call the Graph {@code call} body: {@code callbackUri}, {@code targets}, {@code mediaConfig}…
   * @return the call as created (state {@code establishing})
   */
  public Future<JsonObject> createCall(JsonObject call) {
    return create(() -> graph.requests().outgoingCall(call));
  }

  /**
   * A simulated caller calls the bot ({@code POST /callvert/calls}): the bot is notified
   * ({@code created}) and must answer, reject or redirect it.
   *
   * @param call {@code callbackUri} (required), optionally {@code source}, {@code targets}, {@code subject}…
   * @return the incoming call (state {@code incoming})
   */
  public Future<JsonObject> simulateIncomingCall(JsonObject call) {
    return create(() -> graph.requests().incomingCall(call));
  }

  /** The call as it is now ({@code GET /communications/calls/{id}}). */
  public Future<JsonObject> getCall(String callId) {
    return send(callId, () -> CallProtocol.GET_CALL);
  }

  /** The bot answers an incoming call with a Graph {@code answer} body ({@code acceptedModalities}, {@code mediaConfig}…). */
  public Future<Void> answer(String callId, JsonObject body) {
    return send(callId, GraphAction.ANSWER, body).mapEmpty();
  }

  /** Answers an incoming call for audio with service-hosted media, the common case. */
  public Future<Void> answer(String callId) {
    return answer(callId, new JsonObject().put("acceptedModalities", new JsonArray().add("audio"))
        .put("mediaConfig", new JsonObject().put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig")));
  }

  /** The bot declines an incoming call; {@code reason} is {@code none}, {@code busy} or {@code forbidden}. */
  public Future<Void> reject(String callId, String reason) {
    return send(callId, GraphAction.REJECT, new JsonObject().put("reason", reason)).mapEmpty();
  }

  /** The bot hangs up ({@code DELETE /communications/calls/{id}}). */
  public Future<Void> hangUp(String callId) {
    return send(callId, () -> CallProtocol.HANG_UP).mapEmpty();
  }

  /** The bot says it is still there: the inactivity timer ({@code calls.keepAliveTimeoutMs}) restarts. */
  public Future<Void> keepAlive(String callId) {
    return send(callId, () -> CallProtocol.KEEP_ALIVE).mapEmpty();
  }

  // ------------------------------------------------------------------ operations (results are commsOperation JSON)

  /** Plays prompts after the media queued before, with a Graph {@code playPrompt} body; returns the operation. */
  public Future<JsonObject> playPrompt(String callId, JsonObject body) {
    return send(callId, GraphAction.PLAY_PROMPT, body);
  }

  /** Plays the WAVs at {@code uris} in order; returns the operation. */
  public Future<JsonObject> playPrompt(String callId, List<String> uris, String clientContext) {
    JsonArray prompts = new JsonArray();
    for (String uri : uris) {
      prompts.add(new JsonObject().put("@odata.type", "#microsoft.graph.mediaPrompt")
          .put("mediaInfo", new JsonObject().put("uri", uri)));
    }
    return playPrompt(callId, new JsonObject().put("prompts", prompts).put("clientContext", clientContext));
  }

  /** Records the caller, with a Graph {@code recordResponse} body; returns the operation. */
  public Future<JsonObject> recordResponse(String callId, JsonObject body) {
    return send(callId, GraphAction.RECORD_RESPONSE, body);
  }

  /** Ends the running and every queued media operation; returns the (completed) cancel operation. */
  public Future<JsonObject> cancelMediaProcessing(String callId, String clientContext) {
    return send(callId, GraphAction.CANCEL_MEDIA_PROCESSING, new JsonObject().put("clientContext", clientContext));
  }

  /** Subscribes the bot to the caller's key presses; returns the (completed) subscribe operation. */
  public Future<JsonObject> subscribeToTone(String callId, String clientContext) {
    return send(callId, GraphAction.SUBSCRIBE_TO_TONE, new JsonObject().put("clientContext", clientContext));
  }

  /** Sends DTMF tones ({@code tone0}…{@code tone9}, {@code star}, {@code pound}, {@code a}–{@code d}) to the caller. */
  public Future<JsonObject> sendDtmfTones(String callId, List<String> tones, int delayBetweenTonesMs, String clientContext) {
    return send(callId, GraphAction.SEND_DTMF_TONES, new JsonObject().put("tones", new JsonArray(List.copyOf(tones)))
        .put("delayBetweenTonesMs", delayBetweenTonesMs).put("clientContext", clientContext));
  }

  /** An operation as it is now, live or remembered ({@code GET …/operations/{id}}). */
  public Future<JsonObject> getOperation(String callId, String operationId) {
    return send(callId, () -> new CallProtocol.GetOperation(operationId));
  }

  // ------------------------------------------------------------------ the simulated caller

  /** The caller presses keys ({@code 0-9 * # A-D}), 100 ms apart, after the keys still pending. */
  public Future<Void> pressKeys(String callId, String keys) {
    return send(callId, () -> GraphRequests.pressKeys(new JsonObject().put("tones", keys))).mapEmpty();
  }

  /** The caller speaks (synthetic speech-level audio) for {@code durationMs}. */
  public Future<Void> speak(String callId, int durationMs) {
    return send(callId, () -> GraphRequests.speak(new JsonObject().put("durationMs", durationMs))).mapEmpty();
  }

  /** The caller hangs up. */
  public Future<Void> callerHangUp(String callId) {
    return send(callId, () -> CallProtocol.CALLER_HANG_UP).mapEmpty();
  }

  /**
   * What the caller heard so far, summarised ({@code GET /callvert/calls/{id}/heard} gives the audio): {@code
   * durationMs} in all, and {@code segments}, one per clip played (a prompt, a beep, a DTMF key) in play order, each
   * {@code offsetMs} (where it starts in what was heard), {@code playedMs}, {@code lengthMs} (the whole clip) and
   * {@code cut} (played less than the whole clip: cancelled, or still playing).
   */
  public Future<JsonObject> heard(String callId) {
    return calls.ask(Ids.canonical(callId), CallProtocol.GET_HEARD).map(reply -> {
      JsonArray segments = new JsonArray();
      long offset = 0;
      for (io.callvert.runtime.audio.Wav.Slice slice : ((CallProtocol.Heard) reply).slices()) {
        long played = slice.length() / io.callvert.runtime.audio.Clip.SAMPLES_PER_MS;
        long length = slice.clip().length() / io.callvert.runtime.audio.Clip.SAMPLES_PER_MS;
        segments.add(new JsonObject().put("offsetMs", offset).put("playedMs", played).put("lengthMs", length)
            .put("cut", slice.length() < slice.clip().length()));
        offset += played;
      }
      return new JsonObject().put("durationMs", offset).put("segments", segments);
    }).recover(e -> Future.failedFuture(io.callvert.verticles.call.NodeErrors.failure(e)));
  }

  // ------------------------------------------------------------------ the test clock

  /**
   * Moves the virtual clock ({@code clock=virtual}) forward, firing every timer due by then; the
   * future completes with the new clock time (epoch ms) once they have run. Fails with 400 for a
   * negative duration, and with the system clock ({@code POST /callvert/clock/advance}).
   */
  public Future<Long> advanceClock(long durationMs) {
    if (durationMs < 0) {
      return Future.failedFuture(ApiException.invalidRequest("'durationMs' must be non-negative."));
    }
    return calls.scheduler().advance(durationMs);
  }

  // ------------------------------------------------------------------ notifications

  /**
   * Receives every notification this Callvert instance sends, in per-call order, on the caller's
   * context. Unregister the returned consumer to stop; undeploying Callvert unregisters it too,
   * after the notifications of the calls the undeploy ended.
   *
   * @return completes once the listener is registered
   */
  public Future<MessageConsumer<JsonObject>> onNotification(Handler<CallvertNotification> handler) {
    listenerAdded.run();
    Context context = vertx.getOrCreateContext();
    Promise<MessageConsumer<JsonObject>> registered = Promise.promise();
    Runnable register = () -> {
      MessageConsumer<JsonObject> consumer = vertx.eventBus().localConsumer(notificationsAddress,
          m -> handler.handle(CallvertNotification.fromTap(m.body())));
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

  /**
   * Receives the outcome of every webhook POST this instance makes, as it comes back, on the caller's context
   * (contract rule 80 — Deliveries are observable). Each event is a JSON object: {@code callId}; {@code sequences}
   * (the notifications the POST carried, usually one; two for a batch of the Graph-like profile); {@code attempt};
   * {@code outcome} ({@code delivered}, {@code failed} (retried), {@code moved} (a 302), {@code deadLettered});
   * {@code error} (why, or null); {@code duplicate} (a second POST of a delivered notification, Graph-like profile);
   * {@code rolledOver} (signed with the rolled-over key); {@code at} (epoch ms, real time). Notifications to
   * {@code local:} callbacks make no POST and no event. The notifications themselves arrive at
   * {@link #onNotification}, before the events of their POSTs.
   *
   * @return completes once the listener is registered; unregister the consumer to stop
   */
  public Future<MessageConsumer<JsonObject>> onDeliveryAttempt(Handler<JsonObject> handler) {
    listenerAdded.run();
    Context context = vertx.getOrCreateContext();
    Promise<MessageConsumer<JsonObject>> registered = Promise.promise();
    Runnable register = () -> {
      MessageConsumer<JsonObject> consumer = vertx.eventBus().localConsumer(notificationsAddress + ".posts",
          m -> handler.handle(m.body()));
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

  /**
   * Completes once every notification produced so far is delivered or dead-lettered: none queued, held by a
   * delivery profile, waiting for a retry or in flight. Fails if that is not so within {@code timeoutMs}.
   */
  public Future<Void> whenDeliveriesSettled(long timeoutMs) {
    return deliveries.drain(timeoutMs);
  }

  /**
   * Sets the delivery profile of the calls whose first notification is produced from now on (contract rules 77-79);
   * calls already under way keep theirs. Completes once it applies (the Graph-like profile first generates the
   * second signing key it rolls over to).
   */
  public Future<Void> deliveryProfile(io.callvert.config.DeliveryProfileOptions profile) {
    return deliveries.profile(java.util.Objects.requireNonNull(profile, "profile"));
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
   * Completes the caller's future first, then opens the causality gate (contract rule 7 — No notification before its answer): the operation's
   * notifications can only follow the result the caller already holds.
   */
  private Future<JsonObject> released(Future<GraphResponse> reply, String callId) {
    Promise<JsonObject> result = Promise.promise();
    reply.onComplete(ar -> {
      if (ar.failed()) {
        result.fail(io.callvert.verticles.call.NodeErrors.failure(ar.cause()));
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
