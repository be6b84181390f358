package io.callvert.samplebot;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.graph.communications.calls.item.CallItemRequestBuilder;
import com.microsoft.graph.communications.calls.item.answer.AnswerPostRequestBody;
import com.microsoft.graph.communications.calls.item.cancelmediaprocessing.CancelMediaProcessingPostRequestBody;
import com.microsoft.graph.communications.calls.item.playprompt.PlayPromptPostRequestBody;
import com.microsoft.graph.communications.calls.item.recordresponse.RecordResponsePostRequestBody;
import com.microsoft.graph.communications.calls.item.subscribetotone.SubscribeToTonePostRequestBody;
import com.microsoft.graph.models.MediaInfo;
import com.microsoft.graph.models.MediaPrompt;
import com.microsoft.graph.models.Modality;
import com.microsoft.graph.models.Prompt;
import com.microsoft.graph.models.ServiceHostedMediaConfig;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sample IVR bot written only against the official Microsoft Graph Java SDK (and the JDK's HTTP server for its
 * webhook and prompts): it answers incoming calls and plays a menu — press 1 for sales, 2 to leave a message, 9 to
 * hang up — listening for keys; a key cancels the menu. Sales hears a prompt, then the bot hangs up; a message is
 * recorded after a prompt and a beep until the caller presses #, then goodbye and hang up. The menu is played twice
 * without an answer, then goodbye. Another key plays the menu again.
 *
 * <p>It is written the way Graph's documentation asks a bot to be: notifications may come out of order
 * ({@code establishing} after {@code established}), twice, late, several in one POST, and signed by a new key after
 * a rollover. So the state only moves forward, every notification of a POST is handled, tones are de-duplicated by
 * their {@code sequenceId}, operations by their id, and the token's key is looked up again when unknown. It acts
 * on a notification before acknowledging it, so a delivered notification means the bot's reaction was sent.
 */
public final class IvrBot implements AutoCloseable {

  /** The prompts, and how long each plays. */
  static final int MENU_MS = 3_000;
  static final int SHORT_MS = 1_000;

