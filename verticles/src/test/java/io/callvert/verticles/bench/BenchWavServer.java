package io.callvert.verticles.bench;

import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Wav;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Serves prompt WAVs on loopback from memory, nothing else (no hit counting, no failure paths).
 * Callvert caches decoded prompts, so each file is fetched about once per run.
 */
final class BenchWavServer implements AutoCloseable {

  private final HttpServer server;
  private final Map<String, Buffer> files = new ConcurrentHashMap<>();

  BenchWavServer(Vertx vertx) {
    try {
      server = vertx.createHttpServer().requestHandler(req -> {
        Buffer b = files.get(req.path());
        if (b == null) {
          req.response().setStatusCode(404).end();
        } else {
          req.response().putHeader("Content-Type", "audio/wav").end(b);
        }
      }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A Graph-playable WAV (PCM 16-bit mono 16 kHz) of exactly {@code ms} milliseconds of tone; returns its URL. */
  String tone(String name, int ms) {
    short[] s = new short[ms * (Clip.SAMPLE_RATE / 1000)];
    for (int i = 0; i < s.length; i++) {
      s[i] = (short) (6000 * Math.sin(2 * Math.PI * 440 * i / (double) Clip.SAMPLE_RATE));
    }
    String path = "/" + name;
    files.put(path, Buffer.buffer(Wav.encode(Clip.of(s))));
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  @Override
  public void close() {
    server.close();
  }
}
