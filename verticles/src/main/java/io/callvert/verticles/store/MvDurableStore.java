package io.callvert.verticles.store;

import io.callvert.runtime.call.OwnerRecord;
import io.callvert.runtime.protocol.Outbound;
import io.callvert.verticles.cluster.OwnerRecords;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link DurableStore} on H2's MVStore: one file, {@code callvert.mv}, with three maps of JSON text ({@code calls}
 * by call id, {@code notifications} by call id and zero-padded sequence, so a call's sort in order, {@code recordings}
 * by recording id). MVStore writes copy-on-write chunks and finds its last complete commit after a crash; it locks the
 * file, so two processes cannot share one store.
 *
 * <p>Callers on event loops only enqueue: one writer thread applies the writes in order and commits after each batch
 * (MVStore's own background writer, left on, compacts the file).
 */
final class MvDurableStore implements DurableStore {

  private static final Logger log = LoggerFactory.getLogger(MvDurableStore.class);
  static final String FILE_NAME = "callvert.mv";

  private final MVStore store;
  private final MVMap<String, String> calls;
  private final MVMap<String, String> notifications;
  private final MVMap<String, String> recordings;
  private final Leftovers leftovers;
  private final ConcurrentLinkedQueue<Runnable> writes = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "callvert-store-writer");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean closed;

  private MvDurableStore(MVStore store) {
    this.store = store;
    this.calls = store.openMap("calls");
    this.notifications = store.openMap("notifications");
    this.recordings = store.openMap("recordings");
    this.leftovers = read();
  }

  /** Opens (creating) {@code <dir>/callvert.mv} and reads what it holds. Blocking. */
  static MvDurableStore open(String dir) {
    File d = new File(dir);
    if (!d.isDirectory() && !d.mkdirs()) {
      throw new IllegalStateException("cannot create the directory");
    }
    MVStore store = new MVStore.Builder().fileName(new File(d, FILE_NAME).getPath()).open();
    try {
      return new MvDurableStore(store);
    } catch (RuntimeException e) {
      store.closeImmediately();
      throw e;
    }
  }

  private Leftovers read() {
    Map<String, OwnerRecord> owned = new LinkedHashMap<>();
    calls.forEach((id, json) -> owned.put(id, OwnerRecords.fromJson(id, new JsonObject(json))));
    List<StoredNotification> pending = new ArrayList<>();
    notifications.forEach((key, json) -> {
      JsonObject j = new JsonObject(json);
      pending.add(new StoredNotification(j.getLong("sequence"), new Outbound(j.getString("callId"),
          j.getString("callbackUri"), j.getString("audience"), j.getString("tenantId"), null, j.getJsonObject("body"))));
    });
    List<StoredRecording> recs = new ArrayList<>();
    recordings.forEach((id, json) -> {
      JsonObject j = new JsonObject(json);
      recs.add(new StoredRecording(id, j.getString("callId"), j.getString("tokenHash"), j.getString("file"),
          j.getLong("expiresAt", 0L)));
    });
    return new Leftovers(owned, pending, recs);
  }

  static String notificationKey(String callId, long sequence) {
    return callId + "/" + String.format("%019d", sequence);
  }

  // ------------------------------------------------------------------ writes

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public Future<Void> putCall(String callId, OwnerRecord owner) {
    Promise<Void> committed = Promise.promise();
    write(() -> calls.put(callId, OwnerRecords.toJson(owner).encode()), committed);
    return committed.future();
  }

  @Override
  public void removeCall(String callId) {
    write(() -> calls.remove(callId), null);
  }

  @Override
  public void putNotification(long sequence, Outbound o) {
    write(() -> notifications.put(notificationKey(o.callId(), sequence), new JsonObject().put("callId", o.callId())
        .put("sequence", sequence).put("callbackUri", o.callbackUri()).put("audience", o.audience())
        .put("tenantId", o.tenantId()).put("body", o.body()).encode()), null);
  }

  @Override
  public void removeNotification(String callId, long sequence) {
    write(() -> notifications.remove(notificationKey(callId, sequence)), null);
  }

  @Override
  public void putRecording(StoredRecording r) {
    write(() -> recordings.put(r.id(), new JsonObject().put("callId", r.callId()).put("tokenHash", r.tokenHash())
        .put("file", r.file()).put("expiresAt", r.expiresAt()).encode()), null);
  }

  @Override
  public void removeRecording(String recordingId) {
    write(() -> recordings.remove(recordingId), null);
  }

  @Override
  public Leftovers leftovers() {
    return leftovers;
  }

  /** One write in order, and {@code committed} (may be null) completed once a commit covers it. */
  private void write(Runnable change, Promise<Void> committed) {
    if (closed) {
      if (committed != null) {
        committed.tryFail("the durable store is closed");
      }
      return;
    }
    writes.add(committed == null ? change : () -> {
      change.run();
      pendingCommits.add(committed);
    });
    if (scheduled.compareAndSet(false, true)) {
      try {
        writer.execute(this::drain);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closed meanwhile: the close's own drain took what it could
      }
    }
  }

  /** Writer thread only: promises to complete after the next commit. */
  private final List<Promise<Void>> pendingCommits = new ArrayList<>();

  /** Writer thread: applies every queued write, commits once, then completes the promises the commit covers. */
  private void drain() {
    scheduled.set(false);
    try {
      for (Runnable w = writes.poll(); w != null; w = writes.poll()) {
        w.run();
      }
      if (store.hasUnsavedChanges()) {
        store.commit();
      }
      pendingCommits.forEach(p -> p.tryComplete());
    } catch (RuntimeException e) {
      log.error("durable store {}: write failed: {}", store.getFileStore() == null ? "?" : store.getFileStore().getFileName(),
          e.toString());
      pendingCommits.forEach(p -> p.tryFail(e));
    } finally {
      pendingCommits.clear();
    }
  }

  @Override
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    closed = true;
    writer.execute(() -> {
      try {
        drain();
        store.close();
        done.complete();
      } catch (RuntimeException e) {
        log.error("durable store: close failed: {}", e.toString());
        done.fail(e);
      }
    });
    writer.shutdown();
    return done.future();
  }
}
