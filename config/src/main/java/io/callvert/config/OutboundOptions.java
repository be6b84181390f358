package io.callvert.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;

/**
 * The host policy of outbound requests Callvert makes on a bot's behalf — notifications to its
 * {@code callbackUri} (and 302 targets), prompt and preFetch media (JSON object {@code outbound}). Checked after
 * DNS resolution, on every resolved address, and Callvert connects to the address it checked. An address or name
 * on {@code allow} is allowed; else one on {@code deny} is refused; else an internal address is refused when
 * {@code internalAddresses} says so; else it is allowed.
 *
 * @param allow entries (see {@link HostRule}) always allowed, e.g. the private network the bots run in; default empty
 * @param deny entries refused unless on {@code allow}, e.g. {@code 0.0.0.0/0} and {@code ::/0} to allow only
 *     {@code allow}; default empty
 * @param internalAddresses whether internal addresses may be reached, default {@link InternalAddresses#AUTO}
 *     (allowed only when {@code http.host} is loopback)
 */
public record OutboundOptions(List<String> allow, List<String> deny, InternalAddresses internalAddresses) {

  public static final InternalAddresses DEFAULT_INTERNAL_ADDRESSES = InternalAddresses.AUTO;

  /** Validates every entry; {@code null} lists are empty, a {@code null} mode is the default. */
  public OutboundOptions {
    allow = Check.strings("outbound.allow", allow);
    deny = Check.strings("outbound.deny", deny);
    rules("outbound.allow", allow);
    rules("outbound.deny", deny);
    internalAddresses = internalAddresses == null ? DEFAULT_INTERNAL_ADDRESSES : internalAddresses;
  }

  public static OutboundOptions defaults() {
    return new OutboundOptions(List.of(), List.of(), DEFAULT_INTERNAL_ADDRESSES);
  }

  /** {@link #allow()} parsed. */
  @JsonIgnore
  public List<HostRule> allowRules() {
    return rules("outbound.allow", allow);
  }

  /** {@link #deny()} parsed. */
  @JsonIgnore
  public List<HostRule> denyRules() {
    return rules("outbound.deny", deny);
  }

  /** Whether internal addresses are refused, given whether {@code http.host} is loopback. */
  public boolean deniesInternal(boolean httpHostIsLoopback) {
    return switch (internalAddresses) {
      case ALLOW -> false;
      case DENY -> true;
      case AUTO -> !httpHostIsLoopback;
    };
  }

  private static List<HostRule> rules(String key, List<String> entries) {
    List<HostRule> out = new ArrayList<>(entries.size());
    for (String e : entries) {
      try {
        out.add(HostRule.parse(e));
      } catch (IllegalArgumentException ex) {
        throw new ConfigException(key, ex.getMessage());
      }
    }
    return List.copyOf(out);
  }

  public OutboundOptions withAllow(List<String> allow) {
    return new OutboundOptions(allow, deny, internalAddresses);
  }

  public OutboundOptions withDeny(List<String> deny) {
    return new OutboundOptions(allow, deny, internalAddresses);
  }

  public OutboundOptions withInternalAddresses(InternalAddresses internalAddresses) {
    return new OutboundOptions(allow, deny, internalAddresses);
  }
}
