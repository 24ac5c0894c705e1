package io.ebaudit.report;

import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * The one flat findings table every report reads ({@code DIR/findings/}): written as Parquet,
 * {@code findings.jsonl} and {@code findings.csv}. {@code finding_id} is a stable hash of the rule and
 * what it fired on, so a finding keeps its id across runs. {@code evidence} is JSON, secrets masked.
 */
public final class FindingSchema {
  private FindingSchema() {}

  public static final String OPEN = "open";
  public static final String SUPPRESSED = "suppressed";

  public static final List<String> SEVERITIES = List.of("critical", "high", "medium", "low", "info");

  public static final StructType FINDINGS =
      createStructType(
          List.of(
              createStructField("finding_id", StringType, false),
              createStructField("rule_id", StringType, false),
              createStructField("severity", StringType, false),
              createStructField("status", StringType, false),
              createStructField("account_id", StringType, true),
              createStructField("region", StringType, true),
              createStructField("application", StringType, true),
              createStructField("environment", StringType, true),
              createStructField("resource_arn", StringType, true),
              createStructField("principal_arn", StringType, true),
              createStructField("event_ids", createArrayType(StringType, false), false),
              createStructField("first_seen", TimestampType, true),
              createStructField("last_seen", TimestampType, true),
              createStructField("title", StringType, false),
              createStructField("detail", StringType, true),
              createStructField("evidence", StringType, true),
              createStructField("remediation", StringType, true),
              createStructField("compliance", createArrayType(StringType, false), false),
              createStructField("suppression_reason", StringType, true),
              createStructField("suppressed_until", StringType, true)));
}
