package io.callvert.config;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * The one key loader of Callvert (JDK only): PEM keys of every type Callvert documents, for
 * configuration checks, API token verification and notification signing alike.
 *
 * <ul>
 *   <li>RSA, at least {@value #MIN_RSA_BITS} bits, signing with RS256;
 *   <li>EC on NIST P-256, P-384 or P-521, signing with ES256, ES384 or ES512;
 *   <li>EdDSA (Ed25519, Ed448), signing with EdDSA.
 * </ul>
 *
 * <p>Private keys are PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), public keys X.509
 * SubjectPublicKeyInfo ({@code -----BEGIN PUBLIC KEY-----}). The public methods throw
 * {@link IllegalArgumentException} with a message fit for an operator; the configuration classes
 * turn it into a {@link ConfigException} naming the key.
 */
public final class Pem {

  public static final String PRIVATE_KEY = "PRIVATE KEY";
  public static final String PUBLIC_KEY = "PUBLIC KEY";

  /** Smallest RSA modulus accepted; Microsoft's token validators refuse shorter RS256 keys. */
  public static final int MIN_RSA_BITS = 2048;

  private static final String TYPES = "RSA, EC P-256/P-384/P-521 or EdDSA";

  private Pem() {
  }

  /**
   * Normalizes a PEM string: blank = unset, and literal {@code \n} sequences (as often found in environment variables)
   * become real newlines.
   */
  public static String normalize(String pem) {
    String p = Check.blankToNull(pem);
    return p == null ? null : p.replace("\\r\\n", "\n").replace("\\n", "\n").trim();
  }

  /** Encodes DER bytes as a PEM block with 64-character lines. */
  public static String encode(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  /** A PKCS#8 private key: RSA, EC or EdDSA. */
  public static PrivateKey privateKey(String pem) {
    if (pem != null && pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
      throw new IllegalArgumentException("is a PKCS#1 key; convert it to PKCS#8 ('-----BEGIN PRIVATE KEY-----') with "
          + "'openssl pkcs8 -topk8 -nocrypt -in key.pem'");
    }
    if (pem != null && pem.contains("-----BEGIN EC PRIVATE KEY-----")) {
      throw new IllegalArgumentException("is a SEC1 EC key; convert it to PKCS#8 ('-----BEGIN PRIVATE KEY-----') with "
          + "'openssl pkcs8 -topk8 -nocrypt -in key.pem'");
    }
    if (pem != null && pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      throw new IllegalArgumentException("is an encrypted key; encrypted keys are not supported");
    }
    byte[] der = der(pem, PRIVATE_KEY);
    if (der != null) {
      for (String algorithm : new String[] {"RSA", "EC", "EdDSA"}) {
        PrivateKey key;
        try {
          key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException ignored) {
          continue; // try the next algorithm
        }
        if (key instanceof RSAKey && !(key instanceof RSAPrivateCrtKey)) {
          throw new IllegalArgumentException("is an RSA private key without CRT parameters (public exponent unknown)");
        }
        jwsAlgorithm(key); // size and curve checks
        return key;
      }
    }
    throw new IllegalArgumentException("must be a PKCS#8 PEM private key ('-----BEGIN PRIVATE KEY-----'; " + TYPES + ")");
  }

  /** An X.509 SubjectPublicKeyInfo public key: RSA, EC or EdDSA. */
  public static PublicKey publicKey(String pem) {
    byte[] der = der(pem, PUBLIC_KEY);
    if (der != null) {
      for (String algorithm : new String[] {"RSA", "EC", "EdDSA"}) {
        PublicKey key;
        try {
          key = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException ignored) {
          continue; // try the next algorithm
        }
        jwsAlgorithm(key);
        return key;
      }
    }
    throw new IllegalArgumentException(
        "must be a PEM public key ('-----BEGIN PUBLIC KEY-----', X.509 SubjectPublicKeyInfo; " + TYPES + ")");
  }

  /** The JWS algorithm a key signs or verifies with: RS256, ES256, ES384, ES512 or EdDSA. */
  public static String jwsAlgorithm(Key key) {
    if (key instanceof RSAKey rsa) {
      if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
        throw new IllegalArgumentException("is an RSA key of " + rsa.getModulus().bitLength() + " bits; at least "
            + MIN_RSA_BITS + " are required");
      }
      return "RS256";
    }
    if (key instanceof ECKey ec) {
      return switch (curve(ec.getParams())) {
        case "P-256" -> "ES256";
        case "P-384" -> "ES384";
        default -> "ES512";
      };
    }
    if (key instanceof EdECKey) {
      return "EdDSA";
    }
    throw new IllegalArgumentException("is a " + key.getAlgorithm() + " key; supported: " + TYPES);
  }

