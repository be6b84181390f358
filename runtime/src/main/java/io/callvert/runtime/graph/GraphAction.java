package io.callvert.runtime.graph;

import io.callvert.runtime.call.CallProtocol;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The action segments of {@code /communications/calls/{id}/{action}} (contract rule 1): the one
 * list of what Callvert serves, what it knows but does not support, and which role each needs.
 */
public enum GraphAction {
  ANSWER("answer", false, CallProtocol.Answer.class),
  REJECT("reject", false, CallProtocol.Reject.class),
  REDIRECT("redirect", false, CallProtocol.Redirect.class),
  KEEP_ALIVE("keepAlive", false, CallProtocol.KeepAlive.class),
  PLAY_PROMPT("playPrompt", false, CallProtocol.PlayPrompt.class),
  RECORD_RESPONSE("recordResponse", true, CallProtocol.RecordResponse.class),
  CANCEL_MEDIA_PROCESSING("cancelMediaProcessing", false, CallProtocol.CancelMedia.class),
  SUBSCRIBE_TO_TONE("subscribeToTone", true, CallProtocol.SubscribeToTone.class),
  SEND_DTMF_TONES("sendDtmfTones", false, CallProtocol.SendDtmf.class);

  /** Graph features Callvert knows of and answers {@code 400 notSupported}, lower-case. */
  public static final Set<String> NOT_SUPPORTED = Set.of("transfer", "mute", "unmute", "updaterecordingstatus",
      "changescreensharingrole", "participants", "audioroutinggroups", "contentsharingsessions",
      "addlargegalleryview", "logteleconferencedevicequality");

  private static final Map<String, GraphAction> BY_SEGMENT;

  static {
    Map<String, GraphAction> m = new java.util.HashMap<>();
    for (GraphAction a : values()) {
      m.put(a.segment.toLowerCase(Locale.ROOT), a);
    }
    m.put("record", RECORD_RESPONSE); // the older name
    BY_SEGMENT = Map.copyOf(m);
  }

  private final String segment;
  private final boolean mediaRoleOnly;
  private final Class<? extends CallProtocol.Command> commandType;

  GraphAction(String segment, boolean mediaRoleOnly, Class<? extends CallProtocol.Command> commandType) {
    this.segment = segment;
    this.mediaRoleOnly = mediaRoleOnly;
    this.commandType = commandType;
  }

  /** The call command this action parses to. */
  public Class<? extends CallProtocol.Command> commandType() {
    return commandType;
  }

  /** The canonical path segment, e.g. {@code playPrompt}; also the action's name in error messages. */
  public String segment() {
    return segment;
  }

  /** True when only {@code Calls.AccessMedia.All} may use it (not {@code Calls.Initiate.All} alone). */
  public boolean mediaRoleOnly() {
    return mediaRoleOnly;
  }

  /**
   * The action named by a path segment, in any case, with or without the {@code microsoft.graph.}
   * prefix; null when it is not one Callvert serves.
   */
  public static GraphAction fromSegment(String segment) {
    return BY_SEGMENT.get(bare(segment));
  }

  /** The segment lower-cased and without its {@code microsoft.graph.} prefix. */
  public static String bare(String segment) {
    String name = segment.toLowerCase(Locale.ROOT);
    return name.startsWith("microsoft.graph.") ? name.substring("microsoft.graph.".length()) : name;
  }
}
