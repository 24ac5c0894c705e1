package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.catalog.Rules.text;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.ebaudit.rules.Rule;
import io.ebaudit.rules.RuleContext;
import org.apache.spark.sql.Column;

/**
 * A configuration change, deployment, restart, rebuild or platform update after which the environment
 * got worse: an {@code impact} row ({@code io.ebaudit.impact.Impact}) marked {@code degraded} against the
 * {@code impact.*} thresholds (health level reached, 5xx rate, p99 latency, severe instances), with the
 * numbers before and after in the detail and evidence. High when the health reached Severe (25).
 */
public final class ChangeDegradedHealth implements Rule {
  static final String ID = "eb_change_degraded_health";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Input input() {
    return Input.IMPACT;
  }

  @Override
  public Column matches(RuleContext ctx) {
    return coalesce(col("degraded"), lit(false)).and(col("metrics_available"));
  }

  @Override
  public Column detail(RuleContext ctx) {
    return text(coalesce(col("change_kind"), lit("change")), " ", col("event_name"), " on environment ",
        coalesce(col("environment_name"), col("environment_id")), " by ", coalesce(col("principal"), lit("an unknown principal")),
        " at ", date_format(col("change_time"), "yyyy-MM-dd HH:mm:ss"), " UTC, then within ", col("window_minutes"),
        " minutes: ", concat_ws("; ", col("degradation_reasons")));
  }

  @Override
  public Column severity(RuleContext ctx, String metadataSeverity) {
    return when(coalesce(col("health_after"), lit(0.0)).geq(25), lit("high")).otherwise(lit(metadataSeverity));
  }

  @Override
  public String toString() {
    return ID;
  }
}
