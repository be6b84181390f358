package io.callvert.verticles.auth;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Minimal PEM and JWK helpers for RSA keys: strict parsing with clear errors, so that a bad key is
 * reported at start-up rather than as a vague failure deep inside vertx-auth-jwt.
 */
final class Pem {

  static final String PRIVATE_KEY = "PRIVATE KEY";
  static final String PUBLIC_KEY = "PUBLIC KEY";

  /** Smallest RSA modulus we accept; Microsoft's token validators refuse shorter RS256 keys. */
  static final int MIN_RSA_BITS = 2048;

  private Pem() {}

  /** Decodes the DER body of a PEM block with the given label, e.g. {@code PRIVATE KEY}. */
  static byte[] decode(String pem, String label) {
    if (pem == null || pem.isBlank()) {
      throw new IllegalArgumentException("PEM text is empty");
    }
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = pem.indexOf(begin);
    if (from < 0) {
      String hint = "";
      if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
        hint = " (PKCS#1 key: convert it with 'openssl pkcs8 -topk8 -nocrypt -in key.pem')";
      } else if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
        hint = " (encrypted keys are not supported)";
      } else if (pem.contains("-----BEGIN RSA PUBLIC KEY-----")) {
        hint = " (PKCS#1 key: convert it with 'openssl rsa -RSAPublicKey_in -in key.pem -pubout')";
      }
      throw new IllegalArgumentException("Expected a PEM block starting with '" + begin + "'" + hint);
    }
    int to = pem.indexOf(end, from + begin.length());
    if (to < 0) {
      throw new IllegalArgumentException("PEM block has no '" + end + "' line");
    }
    String body = pem.substring(from + begin.length(), to).replaceAll("\\s+", "");
    try {
      return Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("PEM body of '" + label + "' is not valid base64", e);
    }
  }

  /** Encodes DER bytes as a PEM block with 64-character lines. */
  static String encode(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  /** Parses a PKCS#8 {@code PRIVATE KEY} PEM holding an RSA key with CRT parameters. */
  static RSAPrivateCrtKey rsaPrivateKey(String pem) {
    byte[] der = decode(pem, PRIVATE_KEY);
    try {
      var key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
      if (!(key instanceof RSAPrivateCrtKey crt)) {
        throw new IllegalArgumentException("RSA private key lacks CRT parameters (public exponent unknown)");
      }
      checkSize(crt.getModulus());
      return crt;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("PRIVATE KEY PEM is not a PKCS#8 RSA key: " + e.getMessage(), e);
    }
  }

  /** Derives the public half of an RSA private key. */
  static RSAPublicKey publicOf(RSAPrivateCrtKey key) {
    try {
      return (RSAPublicKey) KeyFactory.getInstance("RSA")
          .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot derive the RSA public key", e);
    }
  }

  /** Parses an X.509 SubjectPublicKeyInfo {@code PUBLIC KEY} PEM holding an RSA key. */
  static RSAPublicKey rsaPublicKey(String pem) {
    byte[] der = decode(pem, PUBLIC_KEY);
    try {
      var key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
      checkSize(key.getModulus());
      return key;
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("PUBLIC KEY PEM is not an RSA public key: " + e.getMessage(), e);
    }
  }

  private static void checkSize(BigInteger modulus) {
    if (modulus.bitLength() < MIN_RSA_BITS) {
      throw new IllegalArgumentException(
          "RSA key has " + modulus.bitLength() + " bits; at least " + MIN_RSA_BITS + " are required");
    }
  }

  /** Base64url without padding of the unsigned big-endian magnitude, as JWK {@code n} and {@code e} need. */
  static String base64UrlUnsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    int skip = 0;
    while (skip < bytes.length - 1 && bytes[skip] == 0) {
      skip++;
    }
    byte[] magnitude = skip == 0 ? bytes : java.util.Arrays.copyOfRange(bytes, skip, bytes.length);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(magnitude);
  }
}
