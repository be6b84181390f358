package io.callvert.runtime.graph;

import io.callvert.runtime.call.Notification;
import io.callvert.runtime.protocol.Outbound;

/**
 * The Microsoft Graph calls dialect, whole: requests parsed into the call protocol
 * ({@link GraphRequests}), replies and refusals as Graph answers ({@link GraphReplies}), events as
 * {@code commsNotifications} ({@link GraphEvents}), every shape written once ({@link GraphJson}).
 * The HTTP edge binds it to routes; another dialect would be a sibling of this package.
 */
public record GraphDialect(GraphRequests requests, GraphJson json, GraphReplies replies, GraphEvents events) {

  /**
   * @param defaultAppId       the bot app id used when a request names none
   * @param keepAliveTimeoutMs the inactivity limit, named in the message of a call it ended
   */
  public static GraphDialect create(String defaultAppId, long keepAliveTimeoutMs) {
    GraphJson json = new GraphJson(keepAliveTimeoutMs);
    return new GraphDialect(new GraphRequests(defaultAppId), json, new GraphReplies(json), new GraphEvents(json));
  }

  /**
   * The dialect of a Callvert instance: {@code webhook.appId}, {@code calls.keepAliveTimeoutMs}, the outbound host
   * policy callback URIs must pass and {@code media.maxPreFetchMedia}.
   */
  public static GraphDialect create(io.callvert.config.CallvertOptions options) {
    GraphJson json = new GraphJson(options.calls().keepAliveTimeoutMs());
    GraphRequests requests = new GraphRequests(options.webhook().appId(),
        io.callvert.runtime.net.HostPolicy.of(options), options.media().maxPreFetchMedia());
    return new GraphDialect(requests, json, new GraphReplies(json), new GraphEvents(json));
  }

  /** Renders a call's event as the notification its bot receives. */
  public Outbound render(Notification n) {
    return events.render(n);
  }
}
