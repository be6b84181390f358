package io.callvert.verticles.embed;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.verticles.CallvertClient;
import io.callvert.verticles.CallvertVerticle;
import io.callvert.verticles.testkit.TestRuntime.Resp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Runs the embedding example of docs/embedding.md as written (on a random port). */
class EmbedExampleTest {

  private static final String TOKEN = "example-token";

  private final EmbedHttp http = new EmbedHttp();
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("the docs/embedding.md example serves the host's route and Callvert's API side by side, and its in-process bot answers calls")
  void the_embedding_example_works() throws Exception {
    CallvertVerticle callvert = new CallvertVerticle(EmbedExample.options(TOKEN), "telephony");
    vertx.deployVerticle(callvert).await(30, TimeUnit.SECONDS);
    HttpServer server = EmbedExample.start(vertx, callvert, 0).await(30, TimeUnit.SECONDS);
    EmbedExample.answerIncomingCalls(callvert.client()).await(30, TimeUnit.SECONDS);
    Inbox inbox = new Inbox(new CopyOnWriteArrayList<>());
    callvert.client().onNotification(inbox).await(30, TimeUnit.SECONDS);
    String base = "http://127.0.0.1:" + server.actualPort();

    assertThat(http.get(base + "/hello").text()).isEqualTo("hello from the host");
    Resp created = http.send(EmbedHttp.request(base + "/telephony/callvert/calls").header("Authorization", "Bearer " + TOKEN)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("callbackUri", CallvertClient.LOCAL_CALLBACK).encode())));
    assertThat(created.status()).isEqualTo(201);
    String callId = created.json().getString("id");

    inbox.awaitOne(callId, n -> "established".equals(n.resourceData().getString("state")));
    Resp call = http.send(EmbedHttp.request(base + "/telephony/v1.0/communications/calls/" + callId)
        .header("Authorization", "Bearer " + TOKEN).GET());
    assertThat(call.json().getString("state")).isEqualTo("established");
    assertThat(http.get(base + "/telephony/v1.0/communications/calls/" + callId).status())
        .as("the well-known dev token is not accepted once a real token is configured").isEqualTo(401);
  }
}
