package io.callvert.verticles.media;

import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Wav;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.callvert.verticles.store.DurableStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recordings of recordResponse operations. {@link #put} registers a recording synchronously (so it
 * is downloadable before the notification naming it is sent) and writes the WAV file in the
 * background; downloads are served from memory until the file is on disk, then from the file.
 * Each recording is readable only with its own access token, compared in constant time.
 */
public final class RecordingStore {

  private static final Logger log = LoggerFactory.getLogger(RecordingStore.class);

  /** WAV files being written (a shutdown with a durable store waits for them). */
  private final java.util.Set<Future<Void>> writing = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private static final class Entry {
    final String callId;
    final byte[] tokenHash;
    /** The WAV bytes, rendered and encoded on a worker; dropped once the file is written. */
    volatile Future<Buffer> wav;
    volatile String file;

    Entry(String callId, byte[] tokenHash) {
      this.callId = callId;
      this.tokenHash = tokenHash;
    }
  }

  /** Outcome of a download attempt. */
  public record Download(int status, Buffer body, String file) {}

  private final Vertx vertx;
  private final String dir;
  private final Map<String, Entry> recordings = new ConcurrentHashMap<>();
  private final Map<String, List<String>> byCall = new ConcurrentHashMap<>();
  private final Future<Void> dirReady;
  /** Keeps announced recordings across a restart (contract rule 42); {@link DurableStore#NONE} by default. */
  private volatile DurableStore store = DurableStore.NONE;

  public RecordingStore(Vertx vertx, String dir) {
    this.vertx = vertx;
    this.dir = dir;
    this.dirReady = vertx.fileSystem().mkdirs(dir).recover(e -> {
      log.warn("cannot create recordings directory {}: {}; recordings stay in memory", dir, e.getMessage());
      return Future.failedFuture(e);
    });
  }

  /**
   * Registers a recording at once (downloads wait for it) and renders, encodes and writes it on a
   * worker thread: mixing two minutes of audio is milliseconds no event loop should spend.
   */
  public void put(String callId, String recordingId, String token, java.util.function.Supplier<Clip> audio) {
    Entry entry = new Entry(callId, hash(token));
    entry.wav = vertx.executeBlocking(() -> Buffer.buffer(Wav.encode(audio.get())), false);
    recordings.put(recordingId, entry);
    byCall.computeIfAbsent(callId, k -> new CopyOnWriteArrayList<>()).add(recordingId);
    String path = dir + "/" + recordingId + ".wav";
    Future<Void> written = dirReady
        .compose(v -> entry.wav)
        .compose(bytes -> vertx.fileSystem().writeFile(path, bytes));
    writing.add(written);
    written.onComplete(ar -> writing.remove(written));
    written.onSuccess(v -> {
          if (recordings.get(recordingId) == entry) {
            entry.file = path;
            entry.wav = null;
            store.putRecording(new DurableStore.StoredRecording(recordingId, callId, hex(entry.tokenHash), path, 0));
          } else {
            vertx.fileSystem().delete(path);
          }
        });
  }

  /**
   * A download of {@code recordingId} of call {@code callId} (the call its URL names) with the bearer
   * token the client presented (may be null). A recording of another call is not found (404), whatever
   * the token: a recording is reachable only under its own call's URL (contract rule 44).
   */
  public Future<Download> download(String callId, String recordingId, String presentedToken) {
    Entry entry = recordings.get(recordingId);
    if (entry == null || !entry.callId.equals(callId)) {
      return Future.succeededFuture(new Download(404, null, null));
    }
    if (presentedToken == null || !MessageDigest.isEqual(entry.tokenHash, hash(presentedToken))) {
      return Future.succeededFuture(new Download(401, null, null));
    }
    Future<Buffer> wav = entry.wav;
    String file = entry.file;
    if (file != null || wav == null) {
      return Future.succeededFuture(new Download(200, null, entry.file));
    }
    return wav.map(bytes -> new Download(200, bytes, null));
  }

  /** Retention over: forget the call's recordings and delete their files. */
  public void deleteCall(String callId) {
    List<String> ids = byCall.remove(callId);
    if (ids == null) {
      return;
    }
    for (String id : ids) {
      Entry e = recordings.remove(id);
      if (e != null && e.file != null) {
        vertx.fileSystem().delete(e.file);
      }
      store.removeRecording(id);
    }
  }

  /**
   * Keeps recordings in {@code store} from now on: each written file is recorded there, and {@link #clear()} leaves
   * the files for the next run (contract rule 42 — A restarted node ends its calls). Call before any recording.
   */
  public void durable(DurableStore store) {
    this.store = store;
  }

  /**
   * Recordings a previous run announced, downloadable with their own token again until their expiry: the one kept,
   * or {@code retentionMs} from now for a recording whose call had not ended its retention (real time). A recording
   * whose file is gone is forgotten.
   */
  public void restore(List<DurableStore.StoredRecording> stored, long retentionMs) {
    long now = System.currentTimeMillis();
    for (DurableStore.StoredRecording r : stored) {
      long expiresAt = r.expiresAt() > 0 ? r.expiresAt() : now + retentionMs;
      if (expiresAt <= now || r.file() == null || !new java.io.File(r.file()).isFile()) {
        store.removeRecording(r.id());
        if (r.file() != null) {
          vertx.fileSystem().delete(r.file()).otherwiseEmpty();
        }
        continue;
      }
      Entry entry = new Entry(r.callId(), unhex(r.tokenHash()));
      entry.file = r.file();
      recordings.put(r.id(), entry);
      byCall.computeIfAbsent(r.callId(), k -> new CopyOnWriteArrayList<>()).add(r.id());
      if (r.expiresAt() == 0) {
        store.putRecording(new DurableStore.StoredRecording(r.id(), r.callId(), r.tokenHash(), r.file(), expiresAt));
      }
      vertx.setTimer(Math.max(1, expiresAt - now), t -> deleteCall(r.callId()));
    }
  }

  /**
   * Completes when every recording registered so far has been written (failed writes included): a shutdown with a
   * durable store waits for it before closing the store, so a recording announced before the shutdown is served by
   * the next run (contract rule 42 — A restarted node ends its calls).
   */
  public Future<Void> written() {
    return Future.join(List.copyOf(writing)).<Void>mapEmpty().otherwiseEmpty();
  }

  /**
   * Deletes every recording (instance shutdown); with a durable store, forgets them here but keeps their files for
   * the next run, which serves them for their retention.
   */
  public Future<Void> clear() {
    if (store.enabled()) {
      recordings.clear();
      byCall.clear();
      return Future.succeededFuture();
    }
    for (String callId : List.copyOf(byCall.keySet())) {
      deleteCall(callId);
    }
    return Future.succeededFuture();
  }

  private static String hex(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(bytes);
  }

  private static byte[] unhex(String hex) {
    return java.util.HexFormat.of().parseHex(hex);
  }

  private static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
