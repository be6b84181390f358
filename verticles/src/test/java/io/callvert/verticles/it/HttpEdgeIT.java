package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.LogWatch;
import io.callvert.verticles.testkit.RawHttp;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.callvert.verticles.testkit.Wire;
import io.vertx.core.json.JsonObject;
import java.time.LocalDateTime;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What arrives before Callvert's routes can judge it (contract rules 45 and 45): requests vertx-web or the
 * HTTP codec refuse are 4xx in Graph's error envelope, never a 5xx, and log nothing at WARN or ERROR; no
 * absolute URL follows the request's {@code Host}.
 */
@CallvertTest
class HttpEdgeIT {

  private static final String TOKEN = "Authorization: Bearer " + TestRuntime.TOKEN + "\r\n";

  private final TestRuntime rt;
  private final WebhookReceiver bot;

  HttpEdgeIT(TestRuntime rt, WebhookReceiver bot) {
    this.rt = rt;
    this.bot = bot;
  }

  private RawHttp.Response raw(String request) {
    return RawHttp.exchange(rt.callvert.actualPort(), request);
  }

  /** Graph's envelope, as {@link Wire#assertError} checks it, on a response read off the socket. */
  static JsonObject assertEnvelope(RawHttp.Response r, int status, String clientRequestId) {
    assertThat(r.status()).as("status of %s", r.head() + r.body()).isEqualTo(status);
    assertThat(r.header("content-type")).startsWith("application/json");
    JsonObject body = r.json();
    assertThat(body.fieldNames()).containsExactly("error");
    JsonObject error = body.getJsonObject("error");
    assertThat(error.fieldNames()).containsExactlyInAnyOrder("code", "message", "innerError");
    assertThat(error.getString("code")).isNotBlank();
    assertThat(error.getString("message")).isNotBlank();
    JsonObject inner = error.getJsonObject("innerError");
    assertThat(LocalDateTime.parse(inner.getString("date"))).isNotNull();
    assertThat(inner.getString("request-id")).matches(Wire.GUID).isEqualTo(r.header("request-id"));
    assertThat(inner.getString("client-request-id")).isEqualTo(clientRequestId);
    return error;
  }

  @Test
  @DisplayName("an HTTP/1.1 request without Host is 400 invalidRequest in the envelope on every kind of route, not 500")
  void missing_host_is_400() {
    try (LogWatch log = new LogWatch()) {
      for (String path : new String[] {"/health", "/v1.0/communications/calls/x", "/callvert/clock", "/nowhere",
          "/.well-known/openid-configuration"}) {
        RawHttp.Response r = raw("GET " + path + " HTTP/1.1\r\n" + TOKEN + "client-request-id: c-1\r\n\r\n");
        JsonObject error = assertEnvelope(r, 400, "c-1");
        assertThat(error.getString("code")).isEqualTo("invalidRequest");
        assertThat(error.getString("message")).contains("Host");
        assertThat(r.header("client-request-id")).isEqualTo("c-1");
      }
      assertThat(log.events()).isEmpty();
    }
    // HTTP/1.0 needs no Host
    assertThat(raw("GET /health HTTP/1.0\r\n\r\n").status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a bad percent-escape in the path is 400 invalidRequest in the envelope, without vertx-web's ERROR stack trace")
  void bad_escape_is_400() {
    try (LogWatch log = new LogWatch()) {
      for (String path : new String[] {"/v1.0/communications/calls/%zz", "/%", "/callvert/calls/%G1/heard", "/health%"}) {
        RawHttp.Response r = raw("GET " + path + " HTTP/1.1\r\nHost: a\r\n" + TOKEN + "\r\n");
        assertThat(assertEnvelope(r, 400, null).getString("code")).isEqualTo("invalidRequest");
      }
      assertThat(log.events()).isEmpty();
    }
  }

  @Test
  @DisplayName("what the HTTP codec refuses is answered in the envelope: 414 for a long request line, 431 for huge headers, 400 for a bad Content-Length or garbage")
  void codec_refusals_in_envelope() {
    try (LogWatch log = new LogWatch()) {
      assertEnvelope(raw("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: a\r\n\r\n"), 414, null);
      assertEnvelope(raw("GET /health HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(10_000) + "\r\n\r\n"), 431, null);
      assertEnvelope(raw("POST /v1.0/communications/calls HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n"), 400, null);
      assertEnvelope(raw("POST /v1.0/communications/calls HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), 400, null);
      assertEnvelope(raw("\u0001\u0002 garbage\r\n\r\n"), 400, null);
      // an unknown protocol version: Vert.x alone would answer a bare 501
      assertEnvelope(raw("GET /health HTTP/9.9\r\nHost: a\r\n\r\n"), 400, null);
      assertEnvelope(raw("GET /health FOO/1.1\r\nHost: a\r\n\r\n"), 400, null);
      // no WebSocket is served: a handshake is refused by the HTTP layer, bare (the one 4xx without the envelope)
      assertThat(raw("GET /v1.0/communications/calls HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").status()).isEqualTo(404);
      assertThat(log.events()).isEmpty();
    }
  }

  @Test
  @DisplayName("100 bad requests of every kind above add no WARN or ERROR line to the log")
  void bad_requests_do_not_flood_the_log() {
    try (LogWatch log = new LogWatch()) {
      for (int i = 0; i < 20; i++) {
        raw("GET /v1.0/communications/calls/%zz HTTP/1.1\r\nHost: a\r\n\r\n");
        raw("GET /health HTTP/1.1\r\n\r\n");
        raw("GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: a\r\n\r\n");
        raw("POST /callvert/calls HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n");
        raw("POST /v1.0/communications/calls HTTP/1.1\r\nHost: a\r\n" + TOKEN
            + "Content-Type: application/json\r\nContent-Length: 5\r\n\r\n{\"a\":");
      }
      assertThat(log.lines()).as("%s", log.events()).isZero();
    }
  }

  @Test
  @DisplayName("no URL follows the Host header: jwks_uri and Location use the address the connection reached (contract rule 46)")
  void host_header_is_not_trusted() {
    RawHttp.Response oidc = raw("GET /.well-known/openid-configuration HTTP/1.1\r\nHost: attacker.invalid\r\n\r\n");
    assertThat(oidc.status()).isEqualTo(200);
    assertThat(oidc.json().getString("jwks_uri")).isEqualTo(rt.baseUrl + "/.well-known/jwks.json");

    String body = TestRuntime.outgoingCallBody(bot.url(), "+15550001").encode();
    RawHttp.Response created = raw("POST /v1.0/communications/calls HTTP/1.1\r\nHost: attacker.invalid:666\r\n" + TOKEN
        + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().getString("id");
    assertThat(created.header("location")).isEqualTo(rt.baseUrl + "/v1.0/communications/calls/" + id);
    assertThat(rt.delete("/v1.0/communications/calls/" + id).status()).isEqualTo(204);
  }
}
