package io.callvert.verticles.http;

import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Runs a vertx-web handler (a {@code BodyHandler}, an authentication or authorization handler) so that
 * whatever it fails the context with is answered by Callvert, not by the router's failure handlers.
 *
 * <p>Why: in a sub-router, {@code ctx.fail} goes to the host router, whose own failure handlers
 * would answer first (in the host's format, not Graph's error envelope). The handler is given a view
 * of the context whose {@code fail} calls {@code onFailure(status, failure)} instead; every other
 * method is the real context's, so {@code next()}, the body, the user and the response are shared.
 */
public final class LocalFailures {

  /** What a handler failed with: the status it named (-1 if none) and the failure (null if none). */
  @FunctionalInterface
  public interface OnFailure {
    void failed(RoutingContext ctx, int status, Throwable failure);
  }

  private LocalFailures() {}

  /**
   * A view of {@code ctx} whose {@code fail(...)} calls {@code onFailure}. With {@code hideUserFrom},
   * {@code user()} answers null while the user is still that one: a user a host application
   * authenticated before mounting Callvert is not taken for one of Callvert's callers.
   */
  public static RoutingContext view(RoutingContext ctx, OnFailure onFailure, User hideUserFrom) {
    Set<Class<?>> interfaces = new LinkedHashSet<>();
    for (Class<?> c = ctx.getClass(); c != null; c = c.getSuperclass()) {
      collect(c, interfaces);
    }
    return (RoutingContext) Proxy.newProxyInstance(ctx.getClass().getClassLoader(), interfaces.toArray(Class<?>[]::new),
        (proxy, method, args) -> {
          switch (method.getName()) {
            case "fail" -> {
              int status = -1;
              Throwable failure = null;
              for (Object a : args) {
                if (a instanceof Integer i) {
                  status = i;
                } else if (a instanceof Throwable t) {
                  failure = t;
                }
              }
              onFailure.failed(ctx, status, failure);
              return null;
            }
            case "user" -> {
              if (args == null || args.length == 0) {
                User user = ctx.user();
                return hideUserFrom != null && user == hideUserFrom ? null : user;
              }
            }
            case "equals" -> {
              return args != null && args.length == 1 && args[0] == proxy;
            }
            case "hashCode" -> {
              return System.identityHashCode(proxy);
            }
            default -> {
              // the real context's method
            }
          }
          try {
            return method.invoke(ctx, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private static void collect(Class<?> c, Set<Class<?>> into) {
    for (Class<?> i : c.getInterfaces()) {
      if (java.lang.reflect.Modifier.isPublic(i.getModifiers()) && into.add(i)) {
        collect(i, into);
      }
    }
  }
}
