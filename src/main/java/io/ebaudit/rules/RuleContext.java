package io.ebaudit.rules;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * What a rule may read besides its input row: its parameters from the settings
 * ({@code rules.<id>.<param>}) and small column helpers shared by many rules.
 */
public final class RuleContext {
  private final JsonNode rules;

  public RuleContext(JsonNode rulesSection) {
    this.rules = rulesSection;
  }

  public String param(String ruleId, String name, String dflt) {
    JsonNode n = rules.path(ruleId).path(name);
    return n.isMissingNode() || n.isNull() ? dflt : n.asText();
  }

  public List<String> params(String ruleId, String name, List<String> dflt) {
    JsonNode n = rules.path(ruleId).path(name);
    if (n.isMissingNode() || n.isNull()) {
      return dflt;
    }
    List<String> out = new ArrayList<>();
    if (n.isArray()) {
      n.forEach(v -> out.add(v.asText()));
    } else {
      for (String s : n.asText().split(",")) {
        if (!s.isBlank()) {
          out.add(s.trim());
        }
      }
    }
    return out;
  }

  /** On a {@code config_changes} row: this namespace/option (case-insensitive option, as Beanstalk accepts). */
  public static Column option(String namespace, String optionName) {
    return col("namespace").equalTo(lit(namespace))
        .and(org.apache.spark.sql.functions.lower(col("option_name")).equalTo(lit(optionName.toLowerCase(java.util.Locale.ROOT))));
  }

  /** On a {@code config_changes} row: the new value, trimmed and lower-cased ("" when removed). */
  public static Column after() {
    return org.apache.spark.sql.functions.lower(org.apache.spark.sql.functions.trim(
        org.apache.spark.sql.functions.coalesce(col("value_after"), lit(""))));
  }

  /** On a {@code config_changes} row: the old value, trimmed and lower-cased (null when unknown). */
  public static Column before() {
    return org.apache.spark.sql.functions.lower(org.apache.spark.sql.functions.trim(col("value_before")));
  }
}
