package io.callvert.verticles.auth;

import io.callvert.config.Pem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Helpers shared by the auth tests: key pairs, PEM encoding, blocking waits, JWT decoding. */
final class AuthTestSupport {

  private AuthTestSupport() {}

  static KeyPair rsaKeyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  static KeyPair ecKeyPair(String curve) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new java.security.spec.ECGenParameterSpec(curve));
    return generator.generateKeyPair();
  }

  static KeyPair ed25519KeyPair() throws Exception {
    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  static String privatePem(KeyPair pair) {
    return Pem.encode(Pem.PRIVATE_KEY, pair.getPrivate().getEncoded());
  }

  static String publicPem(KeyPair pair) {
    return Pem.encode(Pem.PUBLIC_KEY, pair.getPublic().getEncoded());
  }

  /** Waits (on the test thread, never an event loop) for a future's result. */
  static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** Waits for a future that must fail and returns its cause. */
  static Throwable awaitFailure(Future<?> future) throws Exception {
    CompletableFuture<?> cf = future.toCompletionStage().toCompletableFuture();
    try {
      cf.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("Expected a failed future but it succeeded");
  }

  static JsonObject jwtHeader(String jwt) {
    return part(jwt, 0);
  }

  static JsonObject jwtClaims(String jwt) {
    return part(jwt, 1);
  }

  private static JsonObject part(String jwt, int index) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]), StandardCharsets.UTF_8));
  }
}
