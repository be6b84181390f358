package io.callvert.runtime.call;

import io.callvert.runtime.api.Ids;
import java.util.Random;
import java.util.UUID;

/**
 * Where a node's call, operation and recording ids and recording tokens come from. Random by
 * default; {@link #seeded} gives a reproducible sequence, so a test run replays identically.
 */
public interface IdSource {

  /** A new id: a lower-case dashed GUID. */
  String newId();

  /** A new recording access token: 32 bytes, base64url. */
  String secretToken();

  /** Random version-4 GUIDs and tokens from a secure random source. */
  IdSource RANDOM = new IdSource() {
    @Override
    public String newId() {
      return Ids.newId();
    }

    @Override
    public String secretToken() {
      return Ids.secretToken();
    }
  };

  /** A reproducible sequence for tests; not for secrets. Not thread-safe. */
  static IdSource seeded(long seed) {
    Random random = new Random(seed);
    return new IdSource() {
      @Override
      public String newId() {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
      }

      @Override
      public String secretToken() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
      }
    };
  }
}
