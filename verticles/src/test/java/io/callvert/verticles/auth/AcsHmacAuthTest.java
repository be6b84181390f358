package io.callvert.verticles.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.callvert.runtime.api.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Contract rule 49 — ACS authentication: the SDK's HMAC-SHA256 recipe, computed here independently. */
class AcsHmacAuthTest {

  private static final String KEY = Base64.getEncoder().encodeToString("test-access-key-0123456789".getBytes(StandardCharsets.US_ASCII));
  private static final String DATE = "Fri, 04 Dec 2026 19:21:25 GMT";
  private static final long NOW = 1_796_412_085_000L; // that date
  private static final String TARGET = "/calling/callConnections/a%20b%2Bc:play?api-version=2026-03-12";

  private final AcsHmacAuth auth = new AcsHmacAuth(KEY, 600, () -> NOW);

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  /** What the SDK's communicationAccessKeyCredentialPolicy sends, recomputed with the JDK. */
  private static Map<String, String> signed(String method, String target, String body, String date, String key) throws Exception {
    String hash = b64(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(key), "HmacSHA256"));
    String sig = b64(mac.doFinal((method + "\n" + target + "\n" + date + ";127.0.0.1:33031;" + hash).getBytes(StandardCharsets.UTF_8)));
    Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.put("x-ms-date", date);
    h.put("Host", "127.0.0.1:33031");
    h.put("x-ms-content-sha256", hash);
    h.put("Authorization", "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=" + sig);
    return h;
  }

  private String refusal(String method, String target, Map<String, String> headers, String body) {
    try {
      auth.verify(method, target, headers::get, body.getBytes(StandardCharsets.UTF_8));
    } catch (ApiException e) {
      assertThat(e.status()).isEqualTo(401);
      return e.getMessage();
    }
    throw new AssertionError("accepted");
  }

  @Test
  @DisplayName("a request signed as the SDK signs it passes, percent-encoded target and UTF-8 body included")
  void sdk_signature_passes() throws Exception {
    String body = "{\"operationContext\":\"é ☎\"}";
    Map<String, String> h = signed("POST", TARGET, body, DATE, KEY);
    assertThatCode(() -> auth.verify("POST", TARGET, h::get, body.getBytes(StandardCharsets.UTF_8))).doesNotThrowAnyException();
    Map<String, String> empty = signed("DELETE", "/calling/callConnections/x?api-version=2026-03-12", "", DATE, KEY);
    assertThat(empty.get("x-ms-content-sha256")).isEqualTo("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    assertThatCode(() -> auth.verify("DELETE", "/calling/callConnections/x?api-version=2026-03-12", empty::get, new byte[0]))
        .doesNotThrowAnyException();
  }

  @Test
  @DisplayName("refused: another key, another method or target, a changed body, a missing header, a date beyond the skew")
  void refusals() throws Exception {
    String body = "{}";
    String other = Base64.getEncoder().encodeToString("another-key".getBytes(StandardCharsets.US_ASCII));
    assertThat(refusal("POST", TARGET, signed("POST", TARGET, body, DATE, other), body)).contains("signature");
    assertThat(refusal("GET", TARGET, signed("POST", TARGET, body, DATE, KEY), body)).contains("signature");
    assertThat(refusal("POST", TARGET + "x", signed("POST", TARGET, body, DATE, KEY), body)).contains("signature");
    assertThat(refusal("POST", TARGET, signed("POST", TARGET, body, DATE, KEY), "{ }")).contains("x-ms-content-sha256");
    Map<String, String> noDate = signed("POST", TARGET, body, DATE, KEY);
    noDate.remove("x-ms-date");
    assertThat(refusal("POST", TARGET, noDate, body)).contains("x-ms-date");
    Map<String, String> bearer = signed("POST", TARGET, body, DATE, KEY);
    bearer.put("Authorization", "Bearer callvert-dev-token");
    assertThat(refusal("POST", TARGET, bearer, body)).contains("HMAC-SHA256");
    String late = "Fri, 04 Dec 2026 19:31:26 GMT"; // 10 min 1 s after the clock
    assertThat(refusal("POST", TARGET, signed("POST", TARGET, body, late, KEY), body)).contains("acs.clockSkewSeconds");
    String retried = "Fri, 04 Dec 2026 19:12:25 GMT"; // 9 min before: a retry of an old request
    Map<String, String> ok = signed("POST", TARGET, body, retried, KEY);
    assertThatCode(() -> auth.verify("POST", TARGET, ok::get, body.getBytes(StandardCharsets.UTF_8))).doesNotThrowAnyException();
  }
}
