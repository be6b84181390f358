package io.callvert.verticles.embed;

import io.vertx.core.Vertx;
import java.lang.reflect.Field;
import java.util.Map;

/**
 * How many timers a {@link Vertx} holds, read from its timer table. Vert.x has no public API for
 * this; the field is Vert.x 5.0's {@code VertxImpl.timeouts}. Fails loudly if a Vert.x upgrade
 * moves it, rather than passing vacuously.
 */
final class VertxTimers {

  private VertxTimers() {}

  static int count(Vertx vertx) {
    for (Class<?> c = vertx.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField("timeouts");
        f.setAccessible(true);
        return ((Map<?, ?>) f.get(vertx)).size();
      } catch (NoSuchFieldException next) {
        // keep looking up the hierarchy
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new AssertionError("cannot read the timer table of " + vertx.getClass(), e);
      }
    }
    throw new AssertionError(vertx.getClass() + " has no 'timeouts' table: update VertxTimers for this Vert.x version");
  }
}
