package io.ebaudit.posture;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.platforms.PlatformCatalog;
import io.ebaudit.platforms.PlatformId;
import io.ebaudit.platforms.Staleness;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.rules.RuleEngine;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Platform posture: for each environment that is not terminated, the platform it runs (from
 * {@code PlatformArn}, else {@code SolutionStackName}, under {@link BeanstalkSchemas#ENVIRONMENT_NAMESPACE}),
 * assessed against a {@link PlatformCatalog} with {@link Staleness#assess}, and the findings that follow.
 */
public final class Platforms {
  private Platforms() {}

  public static final String MANAGED_ACTIONS = "aws:elasticbeanstalk:managedactions";
  public static final String PLATFORM_UPDATE = "aws:elasticbeanstalk:managedactions:platformupdate";

  public static final List<String> RULE_IDS =
      List.of(Staleness.OUTDATED, Staleness.DEPRECATED, Staleness.RETIRED, Staleness.UNKNOWN);
  public static final List<String> COMPLIANCE = List.of("Security Hub ElasticBeanstalk.2", "NIST 800-53 SI-2");

  /** The {@code platforms} table. */
  public static final StructType PLATFORMS =
      createStructType(
          List.of(
              createStructField("account_id", StringType, true),
              createStructField("aws_region", StringType, true),
              createStructField("application", StringType, true),
              createStructField("environment_name", StringType, false),
              createStructField("platform_arn", StringType, true),
              createStructField("solution_stack_name", StringType, true),
              createStructField("branch", StringType, true),
              createStructField("current_version", StringType, true),
              createStructField("target_version", StringType, true),
              createStructField("target_recommended", BooleanType, false),
              createStructField("major_behind", IntegerType, false),
              createStructField("minor_behind", IntegerType, false),
              createStructField("patch_behind", IntegerType, false),
              createStructField("versions_behind", IntegerType, false),
              createStructField("branch_lifecycle", StringType, false),
              createStructField("retirement_date", DateType, true),
              createStructField("deadline", DateType, true),
              createStructField("managed_updates_enabled", BooleanType, false),
              createStructField("update_level", StringType, true),
              createStructField("managed_updates_reach", BooleanType, false),
              createStructField("on_version_since", TimestampType, true),
              createStructField("finding_id", StringType, true), // the rule id of the verdict; null: none
              createStructField("severity", StringType, true),
              createStructField("reason", StringType, false),
              createStructField("catalog_source", StringType, true),
              createStructField("catalog_as_of", DateType, true)));

  /**
   * One row per environment not terminated. Environments are few (tens to thousands), so the per-environment
   * values are collected to the driver and assessed there with the catalog, rather than shipping the
   * catalog to executors.
   */
  public static Dataset<Row> derive(Dataset<Row> environmentState, PlatformCatalog catalog, LocalDate today) {
    String env = BeanstalkSchemas.ENVIRONMENT_NAMESPACE;
    Dataset<Row> perEnv = Posture.perEnvironment(environmentState, List.of(
        Posture.pick(env, "PlatformArn", "value", "platform_arn"),
        Posture.pick(env, "PlatformArn", "last_changed_time", "_arn_time"),
        Posture.pick(env, "SolutionStackName", "value", "solution_stack_name"),
        Posture.pick(env, "SolutionStackName", "last_changed_time", "_stack_time"),
        Posture.pick(MANAGED_ACTIONS, "ManagedActionsEnabled", "value", "_managed"),
        Posture.pick(PLATFORM_UPDATE, "UpdateLevel", "value", "update_level")));
    List<Row> envs = perEnv.select("account_id", "aws_region", "application", "environment_name", "platform_arn",
        "_arn_time", "solution_stack_name", "_stack_time", "_managed", "update_level")
        .orderBy("account_id", "aws_region", "environment_name").collectAsList();

    SparkSession spark = environmentState.sparkSession();
    boolean java8 = Boolean.parseBoolean(spark.conf().get("spark.sql.datetime.java8API.enabled", "false"));
    Object asOf = date(catalog.asOf(), java8);
    List<Row> out = new ArrayList<>(envs.size());
    for (Row r : envs) {
      String arn = blankToNull(r.getString(4));
      String stack = blankToNull(r.getString(6));
      PlatformId id = null;
      Object since = null;
      if (arn != null && PlatformId.parseArn(arn).isPresent()) {
        id = PlatformId.parseArn(arn).get();
        since = r.get(5);
      } else if (stack != null && PlatformId.parseSolutionStack(stack).isPresent()) {
        id = PlatformId.parseSolutionStack(stack).get();
        since = r.get(7);
      }
      boolean managed = r.getString(8) != null && r.getString(8).trim().equalsIgnoreCase("true");
      String level = blankToNull(r.getString(9));
      Staleness.Assessment a = Staleness.assess(id, catalog, managed, level, today);
      out.add(RowFactory.create(r.getString(0), r.getString(1), r.getString(2), r.getString(3), arn, stack,
          a.branch() != null ? a.branch() : null,
          a.currentVersion() == null ? null : a.currentVersion().toString(),
          a.targetVersion() == null ? null : a.targetVersion().toString(),
          a.targetRecommended(), a.majorBehind(), a.minorBehind(), a.patchBehind(), a.versionsBehind(),
          a.branchLifecycle().apiName(), date(a.retirementDate(), java8), date(a.deadline(), java8), managed, level,
          a.managedUpdatesReach(), since, a.findingId(), a.severity(), a.reason(), catalog.source(), asOf));
    }
    return spark.createDataFrame(out, PLATFORMS);
  }

  /** The findings of {@code platforms} rows with a verdict, in {@link FindingSchema#FINDINGS}. */
  public static Dataset<Row> findings(Dataset<Row> platforms) {
    Column rule = col("finding_id");
    Column title = lit(null).cast("string");
    for (String id : RULE_IDS) {
      title = when(rule.equalTo(id), lit(RuleEngine.metadata(id).title())).otherwise(title);
    }
    // The recommended version's ARN in the environment's partition and region (AWS platforms only).
    Column partition = coalesce(regexp_extract(col("platform_arn"), "^arn:([^:]+):", 1), lit("aws"));
    partition = when(partition.equalTo(""), lit("aws")).otherwise(partition);
    Column targetArn = concat(lit("arn:"), partition, lit(":elasticbeanstalk:"), col("aws_region"),
        lit("::platform/"), col("branch"), lit("/"), col("target_version"));
    Column cmd = concat(lit("aws elasticbeanstalk update-environment --environment-name "), col("environment_name"));
    Column remediation = when(rule.equalTo(Staleness.OUTDATED).and(col("target_version").isNotNull()),
            concat(cmd, lit(" --platform-arn \""), targetArn, lit("\"")))
        .when(rule.equalTo(Staleness.UNKNOWN),
            concat(lit("Check the platform in use and export a current catalog (aws elasticbeanstalk"
                + " list-platform-versions / list-platform-branches, then analyze --platforms); to move: "), cmd,
                lit(" --platform-arn <arn of a supported platform version>")))
        .otherwise(concat(lit("Migrate to a supported platform branch (a blue/green deployment is safest; "
            + "managed updates never change branch): "), cmd,
            when(col("platform_arn").isNotNull(), lit(" --platform-arn <arn of the recommended version of a supported branch>"))
                .otherwise(lit(" --solution-stack-name \"<solution stack of a supported branch>\""))));
    Column detail = format_string("%s: %s (branch '%s', lifecycle %s, running %s, target %s%s; %d major, %d minor, "
            + "%d patch, %d catalog version(s) behind; retirement %s, deadline %s; managed updates %s, UpdateLevel %s,"
            + " reach target: %s; on this version since %s; catalog %s as of %s)",
        col("environment_name"), col("reason"), coalesce(col("branch"), lit("?")), col("branch_lifecycle"),
        coalesce(col("current_version"), lit("?")), coalesce(col("target_version"), lit("none")),
        when(col("target_recommended"), lit(", recommended")).otherwise(lit("")),
        col("major_behind"), col("minor_behind"), col("patch_behind"), col("versions_behind"),
        coalesce(col("retirement_date").cast("string"), lit("unknown")),
        coalesce(col("deadline").cast("string"), lit("unknown")),
        when(col("managed_updates_enabled"), lit("on")).otherwise(lit("off")),
        coalesce(col("update_level"), lit("not set")), col("managed_updates_reach").cast("string"),
        coalesce(col("on_version_since").cast("string"), lit("unknown")),
        coalesce(col("catalog_source"), lit("?")), coalesce(col("catalog_as_of").cast("string"), lit("unknown")));
    Column evidence = to_json(struct(col("platform_arn"), col("solution_stack_name"), col("branch"),
        col("current_version"), col("target_version"), col("target_recommended"), col("major_behind"),
        col("minor_behind"), col("patch_behind"), col("versions_behind"), col("branch_lifecycle"),
        col("retirement_date"), col("deadline"), col("managed_updates_enabled"), col("update_level"),
        col("managed_updates_reach"), col("on_version_since"), col("catalog_source"), col("catalog_as_of")));
    Dataset<Row> rows = platforms.filter(rule.isNotNull())
        .withColumn("_fid", Posture.findingId(rule))
        .select(col("_fid").as("finding_id"), rule.as("rule_id"), col("severity"), lit(FindingSchema.OPEN).as("status"),
            col("account_id"), col("aws_region").as("region"), col("application"), col("environment_name").as("environment"),
            lit(null).cast("string").as("resource_arn"), lit(null).cast("string").as("principal_arn"),
            Posture.emptyStrings().as("event_ids"), col("on_version_since").as("first_seen"),
            col("on_version_since").as("last_seen"), title.as("title"), detail.as("detail"), evidence.as("evidence"),
            remediation.as("remediation"), array(COMPLIANCE.stream().map(c -> lit(c)).toArray(Column[]::new)).as("compliance"),
            lit(null).cast("string").as("suppression_reason"), lit(null).cast("string").as("suppressed_until"));
    return Posture.asFindings(rows);
  }

  private static Object date(LocalDate d, boolean java8) {
    return d == null ? null : java8 ? d : java.sql.Date.valueOf(d);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
