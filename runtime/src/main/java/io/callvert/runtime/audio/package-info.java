/**
 * Pure audio utilities in Callvert's canonical format: PCM 16-bit signed little-endian, mono,
 * 16,000 Hz (the format Graph requires for prompts). All times are milliseconds; 1 ms = 16
 * samples.
 *
 * <p>{@link io.callvert.runtime.audio.Clip} is the immutable sample container, shared freely and
 * never copied needlessly; {@link io.callvert.runtime.audio.Wav} parses and renders WAV bytes
 * (rendering straight from slices of clips); {@link io.callvert.runtime.audio.Tones} synthesises
 * DTMF, the record beep and deterministic "speech"; {@link
 * io.callvert.runtime.audio.EnergyDetector} is the silence detector of recordResponse and {@link
 * io.callvert.runtime.audio.DtmfDetector} proves DTMF is really in the audio.
 *
 * <p>Everything here is plain Java, thread-safe (no mutable shared state) and does no I/O except
 * into caller-supplied streams.
 */
package io.callvert.runtime.audio;
