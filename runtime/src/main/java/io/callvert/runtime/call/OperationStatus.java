package io.callvert.runtime.call;

/** An operation's status: it moves forward only, and ends in exactly one terminal status (rule 8). */
public enum OperationStatus {
  NOT_STARTED, RUNNING, COMPLETED, FAILED;

  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED;
  }
}
