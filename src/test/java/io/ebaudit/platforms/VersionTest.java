package io.ebaudit.platforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionTest {

  @Test
  void ordersNumericallyNotLexically() {
    assertThat(Version.of("3.10.0")).isGreaterThan(Version.of("3.9.9"));
    assertThat(Version.of("3.10.0").isNewerThan(Version.of("3.9.9"))).isTrue();
    assertThat(Version.of("2.9.12")).isGreaterThan(Version.of("2.9.2"));
    assertThat(Version.of("10.0.0")).isGreaterThan(Version.of("9.99.99"));
    List<Version> list = new ArrayList<>(List.of(Version.of("0.2.1"), Version.of("0.0.4"), Version.of("0.0.1")));
    Collections.sort(list);
    assertThat(list).extracting(Version::toString).containsExactly("0.0.1", "0.0.4", "0.2.1");
  }

  @Test
  void parsesShortAndPrefixedForms() {
    assertThat(Version.of("v2.5")).isEqualTo(new Version(2, 5, 0));
    assertThat(Version.parse("2.5.0-ce")).isEmpty();
    assertThat(Version.parse(null)).isEmpty();
    assertThatThrownBy(() -> Version.of("latest")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void lifecycleIsCaseInsensitive() {
    assertThat(Lifecycle.parse("Deprecated")).isEqualTo(Lifecycle.DEPRECATED);
    assertThat(Lifecycle.parse("deprecated")).isEqualTo(Lifecycle.DEPRECATED);
    assertThat(Lifecycle.parse("RETIRED")).isEqualTo(Lifecycle.RETIRED);
    assertThat(Lifecycle.parse(" Beta ")).isEqualTo(Lifecycle.BETA);
    assertThat(Lifecycle.parse("Recommended")).isEqualTo(Lifecycle.UNKNOWN);
    assertThat(Lifecycle.later(Lifecycle.SUPPORTED, Lifecycle.DEPRECATED)).isEqualTo(Lifecycle.DEPRECATED);
    assertThat(Lifecycle.later(Lifecycle.RETIRED, Lifecycle.BETA)).isEqualTo(Lifecycle.RETIRED);
  }
}
