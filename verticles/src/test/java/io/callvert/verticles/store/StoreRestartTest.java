package io.callvert.verticles.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.CallvertOptions;
import io.callvert.config.CallsOptions;
import io.callvert.config.ConfigException;
import io.callvert.config.HttpOptions;
import io.callvert.config.MetricsOptions;
import io.callvert.config.StoreOptions;
import io.callvert.runtime.call.CallEvent;
import io.callvert.runtime.call.CallState;
import io.callvert.runtime.call.Direction;
import io.callvert.runtime.call.EndReason;
import io.callvert.runtime.call.Notification;
import io.callvert.runtime.call.OperationKind;
import io.callvert.runtime.call.OperationSnapshot;
import io.callvert.runtime.call.OperationStatus;
import io.callvert.runtime.call.Outcome;
import io.callvert.runtime.call.OwnerRecord;
import io.callvert.runtime.graph.GraphDialect;
import io.callvert.verticles.CallvertVerticle;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.callvert.verticles.testkit.WebhookReceiver.Received;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The restart of contract rule 42 from a store written by hand: the states a crash can leave between two commits
 * (an ending kept but the record not yet updated) give each ending exactly once; what was delivered leaves the store.
 */
class StoreRestartTest {

  static final GraphDialect GRAPH = GraphDialect.create("app", CallsOptions.DEFAULT_KEEP_ALIVE_TIMEOUT_MS);

