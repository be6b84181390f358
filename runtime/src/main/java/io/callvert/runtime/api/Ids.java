package io.callvert.runtime.api;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Identifier rules (contract rule 2): everything Callvert emits is a lower-case dashed GUID;
 * lookups accept any case, with or without dashes.
 */
public final class Ids {

  private Ids() {}

  /** A new random (version 4) GUID, lower-case and dashed. Not for secrets: see {@link #secretToken()}. */
  public static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  /**
   * The canonical form of an id as a client may send it: 32 hex digits in any case with or without
   * dashes become a lower-case dashed GUID; anything else is returned lower-cased (it will simply
   * not be found).
   */
  public static String canonical(String raw) {
    if (raw == null) {
      return "";
    }
    if (isCanonicalUuid(raw)) {
      return raw; // the usual case: an id as Callvert wrote it (every request names one; no copy)
    }
    StringBuilder hex = new StringBuilder(32);
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '-') {
        continue;
      }
      if (Character.digit(c, 16) < 0 || hex.length() == 32) {
        return raw.toLowerCase(java.util.Locale.ROOT);
      }
      hex.append(Character.toLowerCase(c));
    }
    if (hex.length() != 32) {
      return raw.toLowerCase(java.util.Locale.ROOT);
    }
    return hex.substring(0, 8) + '-' + hex.substring(8, 12) + '-' + hex.substring(12, 16) + '-'
        + hex.substring(16, 20) + '-' + hex.substring(20);
  }

  /** Whether {@code s} is a UUID in canonical form: 36 characters, lower-case hex, dashes at 8, 13, 18 and 23. */
  public static boolean isCanonicalUuid(String s) {
    if (s.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') {
          return false;
        }
      } else if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private static final java.security.SecureRandom SECURE = new java.security.SecureRandom();

  /** 32 random bytes, base64url: used for recording access tokens. */
  public static String secretToken() {
    byte[] b = new byte[32];
    SECURE.nextBytes(b);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /**
   * A stable GUID derived from {@code id} and a purpose (name-based, RFC 4122 version 3): the same
   * inputs always give the same lower-case dashed GUID, so it need not be stored.
   */
  public static String derived(String id, String purpose) {
    return UUID.nameUUIDFromBytes((purpose + ":" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
  }

  private static final java.util.concurrent.ConcurrentHashMap<String, String> SHARED = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * One instance of a short, frequently repeated value (e.g. the usual {@code ["audio"]} or the
   * plain service-hosted media config), so that 100k calls hold one copy; other values pass
   * through. Bounded: at most 1024 distinct values are ever shared.
   */
  public static String shared(String value) {
    if (value == null || value.length() > 256) {
      return value;
    }
    String known = SHARED.get(value);
    if (known != null) {
      return known;
    }
    if (SHARED.size() < 1024) {
      String prior = SHARED.putIfAbsent(value, value);
      return prior != null ? prior : value;
    }
    return value;
  }
}
