package io.callvert.verticles.call;

import io.callvert.runtime.call.CallSession;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The calls this node owns: live ones (served by their call verticle at {@code address}) and ended
 * ones kept readable for the retention period. Read from HTTP event loops, written by call
 * verticles and the node; hence concurrent.
 */
public final class CallRegistry {

  /** One call on this node. */
  public static final class Handle {
    final String id;
    final String address;
    /** Set once the call has ended: the final, no longer mutated session. */
    volatile CallSession retained;

    Handle(String id, String address) {
      this.id = id;
      this.address = address;
    }

    public String id() {
      return id;
    }

    public boolean isLive() {
      return retained == null;
    }
  }

  private final ConcurrentHashMap<String, Handle> calls = new ConcurrentHashMap<>();
  private final AtomicInteger live = new AtomicInteger();

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

  void retire(String id, CallSession finalState) {
    Handle h = calls.get(id);
    if (h != null && h.retained == null) {
      h.retained = finalState;
      live.decrementAndGet();
    }
  }

  void remove(String id) {
    Handle h = calls.remove(id);
    if (h != null && h.retained == null) {
      live.decrementAndGet();
    }
  }

  /** Forgets every call (the instance was undeployed). */
  void clear() {
    calls.clear();
    live.set(0);
  }

  public int liveCount() {
    return live.get();
  }

  public int size() {
    return calls.size();
  }

  Iterable<Handle> handles() {
    return calls.values();
  }
}
