package io.ebaudit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ebaudit.config.Settings;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SuppressionsParseTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static JsonNode yaml(String s) throws Exception {
    return YAML.readTree(s);
  }

  @Test
  void defaultsHaveAnEmptyList() {
    assertThat(Suppressions.parse(Settings.defaults().section("suppressions"))).isEmpty();
  }

  @Test
  void parsesTheSettingsList() {
    Settings s = Settings.defaults().overlay("""
        suppressions:
          - rule_id: eb_imdsv1_allowed
            environment: legacy-batch-prod
            reason: "Vendor agent needs IMDSv1"
            expires: 2027-03-31
          - rule_id: eb_environment_terminated
            principal_arn: "arn:aws:iam::123456789012:role/ci-*"
            reason: CI tears down review environments
        """, "test.yaml");
    List<Suppression> list = Suppressions.parse(s.section("suppressions"));
    assertThat(list).containsExactly(
        new Suppression("eb_imdsv1_allowed", "legacy-batch-prod", null, null, "Vendor agent needs IMDSv1",
            LocalDate.of(2027, 3, 31)),
        new Suppression("eb_environment_terminated", null, "arn:aws:iam::123456789012:role/ci-*", null,
            "CI tears down review environments", null));
    assertThat(Suppressions.unknownRuleIds(list, Set.of("eb_imdsv1_allowed"))).containsExactly("eb_environment_terminated");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "[{rule_id: eb_x}]|suppressions[0] needs a reason",
        "[{rule_id: eb_x, reason: '  '}]|suppressions[0] needs a reason",
        "[{reason: because}]|suppressions[0] needs a rule_id",
        "[{rule_id: eb_x, reason: r, expires: 2027-13-01}]|suppressions[0].expires must be a date YYYY-MM-DD, got 2027-13-01",
        "[{rule_id: eb_x, reason: r, expires: next week}]|suppressions[0].expires must be a date YYYY-MM-DD, got next week",
        "[{rule_id: eb_x, reason: r, envirnoment: prod}]|has an unknown key",
        "[{rule_id: 'EB X', reason: r}]|rule_id must be a snake_case rule id, got EB X",
        "[{rule_id: eb_x, reason: [a, b]}]|suppressions[0].reason must be a single value",
        "{rule_id: eb_x}|suppressions must be a list",
        "[eb_x]|suppressions[0] must be a mapping",
      })
  void configMistakesFailWithOneLine(String yaml, String message) {
    assertThatThrownBy(() -> Suppressions.parse(yaml(yaml)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot configure: ")
        .hasMessageContaining(message)
        .hasMessageContaining(", got ");
  }

  @Test
  void nullIsEmpty() throws Exception {
    assertThat(Suppressions.parse(null)).isEmpty();
    assertThat(Suppressions.parse(yaml("~"))).isEmpty();
  }

  @Test
  void expiryIsInclusive() {
    Suppression s = new Suppression("eb_x", null, null, null, "r", LocalDate.of(2026, 11, 30));
    assertThat(s.activeOn(LocalDate.of(2026, 11, 30))).isTrue();
    assertThat(s.activeOn(LocalDate.of(2026, 12, 1))).isFalse();
    assertThat(new Suppression("eb_x", null, null, null, "r", null).activeOn(LocalDate.MAX)).isTrue();
  }
}
