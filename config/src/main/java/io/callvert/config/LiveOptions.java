package io.callvert.config;

import java.util.List;

/**
 * Live caller media: the per-call WebSocket carrying what the caller hears and says (JSON object
 * {@code media.live}; docs/live-media.md, contract rules 60–64).
 *
 * @param maxSockets open media sockets per node, default 2000; more are refused {@code 429} at the upgrade
 * @param ticketLifetimeMs how long a media ticket may wait for its upgrade, default 30 s
 * @param maxFrameBytes largest WebSocket frame and message accepted, default 4096; closed {@code 1009} beyond
 * @param maxBacklogMs how far the caller's inbound audio may run ahead of real time, default 2 s; closed
 *     {@code 4429} beyond
 * @param maxTextFramesPerSecond inbound text frames per second, default 20; closed {@code 4429} beyond
 * @param playoutDelayMs how far the outbound stream runs behind the call, so a cut lands in the right frame, default 40 ms
 * @param allowedOrigins browser origins accepted besides the server's own; {@code *} for any
 */
public record LiveOptions(int maxSockets, long ticketLifetimeMs, int maxFrameBytes, long maxBacklogMs,
    int maxTextFramesPerSecond, long playoutDelayMs, List<String> allowedOrigins) {

  public static final int DEFAULT_MAX_SOCKETS = 2000;
  public static final long DEFAULT_TICKET_LIFETIME_MS = 30_000L;
  public static final int DEFAULT_MAX_FRAME_BYTES = 4096;
  public static final long DEFAULT_MAX_BACKLOG_MS = 2_000L;
  public static final int DEFAULT_MAX_TEXT_FRAMES_PER_SECOND = 20;
  public static final long DEFAULT_PLAYOUT_DELAY_MS = 40L;
  /** One audio frame: binary frames are exactly this long, so a frame limit must hold at least one. */
  public static final int AUDIO_FRAME_BYTES = 640;

  /** Validates; {@code null} origins = none. */
  public LiveOptions {
    Check.nonNegative("media.live.maxSockets", maxSockets);
    Check.positive("media.live.ticketLifetimeMs", ticketLifetimeMs);
    Check.range("media.live.maxFrameBytes", maxFrameBytes, AUDIO_FRAME_BYTES, 1 << 20);
    Check.range("media.live.maxBacklogMs", maxBacklogMs, 100, 60_000);
    Check.range("media.live.maxTextFramesPerSecond", maxTextFramesPerSecond, 1, 10_000);
    Check.range("media.live.playoutDelayMs", playoutDelayMs, 0, 10_000);
    allowedOrigins = allowedOrigins == null ? List.of() : Check.strings("media.live.allowedOrigins", allowedOrigins);
  }

  public static LiveOptions defaults() {
    return new LiveOptions(DEFAULT_MAX_SOCKETS, DEFAULT_TICKET_LIFETIME_MS, DEFAULT_MAX_FRAME_BYTES,
        DEFAULT_MAX_BACKLOG_MS, DEFAULT_MAX_TEXT_FRAMES_PER_SECOND, DEFAULT_PLAYOUT_DELAY_MS, List.of());
  }

  public LiveOptions withMaxSockets(int maxSockets) {
    return new LiveOptions(maxSockets, ticketLifetimeMs, maxFrameBytes, maxBacklogMs, maxTextFramesPerSecond,
        playoutDelayMs, allowedOrigins);
  }

  public LiveOptions withTicketLifetimeMs(long ticketLifetimeMs) {
    return new LiveOptions(maxSockets, ticketLifetimeMs, maxFrameBytes, maxBacklogMs, maxTextFramesPerSecond,
        playoutDelayMs, allowedOrigins);
  }

  public LiveOptions withMaxBacklogMs(long maxBacklogMs) {
    return new LiveOptions(maxSockets, ticketLifetimeMs, maxFrameBytes, maxBacklogMs, maxTextFramesPerSecond,
        playoutDelayMs, allowedOrigins);
  }

  public LiveOptions withAllowedOrigins(List<String> allowedOrigins) {
    return new LiveOptions(maxSockets, ticketLifetimeMs, maxFrameBytes, maxBacklogMs, maxTextFramesPerSecond,
        playoutDelayMs, allowedOrigins);
  }
}
