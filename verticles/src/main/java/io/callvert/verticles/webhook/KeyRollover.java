package io.callvert.verticles.webhook;

import io.callvert.verticles.auth.NotificationSigner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The signing-key rollover of the Graph-like delivery profile (contract rule 79 — A key rollover is announced): a
 * second key, generated when a profile that rolls over is first used; from the first notification the profile marks
 * as rolled over, that key signs every notification, and the JWKS publishes both keys (the old one stays, so tokens
 * already issued still verify). Shared by every dispatcher shard; thread-safe.
 */
final class KeyRollover {

  private final Vertx vertx;
  private final NotificationSigner current;
  private volatile NotificationSigner next;
  private volatile boolean rolled;
  private Future<Void> preparing;

  KeyRollover(Vertx vertx, NotificationSigner current) {
    this.vertx = vertx;
    this.current = current;
  }

  /** Generates the second key (once); completes when it exists. Signing off: nothing to roll. */
  synchronized Future<Void> prepare() {
    if (current == null) {
      return Future.succeededFuture();
    }
    if (preparing == null) {
      preparing = NotificationSigner.create(vertx, current.issuer(), null, current.tokenLifetimeMs())
          .onSuccess(s -> next = s).mapEmpty();
    }
    return preparing;
  }

  /**
   * The signer of a notification: the second key for one the profile marks {@code rolledOver} (publishing that key
   * first, the first time) and for every notification after the rollover; else the first key.
   */
  NotificationSigner signer(boolean rolledOver) {
    NotificationSigner n = next;
    if (n == null) {
      return current;
    }
    if (rolledOver && !rolled) {
      synchronized (this) {
        if (!rolled) {
          current.addPublishedKey(n.publicJwk()); // published before the first token it signs is sent
          rolled = true;
        }
      }
    }
    return rolled ? n : current;
  }
}
