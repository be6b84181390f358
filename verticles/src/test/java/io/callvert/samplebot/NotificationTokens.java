package io.callvert.samplebot;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the sample bot checks the bearer token on each notification, as a Graph bot must: an RS256 JWT from the
 * expected issuer, for this bot's app id, not expired, signed by a key of the published JWKS. Keys are cached by
 * {@code kid}; a token signed by a key the cache does not know makes it fetch the JWKS again (that is how a bot
 * survives a signing-key rollover). JDK crypto and the Graph SDK's Gson only.
 */
final class NotificationTokens {

  private static final Base64.Decoder B64 = Base64.getUrlDecoder();

  private final HttpClient http = HttpClient.newHttpClient();
  private final String jwksUrl;
  private final String issuer;
  private final String audience;
  private final Map<String, PublicKey> keys = new ConcurrentHashMap<>();
  /** How often the JWKS was fetched (the first time, and after each rollover). */
  volatile int fetches;

  NotificationTokens(String jwksUrl, String issuer, String audience) {
    this.jwksUrl = jwksUrl;
    this.issuer = issuer;
    this.audience = audience;
  }

  /** Whether {@code authorization} ({@code Bearer <jwt>}) is a valid notification token for this bot. */
  boolean valid(String authorization) {
    try {
      String[] parts = authorization.substring("Bearer ".length()).split("\\.");
      JsonObject header = json(parts[0]);
      JsonObject claims = json(parts[1]);
      if (!"RS256".equals(header.get("alg").getAsString())
          || !issuer.equals(claims.get("iss").getAsString())
          || !audience.equals(claims.get("aud").getAsString())
          || claims.get("exp").getAsLong() * 1000 < System.currentTimeMillis()) {
        return false;
      }
      String kid = header.get("kid").getAsString();
      PublicKey key = keys.get(kid);
      if (key == null) {
        fetchKeys(); // unknown key: the keys rolled over
        key = keys.get(kid);
      }
      if (key == null) {
        return false;
      }
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initVerify(key);
      rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      return rsa.verify(B64.decode(parts[2]));
    } catch (Exception e) {
      return false;
    }
  }

  private synchronized void fetchKeys() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(jwksUrl)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    fetches++;
    for (var element : JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("keys")) {
      JsonObject jwk = element.getAsJsonObject();
      if ("RSA".equals(jwk.get("kty").getAsString())) {
        BigInteger n = new BigInteger(1, B64.decode(jwk.get("n").getAsString()));
        BigInteger e = new BigInteger(1, B64.decode(jwk.get("e").getAsString()));
        keys.put(jwk.get("kid").getAsString(), KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e)));
      }
    }
  }

  private static JsonObject json(String base64url) {
    return JsonParser.parseString(new String(B64.decode(base64url), StandardCharsets.UTF_8)).getAsJsonObject();
  }
}
