package io.callvert.runtime.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.runtime.audio.Tones;
import io.callvert.runtime.protocol.Codecs;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProtocolTest {

  @Test
  @DisplayName("every command a call accepts has a handler in its receive table")
  void receive_table_is_complete() {
    assertThat(CallSession.RECEIVE.missing()).isEmpty();
    assertThat(CallProtocol.Command.class.getPermittedSubclasses()).hasSizeGreaterThan(15);
  }

  @Test
  @DisplayName("commands and replies survive the cluster wire unchanged, audio included")
  void wire_round_trip() {
    List<Object> samples = List.of(
        new CallProtocol.PlayPrompt("cc", List.of(new MediaRef("http://127.0.0.1/a.wav", "r1"))),
        new CallProtocol.RecordResponse(null, List.of(), true, false, 1000, 2000, 3000, "#*", "http://x/rec"),
        new CallProtocol.Speak(Tones.speech(40, 7), 40, null),
        new CallProtocol.Speak(null, 40, io.callvert.runtime.audio.Wav.encode(Tones.speech(40, 7))),
        CallProtocol.GET_CALL,
        new CallProtocol.Reject(CallProtocol.RejectReason.BUSY, null),
        new CallProtocol.OperationView(new OperationSnapshot(OperationKind.RECORD, "0b2c0b8e-0000-4000-8000-000000000001",
            "cc", OperationStatus.COMPLETED, Outcome.STOP_TONE, null, "http://x/rec/1", "tok"), true, true),
        new CallProtocol.CallView(new CallSnapshot("id", CallState.ESTABLISHED, Direction.OUTGOING, "http://cb", null, "s",
            new Echo("graph", null, "[]"), List.of(Modality.AUDIO), new MediaSetup(null), null,
            new CallSnapshot.Tone(3, '#'))),
        CallRejected.callNotFound().toReply());
    for (Object sample : samples) {
      Object back = Codecs.fromBytes(Codecs.toBytes(sample), sample.getClass());
      assertThat(back).as(sample.getClass().getSimpleName()).isEqualTo(sample);
    }
  }
}
