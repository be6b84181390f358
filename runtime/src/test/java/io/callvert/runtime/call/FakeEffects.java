package io.callvert.runtime.call;

import io.callvert.runtime.graph.GraphDialect;
import io.callvert.runtime.graph.GraphResponse;
import io.callvert.runtime.protocol.Outbound;

import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.clock.Clock;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Records every effect a {@link CallSession} requests, in order, and keeps the set of armed timers
 * the way the call verticle does (re-arming replaces; firing or cancelling disarms). Replies are
 * logged into the same list by {@link CallDriver}, so a test can check what came before what.
 */
final class FakeEffects implements Effects {

  sealed interface Effect permits Notified, Armed, Disarmed, Fetch, Prefetch, Stored, Ended, Replied {}

  /** A notification, with the clock time it was produced at. */
  record Notified(Outbound outbound, long at, Notification event) implements Effect {
    JsonObject notification() {
      return outbound.body().getJsonArray("value").getJsonObject(0);
    }

    String changeType() {
      return notification().getString("changeType");
    }

    String resourceUrl() {
      return notification().getString("resourceUrl");
    }

    JsonObject data() {
      return notification().getJsonObject("resourceData");
    }

    String gate() {
      return outbound.gate();
    }

    /** The operation id when this notification is about an operation, else null. */
    String operationId() {
      String url = resourceUrl();
      int i = url.indexOf("/operations/");
      return i < 0 ? null : url.substring(i + "/operations/".length());
    }
  }

  record Armed(TimerKey key, long dueAt) implements Effect {}

  record Disarmed(TimerKey key) implements Effect {}

  record Fetch(String opId, List<MediaRef> media, long at) implements Effect {}

  record Prefetch(List<MediaRef> media) implements Effect {}

  record Stored(String recordingId, String token, Clip audio) implements Effect {}

  record Ended() implements Effect {}

  /** What a live caller was told (contract rule 62), with the clock time; kept apart from the effect log. */
  record Fed(CallerFeed event, long at) {}

  /** Logged by the driver when a request returned: the HTTP response would be written now. */
  record Replied(String action, GraphResponse reply) implements Effect {}

  private record Timer(TimerKey key, long dueAt, long seq) {}

  private final Clock clock;
  /** Renders events and replies as the Graph edge would. */
  final GraphDialect graph;
  private final List<Effect> log = new ArrayList<>();
  private final Map<TimerKey, Timer> armed = new HashMap<>();
  private long seq;

  FakeEffects(Clock clock, GraphDialect graph) {
    this.clock = clock;
    this.graph = graph;
  }

  @Override
  public void notify(Notification notification) {
    log.add(new Notified(graph.render(notification), clock.now(), notification));
  }

  @Override
  public void schedule(TimerKey key, long dueAt) {
    armed.put(key, new Timer(key, dueAt, seq++));
    log.add(new Armed(key, dueAt));
  }

  @Override
  public void cancelTimer(TimerKey key) {
    armed.remove(key);
    log.add(new Disarmed(key));
  }

  @Override
  public void fetchMedia(String opId, List<MediaRef> media) {
    log.add(new Fetch(opId, List.copyOf(media), clock.now()));
  }

  @Override
  public void prefetch(List<MediaRef> media) {
    log.add(new Prefetch(List.copyOf(media)));
  }

  @Override
  public void storeRecording(String recordingId, String accessToken, java.util.function.Supplier<Clip> audio) {
    log.add(new Stored(recordingId, accessToken, audio.get()));
  }

  @Override
  public void ended() {
    log.add(new Ended());
  }

  @Override
  public void feed(CallerFeed event) {
    fed.add(new Fed(event, clock.now()));
  }

  final List<Fed> fed = new ArrayList<>();

  void replied(String action, GraphResponse reply) {
    log.add(new Replied(action, reply));
  }

  /** The earliest armed timer due at or before {@code target}, in (due time, arming order) order, disarmed. */
  Optional<Map.Entry<TimerKey, Long>> popDue(long target) {
    Optional<Timer> next = armed.values().stream()
        .filter(t -> t.dueAt() <= target)
        .min(Comparator.comparingLong(Timer::dueAt).thenComparingLong(Timer::seq));
    next.ifPresent(t -> armed.remove(t.key()));
    return next.map(t -> Map.entry(t.key(), t.dueAt()));
  }

  /** Armed timers: key to due time. */
  Map<TimerKey, Long> armedTimers() {
    Map<TimerKey, Long> out = new HashMap<>();
    armed.forEach((k, t) -> out.put(k, t.dueAt()));
    return out;
  }

  List<Effect> log() {
    return log;
  }

  <T extends Effect> List<T> all(Class<T> type) {
    return log.stream().filter(type::isInstance).map(type::cast).toList();
  }

  List<Notified> notifications() {
    return all(Notified.class);
  }
}