  Vertx vertx;
  WebhookReceiver bot;
  Path dir;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    bot = new WebhookReceiver(vertx);
    dir = Files.createTempDirectory("callvert-store-test");
  }

  @AfterEach
  void tearDown() {
    bot.close();
    vertx.close().await();
  }

  private Notification.Delivery to(String callId) {
    return new Notification.Delivery(callId, bot.url(), "app", null);
  }

  private static OperationSnapshot ended(OperationKind kind, String id, Outcome outcome) {
    return new OperationSnapshot(kind, id, "ctx-" + id, outcome.status(), outcome, null, null, null);
  }

  @Test
  @DisplayName("an ending already pending is not sent again; the others follow it in order; the store ends empty")
  void crash_between_commits_ends_each_once() throws Exception {
    MvDurableStore store = MvDurableStore.open(dir.toString());
    // c1: the play's ending was kept, the record still lists the play (the crash came before its update)
    store.putCall("c1", new OwnerRecord("graph", to("c1"), CallState.ESTABLISHED, List.of(
        new OwnerRecord.LiveOperation("play", OperationKind.PLAY_PROMPT, "ctx-play"),
        new OwnerRecord.LiveOperation("rec", OperationKind.RECORD, "ctx-rec"))));
    store.putNotification(3, GRAPH.render(new Notification(to("c1"), "play",
        new CallEvent.OperationEnded("c1", ended(OperationKind.PLAY_PROMPT, "play", Outcome.COMPLETED)))));
    // c2: its terminated was kept, its record not yet forgotten
    store.putCall("c2", new OwnerRecord("graph", to("c2"), CallState.ESTABLISHED, List.of()));
    store.putNotification(7, GRAPH.render(new Notification(to("c2"), null,
        new CallEvent.CallEnded("c2", EndReason.BOT_HUNG_UP, Direction.OUTGOING))));
    // c3: ended and forgotten, one notification still pending
    store.putNotification(2, GRAPH.render(new Notification(to("c3"), null,
        new CallEvent.StateChanged("c3", CallState.ESTABLISHED))));
    store.close().await(10, TimeUnit.SECONDS);

    String id = vertx.deployVerticle(new CallvertVerticle(options())).await(30, TimeUnit.SECONDS);
    List<Received> c1 = bot.await("c1", 3);
    assertThat(c1).extracting(Received::sequence).containsExactly(3L, 4L, 5L);
    assertThat(c1.get(0).resourceData().getString("status")).isEqualTo("completed");
    assertThat(c1.get(1).resourceUrl()).endsWith("/operations/rec");
    assertThat(c1.get(1).resourceData().getJsonObject("resultInfo").getInteger("subcode")).isEqualTo(9103);
    assertThat(c1.get(2).resourceData().getJsonObject("resultInfo").getInteger("subcode")).isEqualTo(9102);
    assertThat(bot.await("c2", 1).get(0).sequence()).isEqualTo(7L);
    assertThat(bot.await("c3", 1).get(0).sequence()).isEqualTo(2L);
    vertx.undeploy(id).await(30, TimeUnit.SECONDS);
    assertThat(bot.received()).hasSize(5); // nothing else: no second ending for play, none for c2

    MvDurableStore after = MvDurableStore.open(dir.toString());
    try {
      assertThat(after.leftovers().isEmpty()).as("%s", after.leftovers()).isTrue();
    } finally {
      after.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("an ACS call (contract rules 42, 57): its kept RecognizeCompleted is not sent again; the queued play fails"
      + " 503/9103 and the call ends CallDisconnected 503/9102, as CloudEvents")
  void acs_call_ends_once_in_its_dialect() throws Exception {
    io.callvert.runtime.acs.AcsDialect acs = io.callvert.runtime.acs.AcsDialect.create(
        io.callvert.runtime.net.HostPolicy.ALLOW_ALL, () -> 0L, () -> "ev");
    MvDurableStore store = MvDurableStore.open(dir.toString());
    store.putCall("a1", new OwnerRecord("acs", to("a1"), CallState.ESTABLISHED, List.of(
        new OwnerRecord.LiveOperation("reco", OperationKind.RECOGNIZE, "menu"),
        new OwnerRecord.LiveOperation("play", OperationKind.PLAY_PROMPT, "later"))));
    store.putNotification(3, acs.render(new Notification(to("a1"), "reco", new CallEvent.OperationEnded("a1",
        new OperationSnapshot(OperationKind.RECOGNIZE, "reco", "menu", OperationStatus.COMPLETED, Outcome.MAX_TONES,
            null, null, null, "12")))));
    store.close().await(10, TimeUnit.SECONDS);

    String id = vertx.deployVerticle(new CallvertVerticle(options())).await(30, TimeUnit.SECONDS);
    List<Received> got = bot.whenReceived(r -> r.body().getJsonObject("data") != null
        && "a1".equals(r.body().getJsonObject("data").getString("callConnectionId")), 3).await(20, TimeUnit.SECONDS);
    assertThat(got).extracting(r -> r.body().getString("type").substring("Microsoft.Communication.".length()))
        .containsExactly("RecognizeCompleted", "PlayFailed", "CallDisconnected");
    assertThat(got).extracting(Received::sequence).containsExactly(3L, 4L, 5L);
    assertThat(got.get(1).body().getJsonObject("data").getString("operationContext")).isEqualTo("later");
    assertThat(got.get(1).body().getJsonObject("data").getJsonObject("resultInformation").getInteger("subCode")).isEqualTo(9103);
    assertThat(got.get(2).body().getJsonObject("data").getJsonObject("resultInformation").getInteger("subCode")).isEqualTo(9102);
    assertThat(got.get(2).headers()).doesNotContainKey("authorization");
    vertx.undeploy(id).await(30, TimeUnit.SECONDS);
    assertThat(bot.received()).hasSize(3);
  }

  @Test
  @DisplayName("a store another process (or instance) holds fails the start, naming store.dir")
  void locked_store_names_the_key() throws Exception {
    MvDurableStore held = MvDurableStore.open(dir.toString());
    try {
      Throwable failure = vertx.deployVerticle(new CallvertVerticle(options())).transform(ar -> io.vertx.core.Future
          .succeededFuture(ar.cause())).await(30, TimeUnit.SECONDS);
      assertThat(failure).isInstanceOf(ConfigException.class).hasMessageContaining("store.dir");
    } finally {
      held.close().await(10, TimeUnit.SECONDS);
    }
  }

  private CallvertOptions options() {
    return CallvertOptions.defaults().withHttp(HttpOptions.defaults().withPort(0)).withMetrics(new MetricsOptions(false))
        .withStore(new StoreOptions(dir.toString()));
  }
}
