package io.callvert.runtime.call;

/** An operation's status: it moves forward only, and ends in exactly one terminal status (contract rule 8 — Exactly one ending per operation). */
public enum OperationStatus {
  NOT_STARTED, RUNNING, COMPLETED, FAILED;

  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED;
  }
}
