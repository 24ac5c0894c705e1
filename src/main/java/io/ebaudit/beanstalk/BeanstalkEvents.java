package io.ebaudit.beanstalk;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Stage: events → {@code beanstalk_events} ({@link BeanstalkSchemas#BEANSTALK_EVENTS}).
 *
 * <p>Reads the events table's {@code event_source}, {@code request_parameters},
 * {@code response_elements}, identity and outcome columns; keeps every Elastic Beanstalk event, failed
 * ones too, with the application and environment it concerns, the actor, the client class from the
 * user agent, and the environment's known tags. {@code request_parameters} stays masked as ingest wrote
 * it.
 */
public final class BeanstalkEvents {
  private BeanstalkEvents() {}

  public static final String SOURCE = "elasticbeanstalk.amazonaws.com";

  static final StructType KEY_VALUE = new StructType().add("key", StringType).add("value", StringType);
  static final StructType OPTION = new StructType()
      .add("namespace", StringType).add("optionName", StringType).add("value", StringType).add("resourceName", StringType);

  /** The Beanstalk API input as CloudTrail records it (lowerCamelCase); members other calls lack are null. */
  public static final StructType REQUEST = new StructType()
      .add("applicationName", StringType).add("environmentName", StringType).add("environmentId", StringType)
      .add("templateName", StringType).add("versionLabel", StringType).add("platformArn", StringType)
      .add("solutionStackName", StringType)
      .add("tier", new StructType().add("name", StringType).add("type", StringType).add("version", StringType))
      .add("tags", createArrayType(KEY_VALUE))
      .add("optionSettings", createArrayType(OPTION))
      .add("optionsToRemove", createArrayType(OPTION))
      .add("operationsRole", StringType)
      .add("sourceEnvironmentName", StringType).add("destinationEnvironmentName", StringType)
      .add("resourceArn", StringType)
      .add("tagsToAdd", createArrayType(KEY_VALUE))
      .add("tagsToRemove", createArrayType(StringType))
      .add("terminateResources", BooleanType)
      .add("sourceConfiguration", new StructType().add("applicationName", StringType).add("templateName", StringType));

  static final StructType RESPONSE = new StructType()
      .add("environmentId", StringType).add("environmentName", StringType).add("applicationName", StringType)
      .add("environmentArn", StringType);

  /** The parsed request of a {@code beanstalk_events} or events row. */
  public static Column request() {
    return from_json(col("request_parameters"), REQUEST);
  }

  public static Dataset<Row> extract(Dataset<Row> events) {
    Dataset<Row> eb = events.filter(col("event_source").equalTo(SOURCE))
        .withColumn("_rq", request())
        .withColumn("_rs", from_json(col("response_elements"), RESPONSE));
    Column taggedArn = col("_rq.resourceArn");
    Column arnEnvironment = when(taggedArn.contains(":environment/"), element_at(split(taggedArn, "/"), -1));
    Column arnApplication = when(taggedArn.contains(":environment/"), element_at(split(taggedArn, "/"), -2));
    Column application = coalesce(col("_rq.applicationName"), col("_rs.applicationName"), arnApplication,
        col("_rq.sourceConfiguration.applicationName"));
    Column environment = coalesce(col("_rq.environmentName"), col("_rs.environmentName"),
        col("_rq.sourceEnvironmentName"), arnEnvironment);
    Column account = coalesce(col("recipient_account_id"), col("user_account_id"));
    Dataset<Row> out = eb.select(
        col("event_id"), col("event_time"), col("event_date"), col("event_name"),
        account.as("account_id"), col("aws_region"),
        application.as("application"), environment.as("environment_name"),
        coalesce(col("_rq.environmentId"), col("_rs.environmentId")).as("environment_id"),
        col("_rq.templateName").as("template_name"), col("_rq.versionLabel").as("version_label"),
        coalesce(col("_rs.environmentArn"), environmentArn(col("aws_region"), account, application, environment))
            .as("resource_arn"),
        col("principal_arn"), col("principal_kind"), col("user_type"), col("session_name"),
        col("session_mfa_authenticated").as("mfa_authenticated"), col("source_ip_address"),
        col("service_originated"), col("user_agent"), clientClass().as("client_class"), col("read_only"),
        lit(null).cast(BeanstalkSchemas.BEANSTALK_EVENTS.apply("environment_tags").dataType()).as("environment_tags"),
        when(col("failed"), lit("failed")).otherwise(lit("success")).as("outcome"),
        col("error_code"), col("error_message"), col("request_parameters"));
    return withTags(out);
  }

  /** {@code arn:<partition>:elasticbeanstalk:<region>:<account>:environment/<application>/<environment>}. */
  public static Column environmentArn(Column region, Column account, Column application, Column environment) {
    Column partition = when(region.startsWith("cn-"), lit("aws-cn"))
        .when(region.startsWith("us-gov-"), lit("aws-us-gov")).otherwise(lit("aws"));
    return when(application.isNotNull().and(environment.isNotNull()).and(account.isNotNull()),
        concat(lit("arn:"), partition, lit(":elasticbeanstalk:"), region, lit(":"), account,
            lit(":environment/"), application, lit("/"), environment));
  }

  /** console, eb_cli, aws_cli, cloudformation, terraform, sdk, service or other, from the user agent. */
  public static Column clientClass() {
    Column ua = lower(coalesce(col("user_agent"), lit("")));
    return when(ua.contains("awsebcli"), lit("eb_cli"))
        .when(ua.contains("terraform"), lit("terraform"))
        .when(ua.contains("cloudformation.amazonaws.com"), lit("cloudformation"))
        .when(ua.contains("console.amazonaws.com").or(ua.contains("signin.amazonaws.com"))
            .or(ua.equalTo("aws internal")).or(ua.startsWith("mozilla/")), lit("console"))
        .when(ua.startsWith("aws-cli/"), lit("aws_cli"))
        .when(ua.contains("aws-sdk-").or(ua.contains("boto3")).or(ua.contains("botocore"))
            .or(ua.contains("aws-sdk")), lit("sdk"))
        .when(col("service_originated"), lit("service"))
        .otherwise(lit("other"));
  }

  /**
   * Adds each environment's known tags (from CreateEnvironment and UpdateTagsForResource in the window,
   * last write wins). Tags live on the environment, not the event, so every event of it gets them.
   */
  static Dataset<Row> withTags(Dataset<Row> events) {
    Dataset<Row> rq = events.filter(col("outcome").equalTo("success")).withColumn("_rq", request());
    Dataset<Row> added = rq.filter(col("event_name").isin("CreateEnvironment", "UpdateTagsForResource"))
        .selectExpr("account_id", "aws_region", "environment_name", "event_time", "event_id",
            "explode(concat(coalesce(_rq.tags, array()), coalesce(_rq.tagsToAdd, array()))) as kv")
        .selectExpr("account_id", "aws_region", "environment_name", "event_time", "event_id",
            "kv.key as tag_key", "kv.value as tag_value");
    Dataset<Row> removed = rq.filter(col("event_name").equalTo("UpdateTagsForResource"))
        .selectExpr("account_id", "aws_region", "environment_name", "event_time", "event_id",
            "explode(coalesce(_rq.tagsToRemove, array())) as tag_key", "cast(null as string) as tag_value");
    Dataset<Row> latest = added.unionByName(removed)
        .filter(col("environment_name").isNotNull().and(col("tag_key").isNotNull()))
        .withColumn("_n", org.apache.spark.sql.functions.row_number().over(
            org.apache.spark.sql.expressions.Window.partitionBy("account_id", "aws_region", "environment_name", "tag_key")
                .orderBy(col("event_time").desc(), col("event_id").desc())))
        .filter(col("_n").equalTo(1).and(col("tag_value").isNotNull()))
        .groupBy("account_id", "aws_region", "environment_name")
        .agg(map_from_entries(org.apache.spark.sql.functions.collect_list(
            org.apache.spark.sql.functions.struct(col("tag_key"), col("tag_value")))).as("_tags"))
        .select(col("account_id").as("_t_account"), col("aws_region").as("_t_region"),
            col("environment_name").as("_t_env"), col("_tags"));
    // Derived from events itself: join on renamed columns so the self-join is unambiguous.
    Dataset<Row> joined = events.join(latest,
        col("account_id").eqNullSafe(col("_t_account"))
            .and(col("aws_region").eqNullSafe(col("_t_region")))
            .and(col("environment_name").equalTo(col("_t_env"))), "left");
    Column[] cols = new Column[BeanstalkSchemas.BEANSTALK_EVENTS.size()];
    String[] names = BeanstalkSchemas.BEANSTALK_EVENTS.fieldNames();
    for (int i = 0; i < names.length; i++) {
      cols[i] = names[i].equals("environment_tags") ? col("_tags").as("environment_tags") : col(names[i]);
    }
    return joined.select(cols);
  }

  /** The trailing {@code X.Y.Z} of a platform ARN or the {@code vX.Y.Z} of a solution stack name. */
  public static Column platformVersion(Column platform) {
    return when(platform.contains("::platform/"), regexp_extract(platform, "/(\\d+\\.\\d+\\.\\d+)$", 1))
        .otherwise(regexp_extract(platform, " v(\\d+\\.\\d+\\.\\d+) ", 1));
  }
}
