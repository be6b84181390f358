package io.callvert.runtime.call;

import java.util.List;

/**
 * A call as it is at one moment, immutable: what a dialect renders for {@code GET} and for the
 * notifications that show the whole call.
 *
 * @param id          the call id (a lower-case GUID)
 * @param state       its state
 * @param direction   who placed it
 * @param callbackUri where its notifications go
 * @param tenantId    the bot's tenant, or null
 * @param subject     the call's subject, or null
 * @param echo        the parties as the creating dialect described them
 * @param modalities  the requested modalities
 * @param media       the service-hosted media set-up, or null while none is configured (an
 *                    unanswered incoming call)
 * @param endReason   why it ended, or null while live
 * @param tone        the last key the caller pressed with a tone subscription, or null
 */
public record CallSnapshot(String id, CallState state, Direction direction, String callbackUri, String tenantId,
    String subject, Echo echo, List<Modality> modalities, MediaSetup media, EndReason endReason, Tone tone) {

  /** A key the caller pressed, as tone subscribers see it. */
  public record Tone(long sequenceId, char key) {}
}
