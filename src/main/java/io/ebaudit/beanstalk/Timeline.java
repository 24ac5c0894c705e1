package io.ebaudit.beanstalk;

import static io.ebaudit.beanstalk.BeanstalkSchemas.ENVIRONMENT_NAMESPACE;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.ebaudit.secrets.SecretColumns;
import io.ebaudit.secrets.Secrets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Stage: {@code beanstalk_events} (+ snapshot seeds) → the configuration timeline, from which
 * {@code config_changes} and {@code environment_state} are cut.
 *
 * <p>Every successful configuring call becomes rows (one per option set or removed, per platform,
 * template, version label, tier, tag and termination); snapshot values join the same timeline at their
 * {@code as_of} time (before everything when unknown); an environment created from a saved template
 * inherits the template's values known then. Replaying each (target, namespace, option, resource) in
 * time order gives every change its value before: the previous value, or the snapshot's, or
 * {@code unknown} — never a guess. Options a create call leaves unset get their documented default.
 *
 * <p>The plan reads its input in a dozen branches: give it a materialized input (a table read back, or
 * {@code localCheckpoint()}), as {@code AnalyzeJob} does, or Spark spends long planning it.
 */
public final class Timeline {
  private Timeline() {}

  static final String TAGS_NAMESPACE = "ebaudit:tags";
  static final String SEED_KIND = "seed";
  /** The target did not exist before this event (it created it). */
  public static final String NEW = "new";

  /** Security-relevant options and the default an API create leaves them at (GUIDE §2). */
  public static final List<String[]> SECURITY_DEFAULTS = List.of(
      new String[] {"aws:autoscaling:launchconfiguration", "DisableIMDSv1", "false"},
      new String[] {"aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled", "false"},
      new String[] {"aws:elasticbeanstalk:healthreporting:system", "SystemType", "basic"},
      new String[] {"aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs", "false"},
      new String[] {"aws:elasticbeanstalk:cloudwatch:logs", "RetentionInDays", "7"},
      new String[] {"aws:elasticbeanstalk:cloudwatch:logs", "DeleteOnTerminate", "false"},
      new String[] {"aws:elasticbeanstalk:cloudwatch:logs:health", "HealthStreamingEnabled", "false"});

  private static final String[] ACTOR = {"principal_arn", "principal_kind", "mfa_authenticated",
      "source_ip_address", "service_originated", "client_class", "user_agent"};

