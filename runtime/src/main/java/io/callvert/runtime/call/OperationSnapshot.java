package io.callvert.runtime.call;

/**
 * An operation as it is at one moment, immutable: what a dialect renders in the answer that
 * created it, for {@code GET}, and in its terminal notification.
 *
 * @param kind                 what it does
 * @param id                   its id (a lower-case GUID)
 * @param clientContext        the bot's correlation string, or null
 * @param status               its status
 * @param outcome              why it ended, or null while live
 * @param detail               what exactly went wrong (e.g. a prompt fetch failure), or null
 * @param recordingLocation    a record's recording URL ("" when none was made), null otherwise
 * @param recordingAccessToken the token that downloads it, likewise
 * @param tones                the keys a recognize collected so far ({@code 0-9 * # A-D}), null for other kinds
 */
public record OperationSnapshot(OperationKind kind, String id, String clientContext, OperationStatus status,
    Outcome outcome, String detail, String recordingLocation, String recordingAccessToken, String tones) {

  /** An operation that collects no keys. */
  public OperationSnapshot(OperationKind kind, String id, String clientContext, OperationStatus status,
      Outcome outcome, String detail, String recordingLocation, String recordingAccessToken) {
    this(kind, id, clientContext, status, outcome, detail, recordingLocation, recordingAccessToken, null);
  }
}
