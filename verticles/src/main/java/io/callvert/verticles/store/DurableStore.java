package io.callvert.verticles.store;

import io.callvert.config.ConfigException;
import io.callvert.config.StoreOptions;
import io.callvert.runtime.call.OwnerRecord;
import io.callvert.runtime.protocol.Outbound;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;

/**
 * What a node keeps so that a restart, graceful or {@code kill -9}, leaves no bot waiting (contract rule 42 — A
 * restarted node ends its calls): the owner record of each call it owns, each notification not yet delivered or
 * dead-lettered, and the recordings it announced. On start, {@link Restart} delivers what was pending and ends the
 * calls.
 *
 * <p>{@link #NONE} (no {@code store.dir}, the default) keeps nothing: every method does nothing. {@link #open} opens
 * H2's MVStore at {@code <store.dir>/callvert.mv}. Writes never block the caller: they are applied in the order given
 * by one writer thread, and committed after each batch, so a write is on disk (in the OS's cache: it survives the
 * process being killed, not the machine losing power) a moment after it was made; {@link #putCall} completes once it
 * is. A failing store is logged and never fails a call.
 */
public interface DurableStore {

  /** A notification not yet delivered, as the dispatcher had it: its per-call sequence, its body and delivery. */
  record StoredNotification(long sequence, Outbound outbound) {}

  /**
   * A recording announced to a bot.
   *
   * @param tokenHash the SHA-256 of its access token, hex (the token itself is never stored)
   * @param expiresAt when it may be deleted (epoch ms, real time), or 0 while its call's retention has not started
   */
  record StoredRecording(String id, String callId, String tokenHash, String file, long expiresAt) {}

  /**
   * What a previous run left, read when the store was opened.
   *
   * @param calls         owner records of the calls it owned, by call id
   * @param notifications notifications it had not delivered, ordered by call and sequence
   * @param recordings    recordings it had announced
   */
  record Leftovers(Map<String, OwnerRecord> calls, List<StoredNotification> notifications,
      List<StoredRecording> recordings) {

    public boolean isEmpty() {
      return calls.isEmpty() && notifications.isEmpty() && recordings.isEmpty();
    }
  }

  /** No store: nothing survives a restart (the default). */
  DurableStore NONE = new DurableStore() {
    @Override
    public boolean enabled() {
      return false;
    }

    @Override
    public Future<Void> putCall(String callId, OwnerRecord owner) {
      return Future.succeededFuture();
    }

    @Override
    public void removeCall(String callId) {
    }

    @Override
    public void putNotification(long sequence, Outbound outbound) {
    }

    @Override
    public void removeNotification(String callId, long sequence) {
    }

    @Override
    public void putRecording(StoredRecording recording) {
    }

    @Override
    public void removeRecording(String recordingId) {
    }

    @Override
    public Leftovers leftovers() {
      return new Leftovers(Map.of(), List.of(), List.of());
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  };

  /**
   * The store {@code options} ask for: {@link #NONE} without {@code store.dir}, else the MVStore file in that
   * directory (created if needed), opened and read on a worker thread.
   *
   * @throws ConfigException (as the failed future) naming {@code store.dir} when the store cannot be opened: the
   *                         directory is not writable, another process holds the file, or H2 is not on the classpath
   */
  static Future<DurableStore> open(Vertx vertx, StoreOptions options, String source) {
    if (!options.enabled()) {
      return Future.succeededFuture(NONE);
    }
    return vertx.<DurableStore>executeBlocking(() -> MvDurableStore.open(options.dir()), false)
        .recover(e -> Future.failedFuture(new ConfigException("store.dir", "cannot open the durable store in "
            + options.dir() + ": " + (e instanceof NoClassDefFoundError
                ? "com.h2database:h2 is not on the classpath (the fat jar carries it)" : e.getMessage()), source, e)));
  }

  /** Whether anything is kept (a {@code store.dir} is set). */
  boolean enabled();

  /** Keeps a live call's owner record (replacing the previous one); completes once it is committed. */
  Future<Void> putCall(String callId, OwnerRecord owner);

  /** The call ended and its last notifications are kept: forget its owner record. */
  void removeCall(String callId);

  /** Keeps a notification until {@link #removeNotification} (delivered or dead-lettered). */
  void putNotification(long sequence, Outbound outbound);

  void removeNotification(String callId, long sequence);

  void putRecording(StoredRecording recording);

  void removeRecording(String recordingId);

  /** What the previous run left (as read when the store was opened; not updated by later writes). */
  Leftovers leftovers();

  /** Applies and commits every write made so far, then closes the file. */
  Future<Void> close();
}