  /** All timeline rows, seeds included (change_kind {@code seed}), with value_before filled. */
  public static Dataset<Row> build(Dataset<Row> beanstalkEvents, Dataset<Row> seed) {
    Dataset<Row> ok = beanstalkEvents.filter(col("outcome").equalTo("success"))
        .withColumn("_rq", BeanstalkEvents.request());
    Column isEnvCall = col("event_name").isin("CreateEnvironment", "UpdateEnvironment", "TerminateEnvironment");
    Column isTemplateCall = col("event_name").isin("CreateConfigurationTemplate", "UpdateConfigurationTemplate");
    Dataset<Row> targeted = ok
        .withColumn("target_type", when(isTemplateCall, lit("template")).otherwise(lit("environment")))
        .withColumn("target_name", when(isTemplateCall, col("template_name")).otherwise(col("environment_name")));

    List<Dataset<Row>> parts = new ArrayList<>();
    Dataset<Row> configuring = targeted.filter(isEnvCall.or(isTemplateCall));
    parts.add(rows(configuring.selectExpr("*", "explode(_rq.optionSettings) as _o"), BeanstalkSchemas.OPTION_SET,
        col("_o.namespace"), col("_o.optionName"), col("_o.resourceName"), col("_o.value")));
    parts.add(rows(configuring.selectExpr("*", "explode(_rq.optionsToRemove) as _o"), BeanstalkSchemas.OPTION_REMOVED,
        col("_o.namespace"), col("_o.optionName"), col("_o.resourceName"), lit(null).cast("string")));
    parts.add(envRow(configuring.filter(col("_rq.platformArn").isNotNull()), BeanstalkSchemas.PLATFORM,
        "PlatformArn", col("_rq.platformArn")));
    parts.add(envRow(configuring.filter(col("_rq.solutionStackName").isNotNull()), BeanstalkSchemas.PLATFORM,
        "SolutionStackName", col("_rq.solutionStackName")));
    Dataset<Row> envCalls = targeted.filter(isEnvCall);
    parts.add(envRow(envCalls.filter(col("_rq.templateName").isNotNull()), BeanstalkSchemas.TEMPLATE,
        "TemplateName", col("_rq.templateName")));
    parts.add(envRow(envCalls.filter(col("_rq.versionLabel").isNotNull()), BeanstalkSchemas.VERSION,
        "VersionLabel", col("_rq.versionLabel")));
    parts.add(envRow(envCalls.filter(col("_rq.tier").isNotNull()), BeanstalkSchemas.TIER,
        "Tier", concat_ws("/", col("_rq.tier.name"), col("_rq.tier.type"), col("_rq.tier.version"))));
    parts.add(envRow(targeted.filter(col("event_name").equalTo("TerminateEnvironment")), BeanstalkSchemas.TERMINATED,
        "Status", lit("Terminated")));
    Dataset<Row> tagged = targeted.filter(col("event_name").isin("CreateEnvironment", "UpdateTagsForResource")
        .and(col("environment_name").isNotNull()));
    parts.add(rows(tagged.selectExpr("*", "explode(concat(coalesce(_rq.tags, array()), coalesce(_rq.tagsToAdd, array()))) as _t"),
        BeanstalkSchemas.TAG_ADDED, lit(TAGS_NAMESPACE), col("_t.key"), lit(null).cast("string"), col("_t.value")));
    parts.add(rows(tagged.selectExpr("*", "explode(coalesce(_rq.tagsToRemove, array())) as _k"),
        BeanstalkSchemas.TAG_REMOVED, lit(TAGS_NAMESPACE), col("_k"), lit(null).cast("string"), lit(null).cast("string")));
    // A create without a saved template leaves the security options at their documented defaults.
    Dataset<Row> plainCreates = configuring.filter(col("event_name").isin("CreateEnvironment", "CreateConfigurationTemplate")
        .and(col("_rq.templateName").isNull().or(col("event_name").equalTo("CreateConfigurationTemplate")))
        .and(col("_rq.sourceConfiguration").isNull()));
    for (String[] d : SECURITY_DEFAULTS) {
      Column alreadySet = expr("exists(coalesce(_rq.optionSettings, array()), o -> lower(o.namespace) = '"
          + d[0].toLowerCase() + "' and lower(o.optionName) = '" + d[1].toLowerCase() + "')");
      parts.add(rows(plainCreates.filter(org.apache.spark.sql.functions.not(alreadySet)), BeanstalkSchemas.OPTION_DEFAULT,
          lit(d[0]), lit(d[1]), lit(null).cast("string"), lit(d[2])));
    }
    Dataset<Row> changes = union(parts);
    Dataset<Row> withTemplates = changes.unionByName(inheritFromTemplates(targeted, changes, seed));
    Dataset<Row> all = withTemplates.unionByName(seedRows(placeSeeds(seed, withTemplates)));
    return replay(all);
  }

  /** The changes: timeline rows that are not snapshot seeds, in {@link BeanstalkSchemas#CONFIG_CHANGES}. */
  public static Dataset<Row> changes(Dataset<Row> timeline) {
    return timeline.filter(col("change_kind").notEqual(SEED_KIND))
        .select(cols(BeanstalkSchemas.CONFIG_CHANGES.fieldNames()));
  }

  // ---- building rows ----

  private static Dataset<Row> rows(Dataset<Row> in, String kind, Column namespace, Column option, Column resource,
      Column value) {
    List<Column> c = new ArrayList<>(List.of(
        col("event_id"), col("event_time"), col("event_date"), col("event_name"), col("account_id"), col("aws_region"),
        col("application"), col("target_type"), col("target_name"), col("environment_id"),
        targetArn().as("resource_arn"), lit(kind).as("change_kind"), namespace.as("namespace"),
        option.as("option_name"), resource.as("resource_name"), value.as("value_after")));
    for (String a : ACTOR) {
      c.add(col(a));
    }
    return in.select(c.toArray(Column[]::new));
  }

