package io.callvert.config;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Minimal PEM handling (JDK only). */
final class Pem {

  private Pem() {
  }

  /**
   * Normalizes a PEM string: blank = unset, and literal {@code \n} sequences (as often found in environment variables)
   * become real newlines.
   */
  static String normalize(String pem) {
    String p = Check.blankToNull(pem);
    return p == null ? null : p.replace("\\r\\n", "\n").replace("\\n", "\n").trim();
  }

  /** The DER bytes between {@code -----BEGIN label-----} and {@code -----END label-----}, or {@code null}. */
  static byte[] der(String pem, String label) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int b = pem.indexOf(begin);
    int e = pem.indexOf(end);
    if (b < 0 || e < b) {
      return null;
    }
    try {
      return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
    } catch (IllegalArgumentException ex) {
      return null;
    }
  }

  static RSAPrivateKey rsaPrivateKey(String key, String pem) {
    if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
      throw new ConfigException(key, "is a PKCS#1 key; convert it to PKCS#8 ('-----BEGIN PRIVATE KEY-----') with "
          + "'openssl pkcs8 -topk8 -nocrypt -in key.pem'");
    }
    byte[] der = der(pem, "PRIVATE KEY");
    if (der != null) {
      try {
        return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (Exception ignored) {
        // fall through
      }
    }
    throw new ConfigException(key, "must be a PKCS#8 PEM RSA private key ('-----BEGIN PRIVATE KEY-----')");
  }

  static PublicKey publicKey(String key, String pem) {
    byte[] der = der(pem, "PUBLIC KEY");
    if (der != null) {
      for (String algorithm : new String[] {"RSA", "EC", "EdDSA"}) {
        try {
          return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
        } catch (Exception ignored) {
          // try the next algorithm
        }
      }
    }
    throw new ConfigException(key,
        "must be a PEM public key ('-----BEGIN PUBLIC KEY-----', X.509 SubjectPublicKeyInfo; RSA, EC or EdDSA)");
  }
}
