package io.callvert.runtime.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Tones;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What a live caller is told (contract rule 62) and where its voice lands on the call's timeline. */
class CallerFeedTest {

  private static List<CallerFeed> fed(CallDriver d) {
    return d.fx.fed.stream().map(FakeEffects.Fed::event).toList();
  }

  @Test
  @DisplayName("a prompt is fed as it starts (its clips, at the clock), cut where the cancel lands, and its operation's status changes follow")
  void prompt_start_cut_and_status() {
    CallDriver d = CallDriver.established();
    String opId = d.opId(d.request("playPrompt", Bodies.playPrompt()));
    Clip tone = Tones.beep(2000);
    d.advance(10);
    d.mediaReady(opId, tone);
    long started = d.now();
    assertThat(d.session.playingNow()).singleElement().satisfies(p -> {
      assertThat(p.operationId()).isEqualTo(opId);
      assertThat(p.at()).isEqualTo(started);
      assertThat(p.clips()).containsExactly(tone);
    });
    d.advance(300);
    d.request("cancelMediaProcessing", Bodies.cancel());
    List<CallerFeed> fed = fed(d);
    CallerFeed.Playing playing = fed.stream().filter(CallerFeed.Playing.class::isInstance)
        .map(CallerFeed.Playing.class::cast).findFirst().orElseThrow();
    assertThat(playing.kind()).isEqualTo(OperationKind.PLAY_PROMPT);
    assertThat(playing.end()).isEqualTo(started + 2000);
    assertThat(fed).contains(new CallerFeed.Cut(playing.item(), started + 300));
    assertThat(fed).filteredOn(CallerFeed.OperationChanged.class::isInstance).extracting(e -> (CallerFeed.OperationChanged) e)
        .filteredOn(o -> o.operationId().equals(opId))
        .extracting(CallerFeed.OperationChanged::status, CallerFeed.OperationChanged::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(OperationStatus.RUNNING, null),
            org.assertj.core.groups.Tuple.tuple(OperationStatus.FAILED, Outcome.CANCELLED));
    assertThat(d.session.playingNow()).isEmpty();
  }

  @Test
  @DisplayName("live audio arriving in bursts is placed back to back, ending when it arrived or after the previous chunk, and is recorded as sent")
  void live_audio_is_contiguous_and_recorded() {
    CallDriver d = CallDriver.established();
    String opId = d.opId(d.request("recordResponse", Bodies.record(5, 1, 20)));
    d.advance(200);
    Clip speech = Tones.speech(300, 7);
    // three 100 ms chunks arriving at once (network jitter): they must not overlap
    for (int i = 0; i < 3; i++) {
      d.session.handle(new CallProtocol.LiveAudio(speech.subClip(i * 1600, (i + 1) * 1600)));
    }
    d.advance(1500); // one second of silence ends the record
    assertThat(d.terminal(opId).data().getString("completionReason")).isEqualTo("maxSilenceTimeout");
    Clip recording = d.recordingAt(d.terminal(opId).data().getString("recordingLocation")).audio();
    // the first chunk ended when it arrived (t = 200 ms into the window), the rest follow it
    int at = 100 * Clip.SAMPLES_PER_MS;
    for (int i = 0; i < speech.length(); i++) {
      assertThat(recording.sample(at + i)).as("sample %d", i).isEqualTo(speech.sample(i));
    }
  }
}