  private static Dataset<Row> envRow(Dataset<Row> in, String kind, String option, Column value) {
    return rows(in, kind, lit(ENVIRONMENT_NAMESPACE), lit(option), lit(null).cast("string"), value);
  }

  private static Column targetArn() {
    Column partition = when(col("aws_region").startsWith("cn-"), lit("aws-cn"))
        .when(col("aws_region").startsWith("us-gov-"), lit("aws-us-gov")).otherwise(lit("aws"));
    return when(col("target_type").equalTo("template"),
        org.apache.spark.sql.functions.concat(lit("arn:"), partition, lit(":elasticbeanstalk:"), col("aws_region"),
            lit(":"), col("account_id"), lit(":configurationtemplate/"), col("application"), lit("/"), col("target_name")))
        .otherwise(col("resource_arn"));
  }

  /**
   * An environment created from a saved template starts with the template's values known at that time
   * (from earlier template changes or a template snapshot).
   */
  private static Dataset<Row> inheritFromTemplates(Dataset<Row> targeted, Dataset<Row> changes, Dataset<Row> seed) {
    Dataset<Row> creates = targeted.filter(col("event_name").equalTo("CreateEnvironment").and(col("_rq.templateName").isNotNull()));
    Dataset<Row> templateValues = changes.filter(col("target_type").equalTo("template"))
        .select(col("account_id").as("t_account"), col("aws_region").as("t_region"), col("application").as("t_app"),
            col("target_name").as("t_name"), col("namespace").as("t_ns"), col("option_name").as("t_opt"),
            col("resource_name").as("t_res"), col("value_after").as("t_value"), col("event_time").as("t_time"))
        .unionByName(seed.filter(col("target_type").equalTo("template"))
            .select(col("account_id").as("t_account"), col("aws_region").as("t_region"), col("application").as("t_app"),
                col("target_name").as("t_name"), col("namespace").as("t_ns"), col("option_name").as("t_opt"),
                col("resource_name").as("t_res"), col("value").as("t_value"),
                coalesce(col("as_of"), lit("1970-01-01 00:00:00").cast("timestamp")).as("t_time")));
    Dataset<Row> joined = creates.join(templateValues,
        col("t_name").equalTo(col("_rq.templateName"))
            .and(col("t_app").eqNullSafe(col("application")))
            .and(col("t_account").isNull().or(col("t_account").eqNullSafe(col("account_id"))))
            .and(col("t_region").isNull().or(col("t_region").eqNullSafe(col("aws_region"))))
            .and(col("t_time").leq(col("event_time"))));
    WindowSpec latest = Window.partitionBy(col("event_id"), lower(col("t_ns")), lower(col("t_opt")),
        coalesce(col("t_res"), lit(""))).orderBy(col("t_time").desc());
    Dataset<Row> inherited = joined.withColumn("_n", row_number().over(latest)).filter(col("_n").equalTo(1))
        // An option the create call set itself wins over the template's.
        .filter(org.apache.spark.sql.functions.not(expr(
            "exists(coalesce(_rq.optionSettings, array()), o -> lower(o.namespace) = lower(t_ns) and lower(o.optionName) = lower(t_opt))")));
    return rows(inherited, BeanstalkSchemas.OPTION_SET, col("t_ns"), col("t_opt"), col("t_res"), col("t_value"));
  }

  /**
   * describe-configuration-settings output names no account or region: a seed without them applies to
   * the targets of that type and name the trail shows (in each account and region it shows them).
   */
  private static Dataset<Row> placeSeeds(Dataset<Row> seed, Dataset<Row> changes) {
    Dataset<Row> targets = changes.select(col("target_type").as("k_type"), col("target_name").as("k_name"),
        col("account_id").as("k_account"), col("aws_region").as("k_region")).distinct();
    return seed.join(targets, col("target_type").equalTo(col("k_type")).and(col("target_name").equalTo(col("k_name")))
                .and(col("account_id").isNull().or(col("account_id").equalTo(col("k_account"))))
                .and(col("aws_region").isNull().or(col("aws_region").equalTo(col("k_region")))), "left")
        .withColumn("account_id", coalesce(col("account_id"), col("k_account")))
        .withColumn("aws_region", coalesce(col("aws_region"), col("k_region")))
        .drop("k_type", "k_name", "k_account", "k_region");
  }