  private final GraphServiceClient graph;
  private final NotificationTokens tokens;
  private final HttpServer server;
  private final String base;
  private final Map<String, Call> calls = new HashMap<>();
  private final AtomicInteger failNext = new AtomicInteger();
  private final java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);

  /** What the bot knows of one call. */
  private static final class Call {
    boolean answered;
    boolean established;
    boolean ended;
    String stage = "ringing";
    int menuPlays;
    final Set<Long> tones = new HashSet<>();
    final Set<String> endedOperations = new HashSet<>();
    String recordingLocation;
  }

  private IvrBot(String graphBaseUrl, String token, String jwksUrl, String appId) throws IOException {
    graph = new GraphServiceClient((request, context) -> request.headers.add("Authorization", "Bearer " + token));
    graph.getRequestAdapter().setBaseUrl(graphBaseUrl);
    tokens = new NotificationTokens(jwksUrl, "https://api.botframework.com", appId);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/callback", this::onNotification);
    server.createContext("/prompts/", this::onPrompt);
    server.setExecutor(threads); // prompts are served while a notification is being handled
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Starts the bot against a Graph endpoint (Callvert's, in the tests) and opens its webhook. */
  public static IvrBot start(String graphBaseUrl, String token, String jwksUrl, String appId) {
    try {
      return new IvrBot(graphBaseUrl, token, jwksUrl, appId);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Where Graph (Callvert) sends this bot's notifications. */
  public String callbackUrl() {
    return base + "/callback";
  }

  /** Makes the webhook answer the next notification POST with 500 (a bot that fails once, e.g. while deploying). */
  public void failNextNotification() {
    failNext.incrementAndGet();
  }

  /** Where the message of call {@code callId} was recorded, if one was. */
  public synchronized String recordingLocation(String callId) {
    Call c = calls.get(callId);
    return c == null ? null : c.recordingLocation;
  }

  /** How many times the bot fetched the signing keys (once, and again after a rollover). */
  public int keyFetches() {
    return tokens.fetches;
  }

  // ------------------------------------------------------------------ webhook

  private void onNotification(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      reply(exchange, 500);
      return;
    }
    if (auth == null || !tokens.valid(auth)) {
      reply(exchange, 401);
      return;
    }
    try {
      for (JsonElement n : JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject()
          .getAsJsonArray("value")) {
        handle(n.getAsJsonObject()); // a POST may carry several notifications
      }
    } catch (RuntimeException e) {
      System.err.println("IvrBot: a notification failed: " + e);
      e.printStackTrace();
      reply(exchange, 500); // Graph (Callvert) will retry it
      return;
    }
    reply(exchange, 202);
  }

  private synchronized void handle(JsonObject n) {
    String url = n.get("resourceUrl").getAsString();
    String callId = url.split("/")[3];
    JsonObject data = n.getAsJsonObject("resourceData");
    Call call = calls.computeIfAbsent(callId, id -> new Call());
    if (call.ended) {
      return;
    }
    if (url.contains("/operations/")) {
      String opId = url.substring(url.lastIndexOf('/') + 1);
      if (call.endedOperations.add(opId)) { // a duplicate is ignored
        operationEnded(callId, call, data);
      }
    } else if (data.get("toneInfo") instanceof JsonObject tone) {
      if (call.tones.add(tone.get("sequenceId").getAsLong())) {
        toneReceived(callId, call, tone.get("tone").getAsString());
      }
    } else {
      String state = data.get("state").getAsString();
      if (state.equals("incoming") && !call.answered) {
        call.answered = true;
        answer(callId);
      } else if (state.equals("established") && !call.established) { // establishing may come after it: ignored
        call.established = true;
        SubscribeToTonePostRequestBody subscribe = new SubscribeToTonePostRequestBody();
        subscribe.setClientContext("keys");
        call(callId).subscribeToTone().post(subscribe);
        playMenu(callId, call);
      } else if (state.equals("terminated")) {
        call.ended = true;
        call.stage = "ended";
      }
    }
  }

  private void toneReceived(String callId, Call call, String tone) {
    if (!call.stage.equals("menu")) {
      return; // "#" ends a recording by itself (a stop tone)
    }
    cancelMedia(callId);
    switch (tone) {
      case "tone1" -> {
        call.stage = "sales";
        play(callId, "sales");
      }
      case "tone2" -> {
        call.stage = "message";
        RecordResponsePostRequestBody record = new RecordResponsePostRequestBody();
        record.setClientContext("message");
        record.setPrompts(List.of(prompt("leave-a-message")));
        record.setPlayBeep(true);
        record.setMaxRecordDurationInSeconds(30);
        record.setInitialSilenceTimeoutInSeconds(10);
        record.setMaxSilenceTimeoutInSeconds(10);
        record.setStopTones(List.of("#"));
        call(callId).recordResponse().post(record);
      }
      case "tone9" -> hangUp(callId, call);
      default -> playMenu(callId, call);
    }
  }

  private void operationEnded(String callId, Call call, JsonObject op) {
    String context = text(op, "clientContext");
    if (!"completed".equalsIgnoreCase(text(op, "status"))) {
      return; // cancelled by a key, or the call ended
    }
    switch (context) {
      case "menu" -> {
        if (call.stage.equals("menu") && call.menuPlays < 2) {
          playMenu(callId, call);
        } else if (call.stage.equals("menu")) {
          call.stage = "goodbye";
          play(callId, "goodbye");
        }
      }
      case "message" -> {
        call.recordingLocation = text(op, "recordingLocation");
        call.stage = "goodbye";
        play(callId, "goodbye");
      }
      case "sales", "goodbye" -> hangUp(callId, call);
      default -> { }
    }
  }

  // ------------------------------------------------------------------ Graph requests (the SDK)

  private CallItemRequestBuilder call(String callId) {
    return graph.communications().calls().byCallId(callId);
  }

  private void answer(String callId) {
    AnswerPostRequestBody answer = new AnswerPostRequestBody();
    answer.setCallbackUri(callbackUrl());
    answer.setAcceptedModalities(List.of(Modality.Audio));
    answer.setMediaConfig(new ServiceHostedMediaConfig());
    call(callId).answer().post(answer);
  }

  private void playMenu(String callId, Call call) {
    call.stage = "menu";
    call.menuPlays++;
    play(callId, "menu");
  }

  private void play(String callId, String name) {
    PlayPromptPostRequestBody play = new PlayPromptPostRequestBody();
    play.setClientContext(name);
    play.setPrompts(List.of(prompt(name)));
    call(callId).playPrompt().post(play);
  }

  private void cancelMedia(String callId) {
    CancelMediaProcessingPostRequestBody cancel = new CancelMediaProcessingPostRequestBody();
    cancel.setClientContext("cancel");
    call(callId).cancelMediaProcessing().post(cancel);
  }

  private void hangUp(String callId, Call call) {
    call.stage = "hanging up";
    call(callId).delete();
  }

  private Prompt prompt(String name) {
    MediaInfo media = new MediaInfo();
    media.setUri(base + "/prompts/" + name + ".wav");
    MediaPrompt prompt = new MediaPrompt();
    prompt.setMediaInfo(media);
    return prompt;
  }

  // ------------------------------------------------------------------ prompts (16 kHz mono PCM WAV, as Graph asks)

  private void onPrompt(HttpExchange exchange) throws IOException {
    String name = exchange.getRequestURI().getPath().substring("/prompts/".length());
    byte[] wav = wav(name.startsWith("menu") ? MENU_MS : SHORT_MS, name.hashCode() % 400 + 500);
    exchange.getResponseHeaders().add("Content-Type", "audio/wav");
    exchange.sendResponseHeaders(200, wav.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(wav);
    }
  }

  /** A sine tone standing in for a recorded prompt. */
  static byte[] wav(int ms, int hz) {
    int samples = 16 * ms;
    ByteBuffer b = ByteBuffer.allocate(44 + 2 * samples).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * samples).put("WAVE".getBytes(StandardCharsets.US_ASCII));
    b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
        .putInt(16_000).putInt(32_000).putShort((short) 2).putShort((short) 16);
    b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * samples);
    for (int i = 0; i < samples; i++) {
      b.putShort((short) (8000 * Math.sin(2 * Math.PI * hz * i / 16_000.0)));
    }
    return b.array();
  }

  /** A string member, or "" when absent or null. */
  private static String text(JsonObject o, String name) {
    JsonElement e = o.get(name);
    return e == null || e.isJsonNull() ? "" : e.getAsString();
  }

  private static void reply(HttpExchange exchange, int status) throws IOException {
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
