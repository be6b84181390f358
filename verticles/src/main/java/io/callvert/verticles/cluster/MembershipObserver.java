package io.callvert.verticles.cluster;

/** Told of every join and leave the call directory sees (contract rule 75 — Membership you can see), on the directory's context. */
public interface MembershipObserver {

  MembershipObserver NONE = new MembershipObserver() {
    @Override
    public void joined(String nodeId, int members) {}

    @Override
    public void left(String nodeId, int members, NodeLoss loss) {}
  };

  void joined(String nodeId, int members);

  /** After this node handled the loss ({@code loss}: what it did). */
  void left(String nodeId, int members, NodeLoss loss);
}
