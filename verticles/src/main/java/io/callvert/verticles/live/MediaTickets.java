package io.callvert.verticles.live;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Single-use, short-lived media tickets (contract rule 61 — A media socket opens with a ticket): a
 * caller holding the normal token gets one for one call, and a browser opens that call's socket with
 * it (browsers cannot set headers on a WebSocket). Thread-safe: issued on any HTTP event loop,
 * redeemed on another. Never logged.
 */
public final class MediaTickets {

  /** What redeeming a ticket found. */
  public enum Outcome { OK, UNKNOWN, WRONG_CALL }

  /** A redeemed ticket: for which call, on behalf of which app ({@code scope}, null: every app's calls). */
  public record Redeemed(Outcome outcome, String scope) {}

  private record Ticket(String callId, String scope, long expiresAt) {}

  /** Outstanding tickets at most; beyond, expired ones are swept and, if still full, issuing fails. */
  static final int MAX_OUTSTANDING = 100_000;

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
  private final long lifetimeMs;

  public MediaTickets(long lifetimeMs) {
    this.lifetimeMs = lifetimeMs;
  }

  /** A new ticket for {@code callId}, or null when too many are outstanding. */
  public String issue(String callId, String scope, long now) {
    if (tickets.size() >= MAX_OUTSTANDING) {
      sweep(now);
      if (tickets.size() >= MAX_OUTSTANDING) {
        return null;
      }
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    tickets.put(ticket, new Ticket(callId, scope, now + lifetimeMs));
    return ticket;
  }

  /** When a ticket issued now expires. */
  public long expiry(long now) {
    return now + lifetimeMs;
  }

  /**
   * Redeems {@code ticket} for {@code callId}: it is gone afterwards whatever the outcome (single use,
   * also when presented for the wrong call). Unknown, used and expired tickets are alike.
   */
  public Redeemed redeem(String ticket, String callId, long now) {
    Ticket t = ticket == null ? null : tickets.remove(ticket);
    if (t == null || t.expiresAt <= now) {
      return new Redeemed(Outcome.UNKNOWN, null);
    }
    return new Redeemed(t.callId.equals(callId) ? Outcome.OK : Outcome.WRONG_CALL, t.scope);
  }

  private void sweep(long now) {
    for (Iterator<Ticket> it = tickets.values().iterator(); it.hasNext(); ) {
      if (it.next().expiresAt <= now) {
        it.remove();
      }
    }
  }

  /** Outstanding tickets (diagnostics). */
  int outstanding() {
    return tickets.size();
  }
}
