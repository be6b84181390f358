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
 * The handler is given a view of the context whose {@code fail} calls {@code onFailure(status,
 * failure)} instead; every other method is the real context's, so {@code next()}, the body, the user
 * and the response are shared.
 *
 * <p><b>Why the sub-router's own failure handler is not enough</b> (vertx-web 5.0.7, reviewed for
 * issue 10). Callvert's router ends with {@code router.route().failureHandler(GraphErrorHandler)}, but
 * when it is mounted with {@code host.route("/prefix/*").subRouter(callvert.router())}:
 * <ol>
 *   <li>its handlers get a {@code RoutingContextWrapper}, whose {@code fail(int)}, {@code fail(Throwable)}
 *       and {@code fail(int, Throwable)} all call {@code inner.fail(...)}: the host's context
 *       ({@code vertx-web/src/main/java/io/vertx/ext/web/impl/RoutingContextWrapper.java});
 *   <li>the host's {@code RoutingContextImpl.fail} calls {@code doFail()}, which restarts the
 *       <em>host</em> router's route list in failure mode ({@code this.iter = router.iterator();
 *       currentRoute = null; next();}, {@code .../impl/RoutingContextImpl.java});
 *   <li>the sub-router is reached again only through the mount route's failure handler,
 *       {@code subRouter::handleFailure}, which {@code RouteImpl.subRouter} registers next to
 *       {@code subRouter::handleContext} ({@code .../impl/RouteImpl.java}).
 * </ol>
 * So every host failure handler on a route registered before the mount point that matches the path
 * (a global {@code host.route().failureHandler(...)} set up first is common) answers Callvert's
 * failure first, in the host's format instead of Graph's error envelope. {@code EmbedIT} pins this:
 * its host registers its failure handler before mounting Callvert and asserts it sees none of
 * Callvert's errors; with the view replaced by the real context, the 401 of a request without a
 * token comes back as the host's {@code {"hostError":401}}.
 *
 * <p><b>Why a {@link Proxy}, not a hand-written delegate.</b> vertx-web's handlers cast the context
 * to its internal {@code RoutingContextInternal}, of package {@code io.vertx.ext.web.impl}
 * ({@code BodyHandlerImpl}: {@code seenHandler}, {@code visitHandler}, {@code setBody}; the
 * authentication and authorization handlers: {@code securityAudit}). A view must therefore implement every interface of the real
 * context, internal ones included; a proxy over the interfaces the real context's class implements
 * does that without Callvert naming (or compiling against) the internal type.
 */
public final class LocalFailures {

  /** What a handler failed with: the status it named (-1 if none) and the failure (null if none). */
  @FunctionalInterface
  public interface OnFailure {
    void failed(RoutingContext ctx, int status, Throwable failure);
  }

  private LocalFailures() {}

  /** Context key of the {@link OnFailure} of a handler {@link #run} without a view (see there). */
  private static final String PENDING = "callvert.localFailure";

  /**
   * Runs {@code h} on {@code ctx} so that what it fails the context with goes to {@code onFailure}. In a router
   * mounted in a host, through a {@link #view}. In Callvert's own top-level router (no mount point: the
   * standalone server, or a host handing requests to {@code router()} itself) a {@code fail} can only reach
   * Callvert's own failure handler, which asks {@link #handled} first; so the handler gets the real context and
   * no proxy is made (a proxy per request and reflection on every context call were ~3% of the cancel path).
   * A route calling {@link #passed} must follow {@code h}'s route.
   */
  public static void run(io.vertx.core.Handler<RoutingContext> h, RoutingContext ctx, OnFailure onFailure,
      User hideUserFrom) {
    if (ctx.mountPoint() == null && hideUserFrom == null) {
      ctx.put(PENDING, onFailure);
      h.handle(ctx);
    } else {
      h.handle(view(ctx, onFailure, hideUserFrom));
    }
  }

  /** For the router's failure handler: a failure of a handler {@link #run} on the real context goes to its {@code onFailure}. */
  public static boolean handled(RoutingContext ctx) {
    OnFailure onFailure = ctx.get(PENDING);
    if (onFailure == null) {
      return false;
    }
    ctx.remove(PENDING);
    onFailure.failed(ctx, ctx.statusCode(), ctx.failure());
    return true;
  }

  /** The handler {@link #run} before this route passed: later failures are not its. */
  public static void passed(RoutingContext ctx) {
    if (ctx.mountPoint() == null) {
      ctx.remove(PENDING);
    }
    ctx.next();
  }

  /** Every interface a context class implements, found once per class (a view is made per request). */
  private static final ClassValue<Class<?>[]> INTERFACES = new ClassValue<>() {
    @Override
    protected Class<?>[] computeValue(Class<?> type) {
      Set<Class<?>> interfaces = new LinkedHashSet<>();
      for (Class<?> c = type; c != null; c = c.getSuperclass()) {
        collect(c, interfaces);
      }
      return interfaces.toArray(Class<?>[]::new);
    }
  };

  /**
   * A view of {@code ctx} whose {@code fail(...)} calls {@code onFailure}. With {@code hideUserFrom},
   * {@code user()} answers null while the user is still that one: a user a host application
   * authenticated before mounting Callvert is not taken for one of Callvert's callers.
   */
  public static RoutingContext view(RoutingContext ctx, OnFailure onFailure, User hideUserFrom) {
    return (RoutingContext) Proxy.newProxyInstance(ctx.getClass().getClassLoader(), INTERFACES.get(ctx.getClass()),
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
