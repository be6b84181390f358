package io.callvert.runtime.audio;

/**
 * Audio bytes that Callvert cannot accept. The message says exactly what is wrong, in a form fit
 * for a client-visible error, for example {@code "expected PCM 16-bit mono 16000 Hz WAV, got 8000
 * Hz stereo 16-bit"}, {@code "not a RIFF/WAVE file"} or {@code "WAV has no data chunk"}.
 *
 * <p>It carries no stack trace: it is an expected outcome of validating input, not a bug.
 */
public final class AudioFormatException extends Exception {

  public AudioFormatException(String message) {
    super(message, null, false, false);
  }
}
