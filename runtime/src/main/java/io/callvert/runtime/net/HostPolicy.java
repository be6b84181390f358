package io.callvert.runtime.net;

import io.callvert.config.CallvertOptions;
import io.callvert.config.HostRule;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * The outbound host policy (contract rule 37 — Outbound host policy): which hosts Callvert may reach on a bot's
 * behalf (notifications, 302 targets, prompt and preFetch media). Pure: it decides on a host name and an address;
 * resolving names and connecting to the checked address is the HTTP edge's part.
 *
 * <p>Per address: on {@code outbound.allow} (by the URI's host name or the address) → allowed; else on
 * {@code outbound.deny} → refused; else an internal address while internal addresses are denied → refused; else
 * allowed. IPv4 addresses embedded in IPv6 (mapped, compatible, NAT64, 6to4) are judged as the IPv4 address too.
 */
public final class HostPolicy {

  /** Allows everything (a loopback bind with nothing configured): the edge may skip resolving names itself. */
  public static final HostPolicy ALLOW_ALL = new HostPolicy(List.of(), List.of(), false);

  /** Internal blocks and what they are, in the words of a refusal. */
  private static final List<Block> INTERNAL = List.of(
      new Block("169.254.169.254/32", "cloud metadata"),
      new Block("fd00:ec2::254/128", "cloud metadata"),
      new Block("100.100.100.200/32", "cloud metadata"),
      new Block("0.0.0.0/8", "'this network' (0.0.0.0/8)"),
      new Block("10.0.0.0/8", "private (10.0.0.0/8)"),
      new Block("100.64.0.0/10", "shared carrier-grade NAT (100.64.0.0/10)"),
      new Block("127.0.0.0/8", "loopback"),
      new Block("169.254.0.0/16", "link-local (169.254.0.0/16)"),
      new Block("172.16.0.0/12", "private (172.16.0.0/12)"),
      new Block("192.0.0.0/24", "IETF protocol assignment (192.0.0.0/24)"),
      new Block("192.168.0.0/16", "private (192.168.0.0/16)"),
      new Block("198.18.0.0/15", "benchmarking (198.18.0.0/15)"),
      new Block("224.0.0.0/4", "multicast"),
      new Block("240.0.0.0/4", "reserved or broadcast (240.0.0.0/4)"),
      new Block("::/96", "unspecified, loopback or IPv4-compatible IPv6 (::/96)"),
      new Block("fe80::/10", "link-local (fe80::/10)"),
      new Block("fec0::/10", "site-local (fec0::/10)"),
      new Block("fc00::/7", "unique local (fc00::/7)"),
      new Block("ff00::/8", "multicast"));

  private record Block(HostRule rule, String label) {
    Block(String cidr, String label) {
      this(HostRule.parse(cidr), label);
    }
  }

  private final List<HostRule> allow;
  private final List<HostRule> deny;
  private final boolean denyInternal;

  public HostPolicy(List<HostRule> allow, List<HostRule> deny, boolean denyInternal) {
    this.allow = List.copyOf(allow);
    this.deny = List.copyOf(deny);
    this.denyInternal = denyInternal;
  }

  /** The policy of a Callvert instance: {@code outbound.*}, internal addresses judged against {@code http.host}. */
  public static HostPolicy of(CallvertOptions options) {
    var o = options.outbound();
    boolean denyInternal = o.deniesInternal(options.http().isLoopback());
    if (o.allow().isEmpty() && o.deny().isEmpty() && !denyInternal) {
      return ALLOW_ALL;
    }
    return new HostPolicy(o.allowRules(), o.denyRules(), denyInternal);
  }

  /** Whether this policy can refuse anything at all. */
  public boolean allowsEverything() {
    return deny.isEmpty() && !denyInternal;
  }

  /** A URI's host as the policy compares it: lower case, without IPv6 brackets or a trailing dot. */
  public static String normalize(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    while (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }

  /**
   * The address {@code host} names without DNS, or null when only DNS can tell: an IPv6 literal, an IPv4 literal
   * in any form the C library's {@code inet_aton} reads (so also {@code 2852039166}, {@code 0xA9FEA9FE},
   * {@code 0251.0376.0251.0376}, {@code 169.254.43518}), or {@code localhost} and names below it (loopback).
   */
  public static InetAddress literal(String host) {
    String h = normalize(host);
    if (h.isEmpty()) {
      return null;
    }
    try {
      if (h.equals("localhost") || h.endsWith(".localhost")) {
        return InetAddress.getByAddress(h, new byte[] {127, 0, 0, 1});
      }
      if (h.contains(":")) {
        int zone = h.indexOf('%');
        return InetAddress.getByName(zone < 0 ? h : h.substring(0, zone)); // a literal: no DNS
      }
      byte[] v4 = inetAton(h);
      return v4 == null ? null : InetAddress.getByAddress(v4);
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
  }

  /** inet_aton: 1 to 4 parts, each decimal, 0x hex or 0 octal; the last part fills the remaining bytes. */
  static byte[] inetAton(String h) {
    String[] parts = h.split("\\.", -1);
    if (parts.length < 1 || parts.length > 4) {
      return null;
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      int radix = 10;
      if (p.startsWith("0x")) {
        radix = 16;
        p = p.substring(2);
        if (p.isEmpty()) {
          p = "0"; // inet_aton reads "0x" as 0
        }
      } else if (p.length() > 1 && p.startsWith("0")) {
        radix = 8;
        p = p.substring(1);
      }
      if (p.isEmpty() || p.length() > 12) {
        return null;
      }
      try {
        values[i] = Long.parseLong(p, radix);
      } catch (NumberFormatException e) {
        return null;
      }
      if (p.charAt(0) == '-' || p.charAt(0) == '+') {
        return null;
      }
    }
    long last = values[parts.length - 1];
    int lastBytes = 5 - parts.length;
    if (last >= (1L << (8 * lastBytes))) {
      return null;
    }
    long v = last;
    for (int i = 0; i < parts.length - 1; i++) {
      if (values[i] > 255) {
        return null;
      }
      v |= values[i] << (8 * (3 - i));
    }
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  /**
   * Why {@code address}, reached as {@code host}, is refused, or null when it is allowed.
   *
   * @param host the URI's host (any case, brackets and trailing dot allowed)
   */
  public String refusal(String host, InetAddress address) {
    String h = normalize(host);
    String shown = address.getHostAddress();
    for (HostRule r : allow) {
      if (r.matchesName(h) || matches(r, address)) {
        return null;
      }
    }
    for (HostRule r : deny) {
      if (r.matchesName(h)) {
        return h + " is denied by outbound.deny (" + r + ")";
      }
      if (matches(r, address)) {
        return shown + " is denied by outbound.deny (" + r + ")";
      }
    }
    if (denyInternal) {
      for (Block b : INTERNAL) {
        if (matches(b.rule(), address)) {
          return shown + " is a " + b.label() + " address, refused by outbound.internalAddresses";
        }
      }
    }
    return null;
  }

  /**
   * Why {@code host} is refused without asking DNS: a name on {@code outbound.deny} (and not on allow), or a literal
   * address (or {@code localhost}) that {@link #refusal} refuses. Null when allowed, or when only DNS can tell.
   */
  public String refusalWithoutDns(String host) {
    String h = normalize(host);
    InetAddress literal = literal(h);
    if (literal != null) {
      return refusal(h, literal);
    }
    for (HostRule r : allow) {
      if (r.matchesName(h)) {
        return null;
      }
    }
    for (HostRule r : deny) {
      if (r.matchesName(h)) {
        return h + " is denied by outbound.deny (" + r + ")";
      }
    }
    return null;
  }

  /**
   * {@link #refusalWithoutDns} of an absolute http(s) URI's host; null for {@code local:} URIs and URIs without a
   * host (those are refused elsewhere).
   */
  public String refusalOfUri(String uri) {
    if (allowsEverything() || uri.regionMatches(true, 0, "local:", 0, 6)) {
      return null;
    }
    try {
      String host = new URI(uri).getHost();
      return host == null ? null : refusalWithoutDns(host);
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  /** The rule against the address and against every IPv4 address embedded in it. */
  private static boolean matches(HostRule rule, InetAddress address) {
    if (rule.matchesAddress(address)) {
      return true;
    }
    InetAddress embedded = embeddedV4(address);
    return embedded != null && rule.matchesAddress(embedded);
  }

  /** The IPv4 address inside an IPv4-mapped, -compatible, NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address. */
  static InetAddress embeddedV4(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return null;
    }
    byte[] a = address.getAddress();
    int from;
    if (allZero(a, 0, 10) && ((a[10] == (byte) 0xff && a[11] == (byte) 0xff) || (a[10] == 0 && a[11] == 0))) {
      from = 12; // ::ffff:a.b.c.d and ::a.b.c.d
    } else if (a[0] == 0 && a[1] == 0x64 && a[2] == (byte) 0xff && a[3] == (byte) 0x9b && allZero(a, 4, 12)) {
      from = 12; // 64:ff9b::a.b.c.d
    } else if (a[0] == 0x20 && a[1] == 0x02) {
      from = 2; // 2002:aabb:ccdd::
    } else {
      return null;
    }
    try {
      return Inet4Address.getByAddress(new byte[] {a[from], a[from + 1], a[from + 2], a[from + 3]});
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static boolean allZero(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
