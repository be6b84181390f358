package io.callvert.runtime.acs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.call.CallProtocol;
import io.callvert.runtime.call.Direction;
import io.callvert.runtime.call.MediaRef;
import io.callvert.runtime.net.HostPolicy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Contract rules 50, 53, 54: ACS bodies, as the SDK sends them, parsed into the call protocol; refusals name the field. */
class AcsRequestsTest {

  private final AcsRequests requests = new AcsRequests(HostPolicy.ALLOW_ALL);

  private static JsonObject phone(String n) {
    return new JsonObject().put("rawId", "4:" + n).put("phoneNumber", new JsonObject().put("value", n).put("isAnonymous", false));
  }

  private static JsonObject file(String uri) {
    return new JsonObject().put("kind", "file").put("file", new JsonObject().put("uri", uri));
  }

  private static ApiException refusal(Runnable r) {
    try {
      r.run();
    } catch (ApiException e) {
      return e;
    }
    throw new AssertionError("not refused");
  }

  @Test
  @DisplayName("createCall as the SDK sends it: an outgoing call keyed by the first target's number, its parties kept for the properties")
  void create_call() {
    JsonObject body = new JsonObject().put("targets", new JsonArray().add(phone("+15551230001").put("kind", "phoneNumber")))
        .put("sourceCallerIdNumber", new JsonObject().put("value", "+15551230000").put("isAnonymous", false))
        .put("sourceDisplayName", "Probe").put("source", new JsonObject().put("id", "8:acs:probe-bot"))
        .put("operationContext", "op-create").put("callbackUri", "http://127.0.0.1:9/cb");
    AcsRequests.Created c = requests.outgoingCall(body);
    assertThat(c.operationContext()).isEqualTo("op-create");
    assertThat(c.call().direction()).isEqualTo(Direction.OUTGOING);
    assertThat(c.call().calleeKey()).isEqualTo("+15551230001");
    assertThat(c.call().callbackUri()).isEqualTo("http://127.0.0.1:9/cb");
    assertThat(c.call().echo().dialect()).isEqualTo("acs");
    JsonObject parties = new JsonObject(c.call().echo().source());
    assertThat(parties.getJsonObject("source").getString("rawId")).isEqualTo("8:acs:probe-bot");
    assertThat(parties.getJsonObject("sourceCallerIdNumber").getString("value")).isEqualTo("+15551230000");
    assertThat(new JsonArray(c.call().echo().targets()).getJsonObject(0).getString("kind")).isEqualTo("phoneNumber");
  }

  @Test
  @DisplayName("identifiers: the kind is inferred from the one sub-object; a contradicting kind, two sub-objects, a bad number are refused")
  void identifiers() {
    assertThat(AcsIdentifiers.normalize(phone("+15550100"), "playTo[0]").getString("kind")).isEqualTo("phoneNumber");
    assertThat(AcsIdentifiers.normalize(new JsonObject().put("communicationUser", new JsonObject().put("id", "8:acs:u")), "t")
        .getString("rawId")).isEqualTo("8:acs:u");
    assertThat(refusal(() -> AcsIdentifiers.normalize(phone("+15550100").put("kind", "communicationUser"), "t")).getMessage())
        .contains("'t.kind'");
    assertThat(refusal(() -> AcsIdentifiers.normalize(phone("+15550100").put("communicationUser",
        new JsonObject().put("id", "x")), "t")).status()).isEqualTo(400);
    assertThat(refusal(() -> AcsIdentifiers.normalize(phone("5550100"), "targets[0]")).getMessage())
        .contains("'targets[0].phoneNumber.value'");
  }

  @Test
  @DisplayName("play: file sources in order, playTo checked, interruptCallMediaOperation is a barge-in, loop and text refused")
  void play() {
    CallProtocol.PlayPrompt p = (CallProtocol.PlayPrompt) requests.play(new JsonObject()
        .put("playSources", new JsonArray().add(file("http://m/a.wav")).add(file("http://m/b.wav").put("playSourceCacheId", "b")))
        .put("playTo", new JsonArray().add(phone("+15550100"))).put("playOptions", new JsonObject().put("loop", false))
        .put("interruptCallMediaOperation", true).put("operationContext", "ctx"));
    assertThat(p.prompts()).containsExactly(new MediaRef("http://m/a.wav", null), new MediaRef("http://m/b.wav", "b"));
    assertThat(p.bargeIn()).isTrue();
    assertThat(p.clientContext()).isEqualTo("ctx");
    assertThat(refusal(() -> requests.play(new JsonObject().put("playSources", new JsonArray().add(file("http://m/a.wav")))
        .put("playOptions", new JsonObject().put("loop", true)))).code()).isEqualTo("NotSupported");
    assertThat(refusal(() -> requests.play(new JsonObject().put("playSources", new JsonArray()
        .add(new JsonObject().put("kind", "ssml"))))).code()).isEqualTo("NotSupported");
    assertThat(refusal(() -> requests.play(new JsonObject())).getMessage()).contains("playSources");
  }