  private static Dataset<Row> seedRows(Dataset<Row> seed) {
    Column time = coalesce(col("as_of"), lit("1970-01-01 00:00:00").cast("timestamp"));
    List<Column> c = new ArrayList<>(List.of(
        concat_ws(":", lit("snapshot"), col("source_file")).as("event_id"), time.as("event_time"),
        to_date(time).as("event_date"), lit("snapshot").as("event_name"), col("account_id"), col("aws_region"),
        col("application"), col("target_type"), col("target_name"), col("environment_id"),
        lit(null).cast("string").as("resource_arn"), lit(SEED_KIND).as("change_kind"), col("namespace"),
        col("option_name"), col("resource_name"), col("value").as("value_after")));
    for (String a : ACTOR) {
      c.add(a.equals("client_class") ? lit("snapshot").as(a)
          : a.equals("service_originated") ? lit(null).cast("boolean").as(a)
          : a.equals("mfa_authenticated") ? lit(null).cast("boolean").as(a) : lit(null).cast("string").as(a));
    }
    return seed.select(c.toArray(Column[]::new));
  }

  /** Orders each key's rows in time and fills value_before, its source, and the secret flag. */
  private static Dataset<Row> replay(Dataset<Row> all) {
    Column seedFirst = when(col("change_kind").equalTo(SEED_KIND), lit(0)).otherwise(lit(1));
    WindowSpec key = Window.partitionBy(col("target_type"), col("account_id"), col("aws_region"), col("target_name"),
            lower(col("namespace")), lower(col("option_name")), coalesce(col("resource_name"), lit("")))
        .orderBy(col("event_time"), seedFirst, col("event_id"));
    Column prevKind = lag(col("change_kind"), 1).over(key);
    Column creates = col("event_name").isin("CreateEnvironment", "CreateConfigurationTemplate");
    Dataset<Row> replayed = all
        .withColumn("value_before", lag(col("value_after"), 1).over(key))
        .withColumn("value_before_source",
            when(prevKind.equalTo(SEED_KIND), lit(BeanstalkSchemas.FROM_SNAPSHOT))
                .when(prevKind.equalTo(BeanstalkSchemas.OPTION_DEFAULT), lit(BeanstalkSchemas.FROM_DEFAULT))
                .when(prevKind.isNotNull(), lit(BeanstalkSchemas.FROM_TRAIL))
                .when(creates, lit(NEW))
                .otherwise(lit(BeanstalkSchemas.UNKNOWN)));
    Column secret = SecretColumns.isSecretColumn(col("namespace"), col("option_name"), col("value_after"))
        .or(coalesce(col("value_after"), lit("")).equalTo(lit(Secrets.MASK)))
        .or(coalesce(col("value_before"), lit("")).equalTo(lit(Secrets.MASK)));
    return replayed.withColumn("secret", coalesce(secret, lit(false)))
        // Values were masked at ingest; a value that only now looks secret is masked here too.
        .withColumn("value_after", when(col("secret").and(col("value_after").isNotNull()), lit(Secrets.MASK))
            .otherwise(col("value_after")))
        .withColumn("value_before", when(col("secret").and(col("value_before").isNotNull()), lit(Secrets.MASK))
            .otherwise(col("value_before")));
  }

  private static Dataset<Row> union(List<Dataset<Row>> parts) {
    Dataset<Row> u = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      u = u.unionByName(parts.get(i));
    }
    return u;
  }

  static Column[] cols(String[] names) {
    Column[] c = new Column[names.length];
    for (int i = 0; i < names.length; i++) {
      c[i] = col(names[i]);
    }
    return c;
  }
}