  /** The public half of a private key loaded by {@link #privateKey(String)}. */
  public static PublicKey publicOf(PrivateKey key) {
    try {
      if (key instanceof RSAPrivateCrtKey rsa) {
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
      }
      if (key instanceof ECPrivateKey ec) {
        ECParameterSpec params = ec.getParams();
        ECPoint q = multiply(params.getGenerator(), ec.getS(), params);
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(q, params));
      }
      if (key instanceof EdECPrivateKey ed) {
        // EdDSA derives the public key from the private bytes: let the JDK's generator do it from exactly those bytes
        byte[] secret = ed.getBytes().orElseThrow(() -> new IllegalArgumentException("EdDSA key without its bytes"));
        KeyPairGenerator generator = KeyPairGenerator.getInstance(ed.getParams().getName());
        generator.initialize(new NamedParameterSpec(ed.getParams().getName()), new FixedBytes(secret));
        return generator.generateKeyPair().getPublic();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot derive the public key", e);
    }
    throw new IllegalArgumentException("is a " + key.getAlgorithm() + " key; supported: " + TYPES);
  }

  /**
   * The public JWK members of a key ({@code kty} and its key material: {@code n}/{@code e}, {@code crv}/{@code x}/{@code y}
   * or {@code crv}/{@code x}), without {@code kid}, {@code use} or {@code alg}.
   */
  public static JsonObject publicJwk(PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      return new JsonObject().put("kty", "RSA").put("n", base64Url(rsa.getModulus(), 0)).put("e", base64Url(rsa.getPublicExponent(), 0));
    }
    if (key instanceof ECPublicKey ec) {
      int size = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
      return new JsonObject().put("kty", "EC").put("crv", curve(ec.getParams()))
          .put("x", base64Url(ec.getW().getAffineX(), size)).put("y", base64Url(ec.getW().getAffineY(), size));
    }
    if (key instanceof EdECKey ed) {
      String crv = ed.getParams().getName();
      int size = crv.equalsIgnoreCase("Ed448") ? 57 : 32;
      byte[] spki = key.getEncoded(); // the raw key is the end of the SubjectPublicKeyInfo
      return new JsonObject().put("kty", "OKP").put("crv", crv.equalsIgnoreCase("Ed448") ? "Ed448" : "Ed25519")
          .put("x", Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOfRange(spki, spki.length - size, spki.length)));
    }
    throw new IllegalArgumentException("is a " + key.getAlgorithm() + " key; supported: " + TYPES);
  }

  /** The RFC 7638 thumbprint (SHA-256, base64url) of a public JWK: its required members in lexicographic order. */
  public static String thumbprint(JsonObject jwk) {
    String kty = jwk.getString("kty");
    String canonical = switch (kty) {
      case "RSA" -> "{\"e\":\"" + jwk.getString("e") + "\",\"kty\":\"RSA\",\"n\":\"" + jwk.getString("n") + "\"}";
      case "EC" -> "{\"crv\":\"" + jwk.getString("crv") + "\",\"kty\":\"EC\",\"x\":\"" + jwk.getString("x")
          + "\",\"y\":\"" + jwk.getString("y") + "\"}";
      case "OKP" -> "{\"crv\":\"" + jwk.getString("crv") + "\",\"kty\":\"OKP\",\"x\":\"" + jwk.getString("x") + "\"}";
      default -> throw new IllegalArgumentException("no thumbprint for kty " + kty);
    };
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  // ------------------------------------------------------------------ configuration checks

  static PrivateKey privateKey(String configKey, String pem) {
    try {
      return privateKey(pem);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(configKey, e.getMessage());
    }
  }

  static PublicKey publicKey(String configKey, String pem) {
    try {
      return publicKey(pem);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(configKey, e.getMessage());
    }
  }

  // ------------------------------------------------------------------ plumbing

  /** The DER bytes between {@code -----BEGIN label-----} and {@code -----END label-----}, or {@code null}. */
  static byte[] der(String pem, String label) {
    if (pem == null) {
      return null;
    }
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

  /** The JOSE name of a NIST prime curve; other curves are refused. */
  private static String curve(ECParameterSpec params) {
    if (params.getCurve().getField() instanceof ECFieldFp fp
        && params.getCurve().getA().equals(fp.getP().subtract(BigInteger.valueOf(3)))) {
      switch (fp.getFieldSize()) {
        case 256:
          return "P-256";
        case 384:
          return "P-384";
        case 521:
          return "P-521";
        default:
          break;
      }
    }
    throw new IllegalArgumentException("is an EC key on an unsupported curve; supported: P-256, P-384, P-521");
  }

  /** Unsigned big-endian magnitude, left-padded to {@code size} bytes (0 = no padding), base64url without padding. */
  private static String base64Url(BigInteger value, int size) {
    byte[] bytes = value.toByteArray();
    int skip = 0;
    while (skip < bytes.length - 1 && bytes[skip] == 0) {
      skip++;
    }
    byte[] magnitude = Arrays.copyOfRange(bytes, skip, bytes.length);
    if (size > magnitude.length) {
      byte[] padded = new byte[size];
      System.arraycopy(magnitude, 0, padded, size - magnitude.length, magnitude.length);
      magnitude = padded;
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(magnitude);
  }

  /** {@code k·G} on a prime curve (affine double-and-add; used once per key at start-up). */
  private static ECPoint multiply(ECPoint g, BigInteger k, ECParameterSpec params) {
    BigInteger p = ((ECFieldFp) params.getCurve().getField()).getP();
    BigInteger a = params.getCurve().getA();
    ECPoint r = ECPoint.POINT_INFINITY;
    for (int i = k.bitLength() - 1; i >= 0; i--) {
      r = add(r, r, p, a);
      if (k.testBit(i)) {
        r = add(r, g, p, a);
      }
    }
    return r;
  }

  private static ECPoint add(ECPoint s, ECPoint t, BigInteger p, BigInteger a) {
    if (s.equals(ECPoint.POINT_INFINITY)) {
      return t;
    }
    if (t.equals(ECPoint.POINT_INFINITY)) {
      return s;
    }
    BigInteger x1 = s.getAffineX();
    BigInteger y1 = s.getAffineY();
    BigInteger x2 = t.getAffineX();
    BigInteger y2 = t.getAffineY();
    BigInteger lambda;
    if (x1.equals(x2)) {
      if (!y1.equals(y2) || y1.signum() == 0) {
        return ECPoint.POINT_INFINITY;
      }
      lambda = x1.pow(2).multiply(BigInteger.valueOf(3)).add(a).multiply(y1.shiftLeft(1).modInverse(p)).mod(p);
    } else {
      lambda = y2.subtract(y1).multiply(x2.subtract(x1).modInverse(p)).mod(p);
    }
    BigInteger x3 = lambda.pow(2).subtract(x1).subtract(x2).mod(p);
    BigInteger y3 = lambda.multiply(x1.subtract(x3)).subtract(y1).mod(p);
    return new ECPoint(x3, y3);
  }

  /** A "random" source returning given bytes: the JDK's EdDSA generator then derives the public key of those bytes. */
  private static final class FixedBytes extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final transient byte[] bytes;

    FixedBytes(byte[] bytes) {
      this.bytes = bytes.clone();
    }

    @Override
    public void nextBytes(byte[] out) {
      System.arraycopy(bytes, 0, out, 0, Math.min(bytes.length, out.length));
    }
  }
}
