package io.callvert.runtime.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.callvert.config.CallsOptions;
import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Tones;
import io.callvert.runtime.audio.Wav;
import io.callvert.runtime.graph.GraphRequests;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Contract rule 38 (Bounded caller input): a call holds at most {@code calls.maxPendingKeys} key
 * presses waiting and {@code calls.maxCallerSpeechMs} of caller audio; beyond, 429
 * activityLimitReached and nothing changes. A WAV's converted size is known from its header, so a
 * refused one is never converted.
 */
class CallerInputBoundsTest {

  private static final CallsOptions TIGHT = CallsOptions.defaults()
      .withMaxPendingKeys(CallsOptions.MAX_KEYS_PER_REQUEST)
      .withMaxCallerSpeechMs(CallsOptions.MAX_SPEECH_REQUEST_MS);

  private final CallDriver d = CallDriver.established(TIGHT);

  /** An 8-bit mono WAV of {@code frames} frames at {@code rate} Hz (all mid-scale: silence). */
  static byte[] wav8(int rate, int frames) {
    ByteBuffer b = ByteBuffer.allocate(44 + frames).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + frames).put("WAVE".getBytes(StandardCharsets.US_ASCII));
    b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate)
        .putInt(rate).putShort((short) 1).putShort((short) 8);
    b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(frames);
    for (int i = 0; i < frames; i++) {
      b.put((byte) 0x80);
    }
    return b.array();
  }

  private ApiException refusedWav(byte[] wav) {
    int before = d.fx.log().size();
    ApiException e = catchThrowableOfType(ApiException.class, () -> d.handle(GraphRequests.speakWav(wav)));
    assertThat(e).isNotNull();
    assertThat(d.fx.log()).hasSize(before);
    return e;
  }

  private static void assertLimit(ApiException e, String key) {
    assertThat(e.status()).isEqualTo(429);
    assertThat(e.code()).isEqualTo("activityLimitReached");
    assertThat(e.retryAfterSeconds()).isEqualTo(1L);
    assertThat(e.getMessage()).contains(key);
  }

  @Test
  @DisplayName("key presses waiting are bounded by calls.maxPendingKeys: the one that would exceed it is 429 and "
      + "changes nothing; once a key is pressed there is room again")
  void pending_keys_are_bounded() {
    String keys = "1".repeat(CallsOptions.MAX_KEYS_PER_REQUEST);
    assertThat(d.request("caller.tones", Bodies.callerTones(keys)).status()).isEqualTo(202); // 1 at once, 63 waiting
    assertThat(d.request("caller.tones", Bodies.callerTones("2")).status()).isEqualTo(202); // 64 waiting

    assertLimit(d.rejected("caller.tones", Bodies.callerTones("3")), "calls.maxPendingKeys");

    d.advance(CallSession.CALLER_TONE_SPACING_MS); // one key pressed: 63 waiting
    assertThat(d.request("caller.tones", Bodies.callerTones("4")).status()).isEqualTo(202);
    assertLimit(d.rejected("caller.tones", Bodies.callerTones("5")), "calls.maxPendingKeys");
  }

  @Test
  @DisplayName("with the keypad free a full request fits: its first key is pressed at once and is not waiting")
  void first_key_of_a_free_keypad_is_not_waiting() {
    String keys = "1".repeat(CallsOptions.MAX_KEYS_PER_REQUEST);
    d.request("caller.tones", Bodies.callerTones(keys));
    d.advance(CallSession.CALLER_TONE_SPACING_MS * CallsOptions.MAX_KEYS_PER_REQUEST);
    assertThat(d.request("caller.tones", Bodies.callerTones(keys)).status()).isEqualTo(202);
    assertThat(d.request("caller.tones", Bodies.callerTones("9")).status()).isEqualTo(202);
    assertLimit(d.rejected("caller.tones", Bodies.callerTones("9")), "calls.maxPendingKeys");
  }

  @Test
  @DisplayName("caller audio held is bounded by calls.maxCallerSpeechMs: speech beyond it is 429 and changes nothing; "
      + "once the held audio has played out and no record can use it, there is room again")
  void speech_held_is_bounded() {
    assertThat(d.request("caller.speech", Bodies.speech(CallsOptions.MAX_SPEECH_REQUEST_MS - 1_000)).status()).isEqualTo(202);
    assertThat(d.request("caller.speech", Bodies.speech(1_000)).status()).isEqualTo(202);

    assertLimit(d.rejected("caller.speech", Bodies.speech(1)), "calls.maxCallerSpeechMs");
    assertLimit(refusedWav(Wav.encode(Tones.speech(20, 1))), "calls.maxCallerSpeechMs");

    d.advance(CallsOptions.MAX_SPEECH_REQUEST_MS + 1); // it all ended, no record running: forgotten
    assertThat(d.request("caller.speech", Bodies.speech(CallsOptions.MAX_SPEECH_REQUEST_MS)).status()).isEqualTo(202);
  }

  @Test
  @DisplayName("a WAV is measured from its header: 1 MiB of 8-bit 1 kHz (17.5 min, 33.5 MB at 16 kHz) is 400 before "
      + "conversion; an accepted 8-bit WAV is converted by the call and counted at 16 kHz")
  void wav_speech_is_measured_before_conversion() {
    ApiException tooLong = refusedWav(wav8(1_000, 1 << 20));
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.code()).isEqualTo("invalidRequest");
    assertThat(tooLong.getMessage()).isEqualTo("The speech WAV lasts 1048576 ms at 16 kHz; at most 120000 ms per request.");

    // 100 s of 8-bit 1 kHz: 100,000 bytes on the wire, 3.2 MB once converted; held as such
    assertThat(d.speechWav(io.vertx.core.buffer.Buffer.buffer(wav8(1_000, 100_000))).status()).isEqualTo(202);
    assertThat(d.session.callerAudio.heldSamples()).isEqualTo(100_000L * Clip.SAMPLE_RATE / 1_000);
    // 30 s more would hold 130 s: refused before it is converted
    assertLimit(refusedWav(wav8(1_000, 30_000)), "calls.maxCallerSpeechMs");
    assertThat(d.speechWav(io.vertx.core.buffer.Buffer.buffer(wav8(1_000, 20_000))).status()).isEqualTo(202);
  }
}
