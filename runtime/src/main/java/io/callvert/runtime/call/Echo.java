package io.callvert.runtime.call;

/**
 * How the parties of a call were described by the dialect that created it (for Graph: the
 * normalised {@code source} participantInfo and {@code targets}), kept as that dialect's own
 * encoded text so it can show them again unchanged. The call never reads it.
 *
 * @param dialect the dialect that wrote it (e.g. {@code graph})
 * @param source  the caller's description, or null
 * @param targets the callees' description
 */
public record Echo(String dialect, String source, String targets) {
}
