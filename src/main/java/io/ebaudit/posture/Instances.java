package io.ebaudit.posture;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The EC2 instances of each Beanstalk environment, from the events table ({@code EventSchema.EVENTS}):
 * <ul>
 *   <li>successful {@code RunInstances}: each {@code responseElements.instancesSet.items[]} with its
 *       {@code tagSet} plus the request's {@code tagSpecificationSet} tags for resource type {@code instance};
 *   <li>successful {@code CreateTags} on {@code i-…} resources.
 * </ul>
 * An instance belongs to an environment when its tags carry {@code elasticbeanstalk:environment-name} or
 * {@code elasticbeanstalk:environment-id}, or an {@code aws:autoscaling:groupName} of the form
 * {@code awseb-e-xxxxxxxxxx-stack-AWSEBAutoScalingGroup-…} (the environment id). One row per instance:
 * {@link #COLUMNS}.
 */
public final class Instances {
  private Instances() {}

  public static final String ENV_NAME_TAG = "elasticbeanstalk:environment-name";
  public static final String ENV_ID_TAG = "elasticbeanstalk:environment-id";
  public static final String ASG_TAG = "aws:autoscaling:groupName";

  public static final String[] COLUMNS = {"account_id", "aws_region", "instance_id", "environment_name",
      "environment_id", "auto_scaling_group", "first_seen", "first_event_id"};

  private static final String TAGS = "array<struct<key:string,value:string>>";
  private static final StructType RUN_RESPONSE = StructType.fromDDL(
      "instancesSet struct<items:array<struct<instanceId:string,tagSet:struct<items:" + TAGS + ">>>>");
  private static final StructType RUN_REQUEST = StructType.fromDDL(
      "tagSpecificationSet struct<items:array<struct<resourceType:string,tags:" + TAGS + ">>>");
  private static final StructType TAG_REQUEST = StructType.fromDDL(
      "resourcesSet struct<items:array<struct<resourceId:string>>>, tagSet struct<items:" + TAGS + ">");

  public static Dataset<Row> derive(Dataset<Row> events) {
    Dataset<Row> ec2 = events.filter(col("event_source").equalTo("ec2.amazonaws.com").and(col("failed").equalTo(false)))
        .withColumn("_account", coalesce(col("recipient_account_id"), col("user_account_id")));
    Dataset<Row> run = ec2.filter(col("event_name").equalTo("RunInstances"))
        .select(col("_account"), col("aws_region"), col("event_time"), col("event_id"),
            from_json(col("response_elements"), RUN_RESPONSE).as("r"), from_json(col("request_parameters"), RUN_REQUEST).as("q"))
        .selectExpr("_account", "aws_region", "event_time", "event_id", "explode(r.instancesSet.items) AS item",
            "flatten(transform(filter(coalesce(q.tagSpecificationSet.items, array()), s -> lower(s.resourceType) = 'instance'),"
                + " s -> coalesce(s.tags, array()))) AS req_tags")
        .selectExpr("_account", "aws_region", "event_time", "event_id", "item.instanceId AS instance_id",
            "concat(coalesce(item.tagSet.items, array()), coalesce(req_tags, array())) AS tags");
    Dataset<Row> tagged = ec2.filter(col("event_name").equalTo("CreateTags"))
        .select(col("_account"), col("aws_region"), col("event_time"), col("event_id"),
            from_json(col("request_parameters"), TAG_REQUEST).as("q"))
        .selectExpr("_account", "aws_region", "event_time", "event_id", "explode(q.resourcesSet.items.resourceId) AS instance_id",
            "coalesce(q.tagSet.items, array()) AS tags");
    Dataset<Row> all = run.unionByName(tagged)
        .filter(col("instance_id").startsWith("i-"))
        .withColumn("_name", expr(tag(ENV_NAME_TAG)))
        .withColumn("_asg", expr(tag(ASG_TAG)))
        .withColumn("_asg_env", expr("nullif(regexp_extract(_asg, '(?i)^awseb-(e-[a-z0-9]+)-stack', 1), '')"))
        .withColumn("_id", coalesce(expr(tag(ENV_ID_TAG)), col("_asg_env")))
        .filter(col("_name").isNotNull().or(col("_id").isNotNull()));
    return all.groupBy(col("_account").as("account_id"), col("aws_region"), col("instance_id"))
        .agg(max("_name").as("environment_name"), max("_id").as("environment_id"),
            max(when(col("_asg_env").isNotNull(), col("_asg"))).as("auto_scaling_group"),
            min("event_time").as("first_seen"), min_by(col("event_id"), col("event_time")).as("first_event_id"))
        .select(java.util.Arrays.stream(COLUMNS).map(c -> col(c)).toArray(org.apache.spark.sql.Column[]::new));
  }

  private static String tag(String key) {
    return "array_max(transform(filter(tags, t -> t.key = '" + key + "'), t -> t.value))";
  }

  static org.apache.spark.sql.Column none() {
    return lit(null).cast("string");
  }
}
