package io.callvert.verticles.call;

import io.callvert.runtime.call.CallSession;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The calls this node owns: live ones (served by their call verticle at {@code address}) and ended
 * ones kept readable for the retention period, at most {@code calls.maxRetainedCalls} of them: the
 * call that ended first is evicted first (contract rule 39 — Retained calls are bounded). Read from
 * HTTP event loops, written by call verticles and the node; hence concurrent.
 */
public final class CallRegistry {

  /** One call on this node. */
  public static final class Handle {
    final String id;
    final String address;
    /** The app that created the call (contract rule 43); null for a call created through the Java API. */
    final String owner;
    /** Set once the call has ended: the final, no longer mutated session. */
    volatile CallSession retained;
    /** The live call's verticle (for a live caller's socket, contract rule 61); set when it is created. */
    volatile CallSessionVerticle verticle;
    /** What the {@link CallObserver} keeps for this call (the dashboard's summary): no map of its own per call. */
    private volatile Object observed;

    Handle(String id, String address, String owner) {
      this.id = id;
      this.address = address;
      this.owner = owner;
    }

    public String id() {
      return id;
    }

    public String owner() {
      return owner;
    }

    /**
     * Whether a caller seeing the calls of {@code scope} sees this one: null sees every call (an admin,
     * the Java API); an app sees the calls it created.
     */
    public boolean visibleTo(String scope) {
      return scope == null || scope.equals(owner);
    }

    public boolean isLive() {
      return retained == null;
    }

    public Object observed() {
      return observed;
    }

    public void observed(Object value) {
      observed = value;
    }
  }

  private final ConcurrentHashMap<String, Handle> calls = new ConcurrentHashMap<>();
  private final AtomicInteger live = new AtomicInteger();
  /** Ended calls still held, in the order they ended (their expiry order too: retention is one length for all). */
  private final ConcurrentLinkedQueue<String> ended = new ConcurrentLinkedQueue<>();
  private final AtomicInteger retained = new AtomicInteger();

  public Handle get(String canonicalId) {
    return calls.get(canonicalId);
  }

  /** Reserves room for one more live call, or returns false when {@code max} calls are live. */
  boolean reserve(int max) {
    while (true) {
      int n = live.get();
      if (n >= max) {
        return false;
      }
      if (live.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void unreserve() {
    live.decrementAndGet();
  }

  void add(Handle handle) {
    calls.put(handle.id, handle);
  }

  /**
   * The call ended: it answers from {@code finalState} from now on. Returns the ended calls evicted
   * to keep at most {@code maxRetained} (oldest ending first, possibly this one when the bound is 0);
   * they are gone from the registry, and the caller forgets the rest of them.
   */
  List<String> retire(String id, CallSession finalState, int maxRetained) {
    Handle h = calls.get(id);
    if (h != null && h.retained == null) {
      h.retained = finalState;
      h.verticle = null; // an ended call keeps its final session, not its verticle
      live.decrementAndGet();
      retained.incrementAndGet();
      ended.add(id);
    }
    List<String> evicted = List.of();
    while (retained.get() > maxRetained) {
      String oldest = ended.poll();
      if (oldest == null) {
        break;
      }
      Handle old = calls.get(oldest);
      if (old != null && !old.isLive() && calls.remove(oldest, old)) {
        retained.decrementAndGet();
        if (evicted.isEmpty()) {
          evicted = new ArrayList<>(1);
        }
        evicted.add(oldest);
      }
    }
    return evicted;
  }

  /** Forgets a call; false when it was already gone (evicted before its retention ended). */
  boolean remove(String id) {
    Handle h = calls.remove(id);
    if (h == null) {
      return false;
    }
    if (h.retained == null) {
      live.decrementAndGet();
    } else {
      retained.decrementAndGet();
      ended.remove(id); // the head, as a rule: calls expire in the order they ended
    }
    return true;
  }

  /** Forgets every call (the instance was undeployed). */
  void clear() {
    calls.clear();
    ended.clear();
    live.set(0);
    retained.set(0);
  }

  /** Ended calls held for retention. */
  public int retainedCount() {
    return retained.get();
  }

  public int liveCount() {
    return live.get();
  }

  public int size() {
    return calls.size();
  }

  /** Every call of this node, live and retained (a live view: calls come and go while it is read). */
  public Iterable<Handle> handles() {
    return calls.values();
  }
}
