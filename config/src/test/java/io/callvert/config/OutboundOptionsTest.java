package io.callvert.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OutboundOptionsTest {

  @Test
  @DisplayName("defaults: nothing listed, internal addresses decided by http.host (auto)")
  void defaults() {
    OutboundOptions d = CallvertOptions.defaults().outbound();
    assertThat(d).isEqualTo(new OutboundOptions(List.of(), List.of(), InternalAddresses.AUTO));
    assertThat(d.deniesInternal(true)).isFalse();
    assertThat(d.deniesInternal(false)).isTrue();
    assertThat(d.withInternalAddresses(InternalAddresses.ALLOW).deniesInternal(false)).isFalse();
    assertThat(d.withInternalAddresses(InternalAddresses.DENY).deniesInternal(true)).isTrue();
  }

  @Test
  @DisplayName("entries are CIDR blocks, addresses, names or *.domain wildcards; anything else names the key")
  void entries_validated() {
    OutboundOptions o = CallvertOptions.fromJson(new JsonObject().put("outbound", new JsonObject()
        .put("allow", new JsonArray().add("10.1.0.0/16").add("[fd00::]/8").add("bots.example.com.").add("*.corp.example"))
        .put("internalAddresses", "DENY"))).outbound();
    assertThat(o.allowRules()).hasSize(4);
    assertThat(o.internalAddresses()).isEqualTo(InternalAddresses.DENY);
    for (String bad : List.of("10.0.0.0/33", "::/129", "exa mple.com", "a/8", "10.0.0.0/x", "http://x/")) {
      assertThatThrownBy(() -> OutboundOptions.defaults().withDeny(List.of(bad)))
          .isInstanceOf(ConfigException.class).hasMessageContaining("outbound.deny").hasMessageContaining(bad);
    }
    assertThatThrownBy(() -> CallvertOptions.fromJson(new JsonObject().put("outbound",
        new JsonObject().put("internalAddresses", "sometimes"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("outbound.internalAddresses");
  }

  @Test
  @DisplayName("HostRule matches blocks bit-exactly and names exactly or below a wildcard")
  void host_rule_matching() throws Exception {
    HostRule block = HostRule.parse("172.16.0.0/12");
    assertThat(block.matchesAddress(InetAddress.getByName("172.31.255.255"))).isTrue();
    assertThat(block.matchesAddress(InetAddress.getByName("172.32.0.0"))).isFalse();
    assertThat(block.matchesAddress(InetAddress.getByName("::1"))).isFalse();
    assertThat(HostRule.parse("0.0.0.0/0").matchesAddress(InetAddress.getByName("8.8.8.8"))).isTrue();
    assertThat(HostRule.parse("fc00::/7").matchesAddress(InetAddress.getByName("fd00:ec2::254"))).isTrue();
    assertThat(HostRule.parse("169.254.169.254").matchesAddress(InetAddress.getByName("169.254.169.253"))).isFalse();
    HostRule wild = HostRule.parse("*.Example.com");
    assertThat(wild.matchesName("bots.example.com")).isTrue();
    assertThat(wild.matchesName("example.com")).isFalse();
    assertThat(wild.matchesName("badexample.com")).isFalse();
    assertThat(HostRule.parse("bots.example.com").matchesName("bots.example.com")).isTrue();
    assertThat(HostRule.parse("bots.example.com").matchesName("x.bots.example.com")).isFalse();
  }
}
