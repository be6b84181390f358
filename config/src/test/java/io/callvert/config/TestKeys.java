package io.callvert.config;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** PEM material generated once per test JVM. */
final class TestKeys {

  static final String PRIVATE_PEM;
  static final String PUBLIC_PEM;

  static {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      PRIVATE_PEM = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
      PUBLIC_PEM = pem("PUBLIC KEY", pair.getPublic().getEncoded());
    } catch (NoSuchAlgorithmException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private TestKeys() {
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----";
  }
}
