package io.callvert.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One entry of {@code outbound.allow} or {@code outbound.deny}: an address block in CIDR notation
 * ({@code 10.0.0.0/8}, {@code fd00::/8}), a single address ({@code 10.1.2.3}, {@code ::1}), a host name
 * ({@code bots.example.com}, matched exactly) or a domain wildcard ({@code *.example.com}, matching every name
 * below it but not the domain itself). Names compare case-insensitively, without a trailing dot.
 */
public final class HostRule {

  private static final Pattern NAME = Pattern.compile(
      "(\\*\\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final String text;
  private final String name;      // exact name, or the suffix ".example.com" of a wildcard
  private final boolean wildcard;
  private final byte[] network;   // null for a name rule
  private final int prefix;

  private HostRule(String text, String name, boolean wildcard, byte[] network, int prefix) {
    this.text = text;
    this.name = name;
    this.wildcard = wildcard;
    this.network = network;
    this.prefix = prefix;
  }

  /**
   * Parses an entry.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static HostRule parse(String entry) {
    String s = entry.trim().toLowerCase(Locale.ROOT);
    int slash = s.indexOf('/');
    String addr = slash < 0 ? s : s.substring(0, slash);
    if (addr.startsWith("[") && addr.endsWith("]")) {
      addr = addr.substring(1, addr.length() - 1);
    }
    if (addr.contains(":") || IPV4.matcher(addr).matches()) {
      byte[] bytes;
      try {
        bytes = InetAddress.getByName(addr).getAddress(); // a literal: no name resolution
      } catch (UnknownHostException | SecurityException e) {
        throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR block");
      }
      int bits = bytes.length * 8;
      int prefix = bits;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > bits) {
          throw new IllegalArgumentException("'" + entry + "' has a prefix length outside 0.." + bits);
        }
      }
      return new HostRule(entry.trim(), null, false, bytes, prefix);
    }
    if (slash >= 0) {
      throw new IllegalArgumentException("'" + entry + "' is not a CIDR block (address/prefix length)");
    }
    String n = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    if (n.length() > 253 || !NAME.matcher(n).matches()) {
      throw new IllegalArgumentException("'" + entry + "' is not a host name, *.domain, IP address or CIDR block");
    }
    boolean wildcard = n.startsWith("*.");
    return new HostRule(entry.trim(), wildcard ? n.substring(1) : n, wildcard, null, 0);
  }

  /** Whether this rule names {@code host} (lower case, no trailing dot); address rules never match a name. */
  public boolean matchesName(String host) {
    if (name == null) {
      return false;
    }
    return wildcard ? host.endsWith(name) && host.length() > name.length() : host.equals(name);
  }

  /** Whether {@code address} lies in this rule's block; name rules never match an address. */
  public boolean matchesAddress(InetAddress address) {
    if (network == null) {
      return false;
    }
    byte[] a = address.getAddress();
    if (a.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (network[full] & mask);
  }

  /** Whether this rule is an address block (else a name). */
  public boolean isAddressRule() {
    return network != null;
  }

  @Override
  public String toString() {
    return text;
  }
}
