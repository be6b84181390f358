package io.callvert.verticles.call;

import io.callvert.runtime.call.CallSession;

/**
 * Watches the calls of one node for the dashboard (docs/ui.md): told after every input a call handled and when a
 * call is forgotten. Called on the call's own context (or the node's), so it must be quick and thread-safe; it only
 * reads the session.
 */
public interface CallObserver {

  CallObserver NONE = new CallObserver() {
    @Override
    public void changed(CallSession call) {
    }

    @Override
    public void forgotten(String callId) {
    }
  };

  /** {@code call} handled an input (it may have changed); read it now, on the call's context. */
  void changed(CallSession call);

  /** The call left this node's registry (retention over, evicted, or the instance stopped). */
  void forgotten(String callId);
}
