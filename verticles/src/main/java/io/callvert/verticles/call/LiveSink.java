package io.callvert.verticles.call;

import io.callvert.runtime.call.CallEvent;
import io.callvert.runtime.call.CallState;
import io.callvert.runtime.call.CallerFeed;
import java.util.List;

/**
 * Where a call verticle streams what its caller hears and sees while a live caller is connected
 * (the media WebSocket, contract rules 60–64). Every method is called on the call verticle's
 * context, so implementations hand the data to their own thread (and must not block).
 */
public interface LiveSink {

  /** Attached: the call's state now and what is playing to the caller right now. */
  void attached(CallState state, List<CallerFeed.Playing> playing);

  /** What the caller hears, and operation status changes. */
  void feed(CallerFeed event);

  /** An event the call told its bot (state changes, tones, the end). */
  void event(CallEvent event);

  /** Another live caller took this call over (contract rule 61). */
  void replaced();
}
