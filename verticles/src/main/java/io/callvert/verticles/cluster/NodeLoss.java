package io.callvert.verticles.cluster;

/**
 * What this node did about a node that left the cluster (contract rule 75 — Membership you can see): logged on
 * one line and counted ({@code callvert_cluster_*} metrics).
 *
 * @param reporter      whether this node was the survivor that reports the lost node's calls (exactly one is)
 * @param callsEnded    calls of the lost node this node ended (their bots told, contract rule 22)
 * @param botsTold      distinct callback URIs those calls' notifications went to
 * @param notifications notifications handed to delivery for them (operation endings and call endings)
 * @param keysWithdrawn signing keys of the lost node taken out of the cluster's JWKS
 * @param tookMs        from the leave event to the last notification handed to delivery
 */
public record NodeLoss(boolean reporter, int callsEnded, int botsTold, int notifications, int keysWithdrawn, long tookMs) {

  /** A node that is not the reporter does nothing. */
  public static NodeLoss notReporter(long tookMs) {
    return new NodeLoss(false, 0, 0, 0, 0, tookMs);
  }
}
