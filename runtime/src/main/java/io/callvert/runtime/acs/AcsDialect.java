package io.callvert.runtime.acs;

import io.callvert.runtime.call.Notification;
import io.callvert.runtime.clock.Clock;
import io.callvert.runtime.net.HostPolicy;
import io.callvert.runtime.protocol.Outbound;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Azure Communication Services Call Automation dialect, whole (contract rules 48–59): requests parsed into the
 * call protocol ({@link AcsRequests}), replies as ACS answers ({@link AcsReplies}), events as CloudEvents
 * ({@link AcsEvents}), every shape written once ({@link AcsJson}). A sibling of {@code runtime/graph}: the call
 * actors are the same.
 */
public record AcsDialect(AcsRequests requests, AcsEvents events) {

  /** The dialect of a Callvert instance: the outbound host policy callback URIs must pass, the call clock. */
  public static AcsDialect create(io.callvert.config.CallvertOptions options, Clock clock) {
    return new AcsDialect(new AcsRequests(HostPolicy.of(options)), new AcsEvents(clock, AcsDialect::randomId));
  }

  private static String randomId() {
    return java.util.UUID.randomUUID().toString();
  }

  /** The renderer of one call's events; {@code callContext} is the operationContext it was created or answered with. */
  public Function<Notification, Outbound> renderer(String callContext) {
    return n -> events.render(n, callContext);
  }

  /** Renders an event of a call whose creating request is not known any more (a lost or restarted node's calls). */
  public Outbound render(Notification n) {
    return events.render(n, null);
  }

  /** Test seam: a dialect with a given clock and id source. */
  public static AcsDialect create(HostPolicy outbound, Clock clock, Supplier<String> ids) {
    return new AcsDialect(new AcsRequests(outbound), new AcsEvents(clock, ids));
  }
}
