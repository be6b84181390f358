package io.callvert.config;

import java.util.List;

/**
 * Clustering via Hazelcast (JSON object {@code cluster}).
 *
 * @param enabled join a Vert.x cluster on Hazelcast (shared call directory), default false
 * @param host interface the cluster member binds to, default {@code 127.0.0.1}
 * @param port cluster member port, default 5701
 * @param members seed members for TCP/IP discovery as {@code host[:port]}, default the three local ports 5701..5703
 * @param hazelcastConfigFile nullable Hazelcast XML/YAML config file used instead of host/port/members
 * @param nodeName nullable name of this node (logs, metrics); derived by the runtime when unset
 */
public record ClusterOptions(boolean enabled, String host, int port, List<String> members, String hazelcastConfigFile,
    String nodeName) {

  public static final boolean DEFAULT_ENABLED = false;
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 5701;
  public static final List<String> DEFAULT_MEMBERS = List.of("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703");

  /** Validates; {@code null} host/members mean the defaults, blank nullable strings mean unset. */
  public ClusterOptions {
    host = host == null ? DEFAULT_HOST : Check.host("cluster.host", host);
    Check.port("cluster.port", port);
    members = members == null ? DEFAULT_MEMBERS : Check.strings("cluster.members", members);
    for (String m : members) {
      checkMember(m);
    }
    hazelcastConfigFile = Check.blankToNull(hazelcastConfigFile);
    nodeName = Check.blankToNull(nodeName);
  }

  /** {@code host}, {@code host:port}, {@code [v6]}, {@code [v6]:port} or a bare IPv6 literal. */
  private static void checkMember(String member) {
    String problem = "members must look like host[:port], got " + Check.show(member);
    if (member.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigException("cluster.members", problem);
    }
    String port = null;
    if (member.startsWith("[")) {
      int close = member.indexOf(']');
      if (close < 2) {
        throw new ConfigException("cluster.members", problem);
      }
      String rest = member.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new ConfigException("cluster.members", problem);
        }
        port = rest.substring(1);
      }
    } else if (member.indexOf(':') >= 0 && member.indexOf(':') == member.lastIndexOf(':')) {
      int colon = member.indexOf(':');
      if (colon == 0) {
        throw new ConfigException("cluster.members", problem);
      }
      port = member.substring(colon + 1);
    }
    if (port != null) {
      int p;
      try {
        p = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        throw new ConfigException("cluster.members", problem);
      }
      if (p < 1 || p > 65535) {
        throw new ConfigException("cluster.members", "member ports must be 1..65535, got " + Check.show(member));
      }
    }
  }

  public static ClusterOptions defaults() {
    return new ClusterOptions(DEFAULT_ENABLED, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MEMBERS, null, null);
  }

  public ClusterOptions withEnabled(boolean enabled) {
    return new ClusterOptions(enabled, host, port, members, hazelcastConfigFile, nodeName);
  }

  public ClusterOptions withHost(String host) {
    return new ClusterOptions(enabled, host, port, members, hazelcastConfigFile, nodeName);
  }

  public ClusterOptions withPort(int port) {
    return new ClusterOptions(enabled, host, port, members, hazelcastConfigFile, nodeName);
  }

  public ClusterOptions withMembers(List<String> members) {
    return new ClusterOptions(enabled, host, port, members, hazelcastConfigFile, nodeName);
  }

  public ClusterOptions withHazelcastConfigFile(String hazelcastConfigFile) {
    return new ClusterOptions(enabled, host, port, members, hazelcastConfigFile, nodeName);
  }

  public ClusterOptions withNodeName(String nodeName) {
    return new ClusterOptions(enabled, host, port, members, hazelcastConfigFile, nodeName);
  }
}
