package io.callvert.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.CallvertOptions;
import io.callvert.config.HostRule;
import io.callvert.config.HttpOptions;
import io.callvert.config.InternalAddresses;
import io.callvert.config.OutboundOptions;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPolicyTest {

  /** What a non-loopback bind gets by default. */
  private static final HostPolicy PUBLIC_BIND = HostPolicy.of(CallvertOptions.defaults()
      .withHttp(HttpOptions.defaults().withHost("0.0.0.0")));

  @ParameterizedTest(name = "{0} = {1}")
  @DisplayName("every inet_aton form of an IPv4 literal is read as the address it names (no DNS)")
  @CsvSource({
      "169.254.169.254, 169.254.169.254", "2852039166, 169.254.169.254", "0xA9FEA9FE, 169.254.169.254",
      "0xa9.0xfe.0xa9.0xfe, 169.254.169.254", "0251.0376.0251.0376, 169.254.169.254", "169.254.43518, 169.254.169.254",
      "169.16689662, 169.254.169.254", "0x7f.1, 127.0.0.1", "017700000001, 127.0.0.1", "127.1, 127.0.0.1",
      "0, 0.0.0.0", "10.0.0.1., 10.0.0.1", "LOCALHOST, 127.0.0.1", "api.localhost, 127.0.0.1",
      "[::ffff:169.254.169.254], 169.254.169.254", "[fd00:ec2::254], fd00:ec2:0:0:0:0:0:254"})
  void literal_forms(String host, String address) throws Exception {
    assertThat(HostPolicy.literal(host)).isNotNull();
    assertThat(HostPolicy.literal(host).getHostAddress()).isEqualTo(InetAddress.getByName(address).getHostAddress());
  }

  @ParameterizedTest
  @DisplayName("names, and numbers inet_aton would not take, are left to DNS")
  @ValueSource(strings = {"example.com", "1.2.3.4.5", "256.1.1.1", "0x1g", "1..2", "08", "4294967296", "-1", "a.0x10", ""})
  void names_are_not_literals(String host) {
    assertThat(HostPolicy.literal(host)).isNull();
  }

  @ParameterizedTest
  @DisplayName("on a non-loopback bind every internal range is refused, in any spelling")
  @ValueSource(strings = {"169.254.169.254", "2852039166", "0xA9FEA9FE", "0251.0376.0251.0376", "[fd00:ec2::254]",
      "10.0.0.1", "172.16.5.4", "192.168.1.1", "[fd00::1]", "[fe80::1]", "127.0.0.1", "localhost", "[::1]", "0.0.0.0",
      "[::]", "[::ffff:10.0.0.1]", "[::ffff:a9fe:a9fe]", "[64:ff9b::a9fe:a9fe]", "[2002:a9fe:a9fe::1]", "100.100.100.200",
      "100.64.0.1", "224.0.0.1", "255.255.255.255"})
  void internal_refused(String host) {
    assertThat(PUBLIC_BIND.refusalWithoutDns(host)).isNotNull().contains("outbound.internalAddresses");
  }

  @Test
  @DisplayName("the refusal names the address and what it is")
  void refusal_wording() {
    assertThat(PUBLIC_BIND.refusalWithoutDns("0xA9FEA9FE"))
        .isEqualTo("169.254.169.254 is a cloud metadata address, refused by outbound.internalAddresses");
    assertThat(PUBLIC_BIND.refusalOfUri("http://10.0.0.1:22/x"))
        .isEqualTo("10.0.0.1 is a private (10.0.0.0/8) address, refused by outbound.internalAddresses");
    assertThat(PUBLIC_BIND.refusalOfUri("local:bot")).isNull();
  }

  @ParameterizedTest
  @DisplayName("public addresses and names pass; names are left to the check after DNS")
  @ValueSource(strings = {"8.8.8.8", "134744072", "[2001:4860:4860::8888]", "bots.example.com", "metadata.google.internal"})
  void public_allowed(String host) {
    assertThat(PUBLIC_BIND.refusalWithoutDns(host)).isNull();
  }

  @Test
  @DisplayName("a loopback bind (the fat jar's default) allows everything; internalAddresses=deny overrides it")
  void loopback_default_allows() {
    assertThat(HostPolicy.of(CallvertOptions.defaults())).isSameAs(HostPolicy.ALLOW_ALL);
    assertThat(HostPolicy.ALLOW_ALL.refusalWithoutDns("169.254.169.254")).isNull();
    HostPolicy strict = HostPolicy.of(CallvertOptions.defaults().withOutbound(
        OutboundOptions.defaults().withInternalAddresses(InternalAddresses.DENY)));
    assertThat(strict.refusalWithoutDns("127.0.0.1")).isNotNull();
  }

  @Test
  @DisplayName("allow beats deny beats the internal ranges; names match by the URI's host")
  void precedence() throws Exception {
    HostPolicy p = new HostPolicy(List.of(HostRule.parse("10.1.0.0/16"), HostRule.parse("*.bots.example")),
        List.of(HostRule.parse("0.0.0.0/0"), HostRule.parse("::/0"), HostRule.parse("evil.example")), true);
    assertThat(p.refusalWithoutDns("10.1.2.3")).isNull();
    assertThat(p.refusalWithoutDns("10.2.0.1")).contains("outbound.deny (0.0.0.0/0)");
    assertThat(p.refusalWithoutDns("evil.example")).isEqualTo("evil.example is denied by outbound.deny (evil.example)");
    assertThat(p.refusal("a.bots.example", InetAddress.getByName("192.168.0.1"))).isNull();
    assertThat(p.refusal("other.example", InetAddress.getByName("8.8.8.8"))).contains("8.8.8.8 is denied");
    HostPolicy internalOnly = new HostPolicy(List.of(), List.of(), true);
    assertThat(internalOnly.refusal("rebind.example", InetAddress.getByName("169.254.169.254"))).contains("cloud metadata");
    assertThat(internalOnly.refusal("ok.example", InetAddress.getByName("93.184.216.34"))).isNull();
  }
}
