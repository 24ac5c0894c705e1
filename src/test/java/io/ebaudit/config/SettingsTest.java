package io.ebaudit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ebaudit.rules.RuleContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingsTest {
  @Test
  void fileThenSetOverrideTheDefaults() {
    Settings s = Settings.defaults()
        .overlay("ingest:\n  max_reject_ratio: 0.2\nrules:\n  eb_cname_swapped: {severity: high}\n", "user.yaml")
        .with(List.of("ingest.max_reject_ratio=0.3",
            "rules.eb_change_from_untrusted_network.trusted_cidrs=203.0.113.0/24,10.0.0.0/8"));
    assertThat(s.getDouble("ingest.max_reject_ratio", 0, 1)).isEqualTo(0.3);
    assertThat(s.getLong("ingest.max_record_bytes", 1)).isEqualTo(8388608L); // untouched default
    RuleContext ctx = new RuleContext(s.section("rules"));
    assertThat(ctx.params("eb_change_from_untrusted_network", "trusted_cidrs", List.of()))
        .containsExactly("203.0.113.0/24", "10.0.0.0/8");
    assertThat(ctx.param("eb_cname_swapped", "severity", "low")).isEqualTo("high");
  }

  @Test
  void mistakesSayWhatAndWhat() {
    assertThatThrownBy(() -> Settings.defaults().overlay("ingest: [1, 2", "bad.yaml"))
        .hasMessageStartingWith("Cannot configure: bad.yaml is not valid YAML");
    assertThatThrownBy(() -> Settings.defaults().overlay("- a\n- b\n", "list.yaml"))
        .hasMessage("Cannot configure: list.yaml must be a YAML mapping, got ARRAY");
    assertThatThrownBy(() -> Settings.defaults().with(List.of("ingest.max_reject_ratio")))
        .hasMessage("Cannot configure: --set takes key=value, got ingest.max_reject_ratio");
    assertThatThrownBy(() -> Settings.defaults().with(List.of("ingest.max_reject_ratio=lots")).getDouble("ingest.max_reject_ratio", 0, 1))
        .hasMessage("Cannot configure: ingest.max_reject_ratio must be a number from 0.0 to 1.0, got lots");
  }
}
