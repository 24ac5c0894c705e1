package io.ebaudit.posture;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.rules.RuleEngine;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Monitoring and hardening coverage per environment not terminated, from its effective configuration
 * ({@code environment_state}). For each setting: whether it is on, its value, and who last changed it and
 * when ({@code <setting>_changed_by}/{@code _changed_time}; both null when the value is a default nobody set).
 *
 * <ul>
 *   <li>{@code enhanced_health}: {@code aws:elasticbeanstalk:healthreporting:system SystemType = enhanced}
 *   <li>{@code managed_updates}: {@code aws:elasticbeanstalk:managedactions ManagedActionsEnabled = true}
 *   <li>{@code log_streaming}: {@code aws:elasticbeanstalk:cloudwatch:logs StreamLogs = true}, with
 *       {@code retention_days} ({@code RetentionInDays})
 *   <li>{@code health_streaming}: {@code aws:elasticbeanstalk:cloudwatch:logs:health HealthStreamingEnabled = true}
 *   <li>{@code health_metrics_configured}: the health {@code ConfigDocument} is set and mentions both
 *       {@code ApplicationRequests5xx} and {@code ApplicationLatencyP99} (a loose text match, not a JSON parse)
 *   <li>{@code imdsv1_disabled}: {@code aws:autoscaling:launchconfiguration DisableIMDSv1 = true}
 * </ul>
 * A setting absent from the state counts as off (the documented defaults are all off / basic).
 */
public final class Coverage {
  private Coverage() {}

  public static final String HEALTH = "aws:elasticbeanstalk:healthreporting:system";
  public static final String LOGS = "aws:elasticbeanstalk:cloudwatch:logs";
  public static final String HEALTH_LOGS = "aws:elasticbeanstalk:cloudwatch:logs:health";
  public static final String LAUNCH = "aws:autoscaling:launchconfiguration";

  public static final String ENHANCED_HEALTH_OFF = "eb_enhanced_health_off";
  public static final String MANAGED_UPDATES_OFF = "eb_managed_updates_off";
  public static final String LOG_STREAMING_OFF = "eb_log_streaming_off";
  public static final String HEALTH_METRICS_MISSING = "eb_health_metrics_missing";
  public static final String IMDSV2_NOT_ENFORCED = "eb_imdsv2_not_enforced";

  public static final List<String> RULE_IDS = List.of(ENHANCED_HEALTH_OFF, MANAGED_UPDATES_OFF, LOG_STREAMING_OFF,
      HEALTH_METRICS_MISSING, IMDSV2_NOT_ENFORCED);

  /** setting column, namespace, option. */
  private static final String[][] SETTINGS = {
      {"enhanced_health", HEALTH, "SystemType"},
      {"managed_updates", Platforms.MANAGED_ACTIONS, "ManagedActionsEnabled"},
      {"log_streaming", LOGS, "StreamLogs"},
      {"health_streaming", HEALTH_LOGS, "HealthStreamingEnabled"},
      {"health_metrics_configured", HEALTH, "ConfigDocument"},
      {"imdsv1_disabled", LAUNCH, "DisableIMDSv1"},
  };

  /** The {@code coverage} table: one row per environment not terminated. */
  public static Dataset<Row> derive(Dataset<Row> environmentState) {
    List<Column> aggs = new ArrayList<>();
    for (String[] s : SETTINGS) {
      aggs.add(Posture.pick(s[1], s[2], "value", s[0] + "_value"));
      aggs.add(Posture.pick(s[1], s[2], "is_default", "_" + s[0] + "_default"));
      aggs.add(Posture.pick(s[1], s[2], "last_changed_by", "_" + s[0] + "_by"));
      aggs.add(Posture.pick(s[1], s[2], "last_changed_time", "_" + s[0] + "_time"));
    }
    aggs.add(Posture.pick(LOGS, "RetentionInDays", "value", "_retention"));
    Dataset<Row> env = Posture.perEnvironment(environmentState, aggs);

    List<Column> out = new ArrayList<>(List.of(col("account_id"), col("aws_region"), col("application"),
        col("environment_name")));
    for (String[] s : SETTINGS) {
      Column v = lower(trim(col(s[0] + "_value")));
      Column on = switch (s[0]) {
        case "enhanced_health" -> v.equalTo("enhanced");
        case "health_metrics_configured" -> col(s[0] + "_value").contains("ApplicationRequests5xx")
            .and(col(s[0] + "_value").contains("ApplicationLatencyP99"));
        default -> v.equalTo("true");
      };
      out.add(coalesce(on, lit(false)).as(s[0]));
      out.add(col(s[0] + "_value"));
      // A default nobody set has no author: the row then carries the create call, which did not set it.
      Column set = coalesce(col("_" + s[0] + "_default"), lit(false)).equalTo(false);
      out.add(when(set, col("_" + s[0] + "_by")).as(s[0] + "_changed_by"));
      out.add(when(set, col("_" + s[0] + "_time")).as(s[0] + "_changed_time"));
      if (s[0].equals("log_streaming")) {
        out.add(col("_retention").cast("int").as("retention_days"));
      }
    }
    return env.select(out.toArray(new Column[0])).orderBy("account_id", "aws_region", "environment_name");
  }

