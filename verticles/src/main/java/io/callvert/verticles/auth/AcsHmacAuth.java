package io.callvert.verticles.auth;

import io.callvert.runtime.acs.AcsErrors;
import io.callvert.runtime.api.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * ACS's HMAC-SHA256 request authentication, as the official SDKs sign (contract rule 49 — ACS authentication):
 * {@code Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<base64>} over
 * {@code METHOD\n<path and query as sent>\n<x-ms-date>;<host>;<x-ms-content-sha256>} with the base64-decoded access
 * key. The body's SHA-256 must equal {@code x-ms-content-sha256}; both comparisons are constant-time; {@code x-ms-date}
 * may be {@code acs.clockSkewSeconds} from now either way (the SDK's retries resend the first date and signature).
 * Immutable; shared by every event loop.
 */
public final class AcsHmacAuth {

  private static final String SCHEME = "HMAC-SHA256";
  private static final String SIGNED_HEADERS = "x-ms-date;host;x-ms-content-sha256";

  private final byte[] key;
  private final long skewMs;
  private final LongSupplier clockMs;

  /**
   * @param accessKey the base64 access key
   * @param clockMs   the wall clock (never the test clock: time checks are about the client's real clock)
   */
  public AcsHmacAuth(String accessKey, int clockSkewSeconds, LongSupplier clockMs) {
    this.key = Base64.getDecoder().decode(accessKey);
    this.skewMs = clockSkewSeconds * 1000L;
    this.clockMs = clockMs;
  }

  /**
   * Checks one request; returns normally when it is authentic.
   *
   * @throws ApiException 401 naming what is wrong (never which part of a signature differed)
   */
  public void verify(HttpServerRequest req, Buffer body) {
    verify(req.method().name(), req.uri(), req::getHeader, body == null ? new byte[0] : body.getBytes());
  }

  /**
   * Checks one request given as its parts.
   *
   * @param pathAndQuery the request target as sent (still percent-encoded)
   * @param headers      header lookup by name (case-insensitive)
   * @throws ApiException 401
   */
  public void verify(String method, String pathAndQuery, java.util.function.UnaryOperator<String> headers, byte[] body) {
    String auth = headers.apply("Authorization");
    if (auth == null) {
      throw AcsErrors.unauthorized("Authorization header missing: sign requests with HMAC-SHA256 (an ACS connection string).");
    }
    String prefix = SCHEME + " SignedHeaders=";
    int amp = auth.indexOf("&Signature=");
    if (!auth.regionMatches(true, 0, prefix, 0, prefix.length()) || amp < 0) {
      throw AcsErrors.unauthorized("Authorization must be 'HMAC-SHA256 SignedHeaders=" + SIGNED_HEADERS + "&Signature=…'.");
    }
    String signedHeaders = auth.substring(prefix.length(), amp);
    if (!signedHeaders.equalsIgnoreCase(SIGNED_HEADERS)) {
      throw AcsErrors.unauthorized("SignedHeaders must be " + SIGNED_HEADERS + ".");
    }
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(auth.substring(amp + "&Signature=".length()).trim());
    } catch (IllegalArgumentException e) {
      throw AcsErrors.unauthorized("The signature is not base64.");
    }
    String date = required(headers, "x-ms-date");
    String host = required(headers, "host");
    String contentHash = required(headers, "x-ms-content-sha256");
    checkDate(date);
    byte[] actualHash = sha256(body);
    byte[] declaredHash;
    try {
      declaredHash = Base64.getDecoder().decode(contentHash);
    } catch (IllegalArgumentException e) {
      throw AcsErrors.unauthorized("x-ms-content-sha256 is not base64.");
    }
    if (!MessageDigest.isEqual(actualHash, declaredHash)) {
      throw AcsErrors.unauthorized("x-ms-content-sha256 does not match the body.");
    }
    String toSign = method + "\n" + pathAndQuery + "\n" + date + ";" + host + ";" + contentHash;
    if (!MessageDigest.isEqual(sign(toSign), signature)) {
      throw AcsErrors.unauthorized("The HMAC signature is invalid (wrong access key, or a request changed after signing).");
    }
  }

  /** The signature of {@code toSign} with this key (what a client computes). */
  public byte[] sign(String toSign) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private void checkDate(String date) {
    long at;
    try {
      at = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw AcsErrors.unauthorized("x-ms-date must be an RFC 1123 date, e.g. 'Fri, 04 Dec 2026 19:21:25 GMT'.");
    }
    if (Math.abs(clockMs.getAsLong() - at) > skewMs) {
      throw AcsErrors.unauthorized("x-ms-date is more than " + skewMs / 1000 + " s from Callvert's clock"
          + " (acs.clockSkewSeconds).");
    }
  }

  private static String required(java.util.function.UnaryOperator<String> headers, String name) {
    String v = headers.apply(name);
    if (v == null || v.isEmpty()) {
      throw AcsErrors.unauthorized("Header " + name + " is missing.");
    }
    return v;
  }
}
