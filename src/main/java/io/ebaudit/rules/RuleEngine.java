package io.ebaudit.rules;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ebaudit.report.FindingIds;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.secrets.SecretColumns;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Stage: {@code config_changes} + {@code beanstalk_events} → findings ({@link FindingSchema#FINDINGS}).
 *
 * <p>All enabled rules of an input are evaluated together in one pass: one {@code select} computes, per
 * row, the array of rules that fire (with severity, detail, metadata and finding key), which is then
 * exploded and merged into one finding per rule and key. Rules are enabled, and their severity
 * overridden, in the {@code rules:} settings; every finding starts {@code open}.
 */
public final class RuleEngine {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A rule's metadata, {@code /rules/<id>.json}. */
  public record Metadata(String id, String title, String severity, String risk, String remediation,
      List<String> references, List<String> compliance) {}

  private RuleEngine() {}

  public static Metadata metadata(String id) {
    try (InputStream in = RuleEngine.class.getResourceAsStream("/rules/" + id + ".json")) {
      if (in == null) {
        throw new IllegalStateException("Cannot evaluate rules: no metadata /rules/" + id + ".json");
      }
      JsonNode n = JSON.readTree(in);
      return new Metadata(n.path("id").asText(), n.path("title").asText(), n.path("severity").asText(),
          n.path("risk").asText(), n.path("remediation").asText(), strings(n.path("references")),
          strings(n.path("compliance")));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read metadata of rule " + id, e);
    }
  }

  /** The rules enabled by {@code rulesSettings} ({@code rules.<id>.enabled}, default true). */
  public static List<Rule> enabled(List<Rule> rules, JsonNode rulesSettings) {
    return rules.stream().filter(r -> rulesSettings.path(r.id()).path("enabled").asBoolean(true)).toList();
  }

  public static Dataset<Row> evaluate(Dataset<Row> changes, Dataset<Row> events, List<Rule> rules, JsonNode rulesSettings) {
    RuleContext ctx = new RuleContext(rulesSettings);
    List<Rule> on = enabled(rules, rulesSettings);
    Dataset<Row> a = fire(changes, on.stream().filter(r -> r.input() == Rule.Input.CHANGES).toList(), ctx, rulesSettings,
        col("target_name"), when(col("target_type").equalTo("environment"), col("target_name")),
        struct(col("event_name"), col("event_time"), col("target_type"), col("target_name"), col("namespace"),
            col("option_name"), col("resource_name"), col("value_before"), col("value_before_source"), col("value_after"),
            col("principal_arn"), col("source_ip_address"), col("client_class")));
    Dataset<Row> b = fire(events, on.stream().filter(r -> r.input() == Rule.Input.EVENTS).toList(), ctx, rulesSettings,
        col("environment_name"), col("environment_name"),
        struct(col("event_name"), col("event_time"), col("environment_name"), col("outcome"), col("error_code"),
            col("principal_arn"), col("principal_kind"), col("mfa_authenticated"), col("source_ip_address"),
            col("user_agent"), col("client_class")));
    return a.unionByName(b);
  }

  /**
   * The {@link Rule.Input#IMPACT} rules over the {@code impact} table ({@code io.ebaudit.impact.Impact#IMPACT}):
   * a change's time is its event time, its principal the principal, its environment the environment name.
   */
  public static Dataset<Row> evaluateImpact(Dataset<Row> impact, List<Rule> rules, JsonNode rulesSettings) {
    RuleContext ctx = new RuleContext(rulesSettings);
    List<Rule> on = enabled(rules, rulesSettings).stream().filter(r -> r.input() == Rule.Input.IMPACT).toList();
    Dataset<Row> rows = impact.withColumn("event_time", col("change_time")).withColumn("principal_arn", col("principal"))
        .withColumn("resource_arn", when(col("account_id").isNotNull().and(col("application").isNotNull()),
            org.apache.spark.sql.functions.concat(lit("arn:"),
                when(col("aws_region").startsWith("cn-"), lit("aws-cn"))
                    .when(col("aws_region").startsWith("us-gov-"), lit("aws-us-gov")).otherwise(lit("aws")),
                lit(":elasticbeanstalk:"), col("aws_region"), lit(":"), col("account_id"), lit(":environment/"),
                col("application"), lit("/"), col("environment_name"))));
    return fire(rows, on, ctx, rulesSettings, col("environment_name"), col("environment_name"),
        struct(col("event_name"), col("change_kind"), col("change_time"), col("environment_name"), col("principal"),
            col("window_minutes"), col("health_before"), col("health_after"), col("requests_before"),
            col("requests_after"), col("rate_5xx_before"), col("rate_5xx_after"), col("p99_before_ms"),
            col("p99_after_ms"), col("severe_before"), col("severe_after"), col("degradation_reasons")));
  }

  private static Dataset<Row> fire(Dataset<Row> input, List<Rule> rules, RuleContext ctx, JsonNode settings,
      Column target, Column environment, Column evidence) {
    if (rules.isEmpty()) {
      return input.sparkSession().createDataFrame(List.of(), FindingSchema.FINDINGS);
    }
    List<Column> hits = new ArrayList<>();
    for (Rule r : rules) {
      Metadata m = metadata(r.id());
      String override = settings.path(r.id()).path("severity").asText(null);
      Column severity = override != null ? lit(override) : r.severity(ctx, m.severity());
      List<Column> key = new ArrayList<>();
      for (Column k : r.findingKey()) {
        key.add(coalesce(k.cast("string"), lit("")));
      }
      hits.add(when(r.matches(ctx), struct(
          lit(r.id()).as("rule_id"), severity.as("severity"), r.detail(ctx).as("detail"),
          concat_ws("\u001f", key.toArray(Column[]::new)).as("key"), lit(m.title()).as("title"),
          lit(m.remediation()).as("remediation"),
          array(m.compliance().stream().map(org.apache.spark.sql.functions::lit).toArray(Column[]::new)).as("compliance"))));
    }
    Dataset<Row> fired = input
        .withColumn("_hits", array(hits.toArray(Column[]::new)))
        .withColumn("_hits", expr("filter(_hits, h -> h is not null)"))
        .filter(expr("size(_hits) > 0"))
        .withColumn("_hit", org.apache.spark.sql.functions.explode(col("_hits")))
        .select(col("_hit.*"), col("event_id"), col("event_time"), col("account_id"), col("aws_region").as("region"),
            col("application"), environment.as("environment"), col("resource_arn"), col("principal_arn"),
            SecretColumns.maskJsonColumn(to_json(evidence)).as("evidence"), target.as("_target"));
    // One finding per rule and key: all its events, first and last seen, the earliest firing's details.
    Dataset<Row> merged = fired.groupBy("rule_id", "key")
        .agg(expr("min_by(struct(severity, detail, title, remediation, compliance, account_id, region, application,"
                + " environment, resource_arn, principal_arn, evidence), event_time)").as("f"),
            expr("array_sort(collect_set(event_id))").as("event_ids"),
            expr("min(event_time)").as("first_seen"), expr("max(event_time)").as("last_seen"));
    return merged.select(
        FindingIds.findingIdColumn(col("rule_id"), col("key")).as("finding_id"),
        col("rule_id"), col("f.severity").as("severity"), lit(FindingSchema.OPEN).as("status"),
        col("f.account_id").as("account_id"), col("f.region").as("region"), col("f.application").as("application"),
        col("f.environment").as("environment"), col("f.resource_arn").as("resource_arn"),
        col("f.principal_arn").as("principal_arn"), col("event_ids"), col("first_seen"), col("last_seen"),
        col("f.title").as("title"), col("f.detail").as("detail"), col("f.evidence").as("evidence"),
        col("f.remediation").as("remediation"), col("f.compliance").as("compliance"),
        lit(null).cast("string").as("suppression_reason"), lit(null).cast("string").as("suppressed_until"));
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.forEach(v -> out.add(v.asText()));
    return out;
  }
}