  /**
   * One finding per environment and setting that is off, in {@link FindingSchema#FINDINGS}; IMDSv2
   * ({@link #IMDSV2_NOT_ENFORCED}) is left to {@link Imds#findings}, which carries the verdict.
   */
  public static Dataset<Row> findings(Dataset<Row> coverage) {
    Dataset<Row> all = null;
    for (String id : RULE_IDS) {
      if (id.equals(IMDSV2_NOT_ENFORCED)) {
        continue; // Imds.findings: one finding per environment, with its verdict
      }
      Dataset<Row> f = findings(coverage, id);
      all = all == null ? f : all.unionByName(f);
    }
    return Posture.asFindings(all);
  }

  private static Dataset<Row> findings(Dataset<Row> coverage, String ruleId) {
    RuleEngine.Metadata m = RuleEngine.metadata(ruleId);
    String setting;
    String option;
    Column what;
    switch (ruleId) {
      case ENHANCED_HEALTH_OFF -> {
        setting = "enhanced_health";
        option = "SystemType";
        what = concat(lit("health reporting is "), coalesce(col("enhanced_health_value"), lit("basic (default)")));
      }
      case MANAGED_UPDATES_OFF -> {
        setting = "managed_updates";
        option = "ManagedActionsEnabled";
        what = concat(lit("managed platform updates are off (ManagedActionsEnabled="),
            coalesce(col("managed_updates_value"), lit("false, default")), lit(")"));
      }
      case LOG_STREAMING_OFF -> {
        setting = "log_streaming";
        option = "StreamLogs";
        what = concat(lit("instance logs are not streamed to CloudWatch Logs (StreamLogs="),
            coalesce(col("log_streaming_value"), lit("false, default")), lit(")"));
      }
      case HEALTH_METRICS_MISSING -> {
        setting = "health_metrics_configured";
        option = "ConfigDocument";
        what = when(col("health_metrics_configured_value").isNull(),
                lit("no health ConfigDocument is set, so ApplicationRequests5xx and ApplicationLatencyP99 are not published"))
            .otherwise(lit("the health ConfigDocument does not publish both ApplicationRequests5xx and ApplicationLatencyP99"));
      }
      default -> throw new IllegalArgumentException("Cannot derive coverage findings: unknown rule, got " + ruleId);
    }
    Column by = col(setting + "_changed_by");
    Column time = col(setting + "_changed_time");
    Column who = when(by.isNull().and(time.isNull()), lit("never set: default"))
        .otherwise(concat(lit("last changed by "), coalesce(by, lit("unknown")), lit(" at "),
            coalesce(date_format(org.apache.spark.sql.functions.to_utc_timestamp(time,
                org.apache.spark.sql.functions.current_timezone()), "yyyy-MM-dd'T'HH:mm:ss'Z'"), lit("unknown time"))));
    Column detail = concat(col("environment_name"), lit(": "), what, lit("; " + option + " "), who);
    Column evidence = to_json(struct(lit(option).as("option"), col(setting + "_value").as("value"),
        by.as("last_changed_by"), time.as("last_changed_time")));
    Column remediation = concat(lit(m.remediation().substring(0, Math.max(0, m.remediation().indexOf("<env>")))),
        col("environment_name"), lit(m.remediation().substring(m.remediation().indexOf("<env>") + "<env>".length())));
    return coverage.filter(col(setting).equalTo(false))
        .select(Posture.findingId(lit(ruleId)).as("finding_id"), lit(ruleId).as("rule_id"), lit(m.severity()).as("severity"),
            lit(FindingSchema.OPEN).as("status"), col("account_id"), col("aws_region").as("region"), col("application"),
            col("environment_name").as("environment"), lit(null).cast("string").as("resource_arn"),
            by.as("principal_arn"), Posture.emptyStrings().as("event_ids"), time.as("first_seen"), time.as("last_seen"),
            lit(m.title()).as("title"), detail.as("detail"), evidence.as("evidence"), remediation.as("remediation"),
            array(m.compliance().stream().map(c -> lit(c)).toArray(Column[]::new)).as("compliance"),
            lit(null).cast("string").as("suppression_reason"), lit(null).cast("string").as("suppressed_until"));
  }
}