  @Test
  @DisplayName("recognize DTMF as the SDK sends it; defaults 5 s initial silence, 2 s inter-tone, 1 tone; ranges checked")
  void recognize() {
    JsonObject body = new JsonObject().put("recognizeInputType", "dtmf").put("playPrompt", file("http://m/menu.wav"))
        .put("recognizeOptions", new JsonObject().put("interruptPrompt", true).put("initialSilenceTimeoutInSeconds", 10)
            .put("targetParticipant", phone("+15551230001"))
            .put("dtmfOptions", new JsonObject().put("interToneTimeoutInSeconds", 3).put("maxTonesToCollect", 4)
                .put("stopTones", new JsonArray().add("pound").add("asterisk"))))
        .put("operationContext", "op-recog");
    CallProtocol.Recognize r = (CallProtocol.Recognize) requests.recognize(body);
    assertThat(r).isEqualTo(new CallProtocol.Recognize("op-recog", java.util.List.of(new MediaRef("http://m/menu.wav", null)),
        true, false, 10_000, 3_000, 4, "#*"));
    CallProtocol.Recognize d = (CallProtocol.Recognize) requests.recognize(new JsonObject().put("recognizeInputType", "dtmf")
        .put("recognizeOptions", new JsonObject()));
    assertThat(d.initialSilenceMs()).isEqualTo(5_000);
    assertThat(d.interToneMs()).isEqualTo(2_000);
    assertThat(d.maxTones()).isEqualTo(1);
    assertThat(d.interruptPrompt()).isTrue();
    assertThat(refusal(() -> requests.recognize(new JsonObject().put("recognizeInputType", "dtmf")
        .put("recognizeOptions", new JsonObject().put("dtmfOptions", new JsonObject().put("interToneTimeoutInSeconds", 61)))))
        .getMessage()).contains("interToneTimeoutInSeconds").contains("1 to 60");
    assertThat(refusal(() -> requests.recognize(new JsonObject().put("recognizeInputType", "choices")
        .put("recognizeOptions", new JsonObject()))).code()).isEqualTo("NotSupported");
  }

  @Test
  @DisplayName("tone words both ways; sendDtmfTones takes 1 to 18")
  void tones() {
    assertThat(AcsTones.word('0')).isEqualTo("zero");
    assertThat(AcsTones.word('#')).isEqualTo("pound");
    assertThat(AcsTones.word('*')).isEqualTo("asterisk");
    assertThat(AcsTones.word('C')).isEqualTo("c");
    for (char k : "0123456789*#ABCD".toCharArray()) {
      assertThat((char) AcsTones.key(AcsTones.word(k))).isEqualTo(k);
    }
    assertThat(AcsTones.key("tone1")).isEqualTo(-1);
    CallProtocol.SendDtmf s = (CallProtocol.SendDtmf) requests.sendDtmfTones(new JsonObject()
        .put("tones", new JsonArray().add("one").add("Pound")).put("targetParticipant", phone("+15550100")));
    assertThat(s.keys()).isEqualTo("1#");
    JsonArray many = new JsonArray();
    for (int i = 0; i < 19; i++) {
      many.add("one");
    }
    assertThat(refusal(() -> requests.sendDtmfTones(new JsonObject().put("tones", many))).getMessage()).contains("1 to 18");
  }

  @Test
  @DisplayName("operationCallbackUri rides with operationContext through the call's clientContext and back")
  void context_round_trip() {
    CallProtocol.PlayPrompt p = (CallProtocol.PlayPrompt) requests.play(new JsonObject()
        .put("playSources", new JsonArray().add(file("http://m/a.wav"))).put("operationContext", "c")
        .put("operationCallbackUri", "http://127.0.0.1:7/op"));
    assertThat(AcsContext.decode(p.clientContext())).isEqualTo(new AcsContext.Decoded("c", "http://127.0.0.1:7/op"));
    assertThat(AcsContext.decode(AcsContext.encode(null, "http://x/y"))).isEqualTo(new AcsContext.Decoded(null, "http://x/y"));
    assertThat(AcsContext.decode("plain")).isEqualTo(new AcsContext.Decoded("plain", null));
    assertThatThrownBy(() -> AcsContext.encode("a\u0000b", null)).isInstanceOf(ApiException.class);
  }

  @Test
  @DisplayName("answer, reject and redirect find the call through the incomingCallContext Callvert gave out")
  void incoming_call_verbs() {
    String ctx = AcsRequests.incomingCallContext("0b6c4c9e-1f7a-4bb8-9c43-1234567890ab");
    AcsRequests.ForCall a = requests.answer(new JsonObject().put("incomingCallContext", ctx)
        .put("callbackUri", "http://127.0.0.1:9/cb").put("operationContext", "op-answer"));
    assertThat(a.callId()).isEqualTo("0b6c4c9e-1f7a-4bb8-9c43-1234567890ab");
    assertThat(((CallProtocol.Answer) a.command()).callbackUri()).isEqualTo("http://127.0.0.1:9/cb");
    assertThat(((CallProtocol.Reject) requests.reject(new JsonObject().put("incomingCallContext", ctx)
        .put("callRejectReason", "busy")).command()).reason()).isEqualTo(CallProtocol.RejectReason.BUSY);
    assertThat(refusal(() -> requests.redirect(new JsonObject().put("incomingCallContext", ctx))).getMessage()).contains("target");
    assertThat(refusal(() -> requests.answer(new JsonObject().put("incomingCallContext", "forged")
        .put("callbackUri", "http://x/y"))).getMessage()).contains("incomingCallContext");
  }
}
