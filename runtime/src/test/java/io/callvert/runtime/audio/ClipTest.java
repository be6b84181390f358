package io.callvert.runtime.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClipTest {

  @Test
  @DisplayName("of() wraps the array without copying; durations round down to whole ms")
  void of_shares_the_array_and_reports_lengths() {
    short[] samples = new short[1_000];
    samples[5] = 1234;
    Clip clip = Clip.of(samples);

    assertThat(clip.length()).isEqualTo(1_000);
    assertThat(clip.durationMs()).isEqualTo(62); // 1000 / 16 = 62.5
    assertThat(clip.sample(5)).isEqualTo((short) 1234);
    assertThat(clip.array()).isSameAs(samples);
    assertThat(Clip.copyOf(samples).array()).isNotSameAs(samples);
    assertThatThrownBy(() -> clip.sample(1_000)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  @DisplayName("silence() is all zeros and allocates no sample storage")
  void silence_is_zero_and_unallocated() {
    Clip silence = Clip.silence(60_000);

    assertThat(silence.length()).isEqualTo(960_000);
    assertThat(silence.durationMs()).isEqualTo(60_000);
    assertThat(silence.sample(123_456)).isZero();
    assertThat(silence.array()).isNull();
    assertThat(Clip.silence(0)).isSameAs(Clip.EMPTY);
    assertThat(silence).isEqualTo(Clip.of(new short[960_000]));
    assertThatThrownBy(() -> Clip.silence(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("samplesFor() converts ms to samples, clamped to the clip")
  void samples_for_clamps() {
    Clip clip = Clip.silence(100);

    assertThat(clip.samplesFor(0)).isZero();
    assertThat(clip.samplesFor(-5)).isZero();
    assertThat(clip.samplesFor(10)).isEqualTo(160);
    assertThat(clip.samplesFor(100)).isEqualTo(1_600);
    assertThat(clip.samplesFor(101)).isEqualTo(1_600);
    assertThat(clip.samplesFor(Long.MAX_VALUE)).isEqualTo(1_600);
  }

  @Test
  @DisplayName("writePcm() writes little-endian bytes to arrays, buffers and streams alike")
  void write_pcm_is_little_endian_everywhere() throws Exception {
    Clip clip = Clip.of(new short[] {0x0102, -2, 0x7FFF, 0});
    byte[] expected = {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, 0x7F};

    byte[] array = new byte[6];
    assertThat(clip.writePcm(1, 3, array, 1)).isEqualTo(4);
    assertThat(array).containsExactly(0, 0xFE, 0xFF, 0xFF, 0x7F, 0);

    ByteBuffer buffer = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN);
    clip.writePcm(1, 3, buffer);
    assertThat(buffer.position()).isEqualTo(4);
    assertThat(buffer.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
    assertThat(buffer.array()).containsExactly(expected);

    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    clip.writePcm(1, 3, stream);
    assertThat(stream.toByteArray()).containsExactly(expected);
  }

  @Test
  @DisplayName("subClip() is a view onto the same samples")
  void sub_clip_is_a_view() {
    short[] samples = {1, 2, 3, 4, 5};
    Clip sub = Clip.of(samples).subClip(1, 4).subClip(1, 3);

    assertThat(sub.length()).isEqualTo(2);
    assertThat(sub.sample(0)).isEqualTo((short) 3);
    assertThat(sub.array()).isSameAs(samples);
    byte[] out = new byte[4];
    sub.writePcm(0, 2, out, 0);
    assertThat(out).containsExactly(3, 0, 4, 0);
  }
}
