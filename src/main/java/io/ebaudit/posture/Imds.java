package io.ebaudit.posture;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.ebaudit.report.FindingSchema;
import io.ebaudit.rules.RuleEngine;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * IMDSv2 enforcement per environment not terminated (the {@code imds} table), from its effective
 * configuration ({@code aws:autoscaling:launchconfiguration DisableIMDSv1}), its instances
 * ({@link Instances#derive}) and CloudWatch Metric Streams rows ({@code io.ebaudit.io.MetricStreams}) of
 * {@code AWS/EC2 MetadataNoToken} per {@code InstanceId}, the successful IMDSv1 calls.
 *
 * <p>Verdicts:
 * <ul>
 *   <li>{@code enforced}: IMDSv1 is disabled;
 *   <li>{@code blocked_by_imdsv1_callers}: some instance's MetadataNoToken sum over the window is not zero
 *       ({@code imdsv1_callers} lists them with their counts);
 *   <li>{@code safe_to_enforce}: at least one of its instances has data in the window and every sum is zero
 *       (instances without data, {@code instances_without_metrics}, are taken as not running then);
 *   <li>{@code unknown}: no metric data for any of its instances (or no instance known).
 * </ul>
 */
public final class Imds {
  private Imds() {}

  public static final String ENFORCED = "enforced";
  public static final String SAFE = "safe_to_enforce";
  public static final String BLOCKED = "blocked_by_imdsv1_callers";
  public static final String UNKNOWN = "unknown";

  /**
   * @param windowFrom inclusive, null: unbounded
   * @param windowTo exclusive, null: unbounded
   */
  public static Dataset<Row> derive(Dataset<Row> environmentState, Dataset<Row> instances, Dataset<Row> metrics,
      Instant windowFrom, Instant windowTo) {
    Dataset<Row> cov = Coverage.derive(environmentState).select("account_id", "aws_region", "application",
        "environment_name", "imdsv1_disabled", "imdsv1_disabled_value", "imdsv1_disabled_changed_by",
        "imdsv1_disabled_changed_time");
    Dataset<Row> ids = Posture.perEnvironment(environmentState, List.of(max("environment_id").as("environment_id")))
        .select("account_id", "aws_region", "environment_name", "environment_id");
    Dataset<Row> env = cov.join(ids,
        scala.collection.JavaConverters.asScalaBuffer(java.util.Arrays.asList(Posture.KEY)).toSeq(), "left");

    Column inWindow = lit(true);
    if (windowFrom != null) inWindow = inWindow.and(col("timestamp").geq(lit(windowFrom.toEpochMilli())));
    if (windowTo != null) inWindow = inWindow.and(col("timestamp").lt(lit(windowTo.toEpochMilli())));
    Dataset<Row> perInstance = metrics
        .filter(col("namespace").equalTo("AWS/EC2").and(col("metric_name").equalTo("MetadataNoToken")).and(inWindow))
        .withColumn("m_instance", expr("dimensions['InstanceId']"))
        .filter(col("m_instance").isNotNull())
        .groupBy("m_instance")
        .agg(count(lit(1)).as("m_points"), sum(coalesce(col("value.sum"), lit(0.0))).as("m_calls"));

    Dataset<Row> inst = instances.select(col("account_id").as("i_account"), col("aws_region").as("i_region"),
        col("environment_name").as("i_name"), col("environment_id").as("i_id"), col("instance_id"));
    Column match = env.col("account_id").eqNullSafe(inst.col("i_account")).and(env.col("aws_region").eqNullSafe(inst.col("i_region")))
        .and(env.col("environment_name").equalTo(inst.col("i_name"))
            .or(inst.col("i_id").isNotNull().and(env.col("environment_id").equalTo(inst.col("i_id")))));
    Dataset<Row> joined = env.join(inst, match, "left")
        .join(perInstance, col("instance_id").equalTo(col("m_instance")), "left");

    Dataset<Row> agg = joined.groupBy(col("account_id"), col("aws_region"), col("environment_name"))
        .agg(max("application").as("application"), max("environment_id").as("environment_id"),
            max("imdsv1_disabled").as("imdsv1_disabled"), max("imdsv1_disabled_value").as("imdsv1_disabled_value"),
            max("imdsv1_disabled_changed_by").as("imdsv1_disabled_changed_by"),
            max("imdsv1_disabled_changed_time").as("imdsv1_disabled_changed_time"),
            sort_array(collect_set(col("instance_id"))).as("instances"),
            sort_array(collect_set(when(col("m_points").isNull(), col("instance_id")))).as("instances_without_metrics"),
            sum(col("m_points")).as("metric_datapoints"),
            sum(col("m_calls")).as("metadata_no_token_sum"),
            sort_array(collect_set(when(col("m_calls").gt(0),
                struct(col("instance_id"), col("m_calls").cast("long").as("calls"))))).as("imdsv1_callers"));
    Column verdict = when(col("imdsv1_disabled"), lit(ENFORCED))
        .when(coalesce(col("metric_datapoints"), lit(0L)).equalTo(0L), lit(UNKNOWN))
        .when(col("metadata_no_token_sum").gt(0), lit(BLOCKED))
        .otherwise(lit(SAFE));
    return agg.select(col("account_id"), col("aws_region"), col("application"), col("environment_name"),
            col("environment_id"), col("imdsv1_disabled"), col("imdsv1_disabled_value"),
            col("imdsv1_disabled_changed_by"), col("imdsv1_disabled_changed_time"), verdict.as("verdict"),
            col("instances"), col("instances_without_metrics"), coalesce(col("metric_datapoints"), lit(0L)).as("metric_datapoints"),
            col("metadata_no_token_sum"), col("imdsv1_callers"),
            lit(windowFrom == null ? null : Timestamp.from(windowFrom)).cast("timestamp").as("window_from"),
            lit(windowTo == null ? null : Timestamp.from(windowTo)).cast("timestamp").as("window_to"))
        .orderBy("account_id", "aws_region", "environment_name");
  }

  /** One {@code eb_imdsv2_not_enforced} finding per environment whose verdict is not {@code enforced}. */
  public static Dataset<Row> findings(Dataset<Row> imds) {
    String ruleId = Coverage.IMDSV2_NOT_ENFORCED;
    RuleEngine.Metadata m = RuleEngine.metadata(ruleId);
    Column by = col("imdsv1_disabled_changed_by");
    Column time = col("imdsv1_disabled_changed_time");
    Column callers = concat_ws(", ", expr("transform(imdsv1_callers, c -> concat(c.instance_id, ' (', c.calls, ')'))"));
    Column why = when(col("verdict").equalTo(SAFE), concat(lit("verdict safe_to_enforce: AWS/EC2 MetadataNoToken is 0 for its "),
            size(col("instances")).minus(size(col("instances_without_metrics"))).cast("string"),
            lit(" instance(s) with data in the window, so IMDSv1 can be disabled now")))
        .when(col("verdict").equalTo(BLOCKED), concat(lit("verdict blocked_by_imdsv1_callers: instances still make IMDSv1 calls"
            + " (AWS/EC2 MetadataNoToken sum): "), callers, lit("; fix these callers first")))
        .otherwise(concat(lit("verdict unknown: no AWS/EC2 MetadataNoToken data for its "),
            size(col("instances")).cast("string"),
            lit(" known instance(s), so it is not known whether instances still make IMDSv1 calls")));
    Column who = when(by.isNull().and(time.isNull()), lit("never set: default"))
        .otherwise(concat(lit("last changed by "), coalesce(by, lit("unknown")), lit(" at "),
            coalesce(date_format(org.apache.spark.sql.functions.to_utc_timestamp(time,
                org.apache.spark.sql.functions.current_timezone()), "yyyy-MM-dd'T'HH:mm:ss'Z'"), lit("unknown time"))));
    Column detail = concat(col("environment_name"), lit(": IMDSv1 is not disabled (DisableIMDSv1="),
        coalesce(col("imdsv1_disabled_value"), lit("false, default")), lit("); "), why, lit("; DisableIMDSv1 "), who);
    Column evidence = to_json(struct(lit("DisableIMDSv1").as("option"), col("imdsv1_disabled_value").as("value"),
        by.as("last_changed_by"), time.as("last_changed_time"), col("verdict"), col("instances"),
        col("instances_without_metrics"), col("metadata_no_token_sum"), col("imdsv1_callers"),
        col("window_from"), col("window_to")));
    String r = m.remediation();
    int at = r.indexOf("<env>");
    Column remediation = at < 0 ? lit(r)
        : concat(lit(r.substring(0, at)), col("environment_name"), lit(r.substring(at + "<env>".length())));
    Dataset<Row> rows = imds.filter(col("verdict").notEqual(ENFORCED))
        .select(Posture.findingId(lit(ruleId)).as("finding_id"), lit(ruleId).as("rule_id"), lit(m.severity()).as("severity"),
            lit(FindingSchema.OPEN).as("status"), col("account_id"), col("aws_region").as("region"), col("application"),
            col("environment_name").as("environment"), lit(null).cast("string").as("resource_arn"),
            by.as("principal_arn"), Posture.emptyStrings().as("event_ids"), time.as("first_seen"), time.as("last_seen"),
            lit(m.title()).as("title"), detail.as("detail"), evidence.as("evidence"), remediation.as("remediation"),
            array(m.compliance().stream().map(c -> lit(c)).toArray(Column[]::new)).as("compliance"),
            lit(null).cast("string").as("suppression_reason"), lit(null).cast("string").as("suppressed_until"));
    return Posture.asFindings(rows);
  }
}
