package io.ebaudit.rules.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CidrsTest {
  private final Cidrs trusted = Cidrs.parse(List.of("10.0.0.0/8", " 192.0.2.0/25", "203.0.113.7", "2001:db8::/32",
      "fe80::1:0:0:0/80", "0.0.0.0/0 ".substring(0, 0)));

  @Test
  void ipv4() {
    assertThat(trusted.contains("10.255.1.2")).isTrue();
    assertThat(trusted.contains("11.0.0.1")).isFalse();
    assertThat(trusted.contains("192.0.2.127")).isTrue();
    assertThat(trusted.contains("192.0.2.128")).isFalse();
    assertThat(trusted.contains("203.0.113.7")).isTrue();
    assertThat(trusted.contains("203.0.113.8")).isFalse();
  }

  @Test
  void ipv6() {
    assertThat(trusted.contains("2001:db8::1")).isTrue();
    assertThat(trusted.contains("2001:DB8:ffff:1:2:3:4:5")).isTrue();
    assertThat(trusted.contains("2001:db9::1")).isFalse();
    assertThat(trusted.contains("fe80::1:0:0:ffff")).isTrue();
    assertThat(trusted.contains("fe80::2:0:0:ffff")).isFalse();
    assertThat(trusted.contains("::ffff:10.1.2.3")).as("IPv4-mapped").isTrue();
    assertThat(trusted.contains("::ffff:11.1.2.3")).isFalse();
    assertThat(trusted.contains("::1")).isFalse();
  }

  @Test
  void notAddresses() {
    for (String s : new String[] {null, "", "elasticbeanstalk.amazonaws.com", "AWS Internal", "10.0.0", "10.0.0.256",
        "1.2.3.4.5", "2001:db8::1::2", "2001:db8:1:2:3:4:5:6:7", "12345::", "g::1", "10.0.0.1/8"}) {
      assertThat(trusted.contains(s)).as(String.valueOf(s)).isNull();
    }
  }

  @Test
  void zeroPrefixMatchesItsFamilyOnly() {
    Cidrs any4 = Cidrs.parse(List.of("0.0.0.0/0"));
    assertThat(any4.contains("8.8.8.8")).isTrue();
    assertThat(any4.contains("2001:db8::1")).isFalse();
    assertThat(Cidrs.parse(List.of("::/0")).contains("2001:db8::1")).isTrue();
  }

  @Test
  void badBlocksAreConfigurationErrors() {
    assertThatThrownBy(() -> Cidrs.parse(List.of("10.0.0.0/33"))).hasMessageContaining("10.0.0.0/33");
    assertThatThrownBy(() -> Cidrs.parse(List.of("corp-vpn"))).hasMessageContaining("corp-vpn");
    assertThatThrownBy(() -> Cidrs.parse(List.of("2001:db8::/129"))).hasMessageContaining("0-128");
    assertThat(Cidrs.parse(List.of()).isEmpty()).isTrue();
  }
}
