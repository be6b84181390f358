package io.callvert.verticles;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-process notification listeners {@link CallvertClient#onNotification} registered for a
 * host, so that undeploying Callvert unregisters them too: nothing keeps listening on Callvert's
 * addresses once it is gone.
 */
final class NotificationListeners {

  private record Listener(Context context, MessageConsumer<?> consumer) {}

  private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();

  void add(Context context, MessageConsumer<?> consumer) {
    listeners.removeIf(l -> !l.consumer().isRegistered()); // the host unregistered them itself
    listeners.add(new Listener(context, consumer));
  }

  /**
   * Unregisters every listener on its own context, so notifications already on their way to it
   * (the last ones of an undeploy) are handled first.
   */
  Future<Void> closeAll() {
    List<Future<Void>> done = new ArrayList<>();
    for (Listener l : List.copyOf(listeners)) {
      Promise<Void> p = Promise.promise();
      l.context().runOnContext(v -> l.consumer().unregister().onComplete(p));
      done.add(p.future());
    }
    listeners.clear();
    return Future.join(done).mapEmpty();
  }
}
