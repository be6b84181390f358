package io.callvert.verticles.webhook;

import io.callvert.config.WebhookOptions;
import io.callvert.verticles.auth.NotificationSigner;
import io.callvert.verticles.metrics.CallvertMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;

/**
 * The webhook dispatcher of one Callvert instance, sharded by call id over several event loops: a
 * call's notifications always go to the same shard, so per-call order and the causality gates hold,
 * while delivery work (HTTP client I/O, signing, journaling) for different calls runs on different
 * cores instead of queueing on one loop.
 *
 * <p>Each shard runs on an event-loop context that belongs to no deployment: when the instance is
 * undeployed, the call verticles stop first and hand their final notifications here; the root
 * verticle then drains the shards and closes them.
 */
public final class WebhookDispatchers {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Vertx vertx;
  private final List<WebhookDispatcher> shards = new ArrayList<>();
  private final List<ContextInternal> contexts = new ArrayList<>();
  private final String tapAddress;

  public WebhookDispatchers(Vertx vertx, String baseAddress, int shardCount, WebhookOptions options,
      WebClient client, NotificationSigner signer) {
    this.vertx = vertx;
    this.tapAddress = baseAddress + ".tap";
    for (int i = 0; i < Math.max(1, shardCount); i++) {
      shards.add(new WebhookDispatcher(vertx, baseAddress + "." + i, tapAddress, options, client, signer));
      contexts.add(((VertxInternal) vertx).createEventLoopContext());
    }
  }

  public Future<Void> start() {
    for (Class<?> type : DispatcherMessage.class.getPermittedSubclasses()) {
      io.callvert.runtime.protocol.Codecs.register(vertx.eventBus(), type);
    }
    List<Future<Void>> started = new ArrayList<>();
    for (int i = 0; i < shards.size(); i++) {
      WebhookDispatcher shard = shards.get(i);
      Promise<Void> p = Promise.promise();
      contexts.get(i).runOnContext(v -> shard.start().onComplete(p));
      started.add(p.future());
    }
    return Future.all(started).mapEmpty();
  }

  /** The local address of the shard that owns {@code callId}. */
  public String addressFor(String callId) {
    return shards.get(Math.floorMod(callId.hashCode(), shards.size())).address();
  }

  public List<String> addresses() {
    List<String> all = new ArrayList<>();
    shards.forEach(s -> all.add(s.address()));
    return all;
  }

  /** Where in-process listeners receive notifications (one address for every shard). */
  public String tapAddress() {
    return tapAddress;
  }

  public void enableTap() {
    shards.forEach(WebhookDispatcher::enableTap);
  }

  public void metrics(CallvertMetrics metrics) {
    shards.forEach(s -> s.metrics(metrics));
  }

  /** Completes when every shard has delivered or dead-lettered what it holds, or after {@code graceMs}. */
  public Future<Void> drain(long graceMs) {
    List<Future<Boolean>> drained = new ArrayList<>();
    for (WebhookDispatcher shard : shards) {
      drained.add(vertx.eventBus().<Boolean>request(shard.address(), new DispatcherMessage.Drain(graceMs),
          new DeliveryOptions(LOCAL).setSendTimeout(graceMs + 5_000)).map(m -> m.body()));
    }
    return Future.join(drained).compose(cf -> {
      for (Future<Boolean> f : drained) {
        if (f.failed() || !Boolean.TRUE.equals(f.result())) {
          return Future.failedFuture("notifications still pending after " + graceMs + " ms");
        }
      }
      return Future.succeededFuture();
    });
  }

  /** Stops every shard (after {@link #drain}). */
  public Future<Void> close() {
    List<Future<Void>> closed = new ArrayList<>();
    for (int i = 0; i < shards.size(); i++) {
      WebhookDispatcher shard = shards.get(i);
      Promise<Void> p = Promise.promise();
      contexts.get(i).runOnContext(v -> shard.close().onComplete(p));
      closed.add(p.future());
    }
    return Future.join(closed).mapEmpty();
  }
}
