package io.ebaudit.permissions;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * What each principal actually did, from the events table: {@link #derive} (successful calls per
 * principal × IAM action, the {@code usage} table) and {@link #denied} (calls refused for lack of
 * permission, the {@code denied} table). Denied calls are never counted as use.
 *
 * <p>{@code iam:PassRole} is not logged as its own event: a successful Elastic Beanstalk {@code
 * CreateEnvironment} / {@code UpdateEnvironment} whose {@code optionSettings} set {@code
 * aws:elasticbeanstalk:environment/ServiceRole} or {@code
 * aws:autoscaling:launchconfiguration/IamInstanceProfile} counts as one use of {@code iam:PassRole} by
 * the caller, on the role or instance profile named.
 */
public final class Usage {
  private Usage() {}

  /** Resources kept per principal × action (sorted, the first ones). */
  public static final int MAX_RESOURCES = 50;

  public static final String PASS_ROLE = "iam:PassRole";

  public static final StructType USAGE =
      createStructType(
          List.of(
              createStructField("principal_arn", StringType, false),
              createStructField("principal_kind", StringType, true),
              createStructField("iam_action", StringType, false),
              createStructField("count", LongType, false),
              createStructField("first_seen", TimestampType, true),
              createStructField("last_seen", TimestampType, true),
              createStructField("regions", createArrayType(StringType, false), false),
              createStructField("resources", createArrayType(StringType, false), false),
              createStructField("inferred", org.apache.spark.sql.types.DataTypes.BooleanType, false)));

  public static final StructType DENIED =
      createStructType(
          List.of(
              createStructField("principal_arn", StringType, false),
              createStructField("principal_kind", StringType, true),
              createStructField("iam_action", StringType, false),
              createStructField("count", LongType, false),
              createStructField("first_seen", TimestampType, true),
              createStructField("last_seen", TimestampType, true),
              createStructField("error_codes", createArrayType(StringType, false), false)));

  /** Error codes that mean "not allowed" (IAM, SCP, resource policy), not throttling or bad input. */
  public static final String DENIED_CODES =
      "(?i)^(Client\\.)?(AccessDenied(Exception)?|UnauthorizedOperation|UnauthorizedAccess(Exception)?"
          + "|AuthorizationError|AuthorizationErrorException|NotAuthorized|Forbidden(Exception)?)$";

  private static final StructType OPTIONS =
      createStructType(
          List.of(
              createStructField(
                  "optionSettings",
                  createArrayType(
                      createStructType(
                          List.of(
                              createStructField("namespace", StringType, true),
                              createStructField("optionName", StringType, true),
                              createStructField("value", StringType, true)))),
                  true)));

  /** The {@code usage} table ({@link #USAGE}) over successful calls plus inferred PassRole uses. */
  public static Dataset<Row> derive(Dataset<Row> events) {
    Column ok = col("failed").equalTo(false).and(col("principal_arn").isNotNull());
    Dataset<Row> direct = events.where(ok.and(col("iam_action").isNotNull()))
        .select(col("principal_arn"), col("principal_kind"), col("iam_action"), col("event_time"),
            col("aws_region"), expr("filter(transform(resources, r -> r.arn), a -> a is not null)").as("arns"),
            lit(false).as("inferred"));
    Dataset<Row> passRole = events
        .where(ok.and(col("event_source").equalTo("elasticbeanstalk.amazonaws.com"))
            .and(col("event_name").isin("CreateEnvironment", "UpdateEnvironment")))
        .select(col("principal_arn"), col("principal_kind"), col("event_time"), col("aws_region"),
            explode(from_json(col("request_parameters"), OPTIONS).getField("optionSettings")).as("o"))
        .where(expr("(o.namespace = 'aws:elasticbeanstalk:environment' and o.optionName = 'ServiceRole')"
            + " or (o.namespace = 'aws:autoscaling:launchconfiguration' and o.optionName = 'IamInstanceProfile')")
            .and(expr("o.value is not null and trim(o.value) <> ''")))
        .select(col("principal_arn"), col("principal_kind"), lit(PASS_ROLE).as("iam_action"), col("event_time"),
            col("aws_region"), array(col("o.value")).as("arns"), lit(true).as("inferred"));
    Dataset<Row> all = direct.unionByName(passRole);
    Dataset<Row> agg = all.groupBy("principal_arn", "iam_action")
        .agg(first("principal_kind", true).as("principal_kind"), count(lit(1)).as("count"),
            min("event_time").as("first_seen"), max("event_time").as("last_seen"),
            expr("sort_array(collect_set(aws_region))").as("regions"),
            expr("slice(sort_array(array_distinct(flatten(collect_list(arns)))), 1, " + MAX_RESOURCES + ")")
                .as("resources"),
            expr("bool_and(inferred)").as("inferred"));
    return conform(agg, USAGE);
  }

  /** The {@code denied} table ({@link #DENIED}): failed calls with an access-denied error code. */
  public static Dataset<Row> denied(Dataset<Row> events) {
    Dataset<Row> agg = events
        .where(col("failed").equalTo(true).and(col("principal_arn").isNotNull())
            .and(col("error_code").rlike(DENIED_CODES)))
        .withColumn("iam_action", expr("coalesce(iam_action, concat(split(event_source, '\\\\.')[0], ':', event_name))"))
        .groupBy("principal_arn", "iam_action")
        .agg(first("principal_kind", true).as("principal_kind"), count(lit(1)).as("count"),
            min("event_time").as("first_seen"), max("event_time").as("last_seen"),
            expr("sort_array(collect_set(error_code))").as("error_codes"));
    return conform(agg, DENIED);
  }

  /** Selects the schema's columns in order; nullability as declared (aggregates are never null here). */
  static Dataset<Row> conform(Dataset<Row> df, StructType schema) {
    Column[] cols = new Column[schema.size()];
    for (int i = 0; i < cols.length; i++) {
      var f = schema.fields()[i];
      Column c = f.dataType() instanceof org.apache.spark.sql.types.ArrayType ? col(f.name()) : col(f.name()).cast(f.dataType());
      cols[i] = c.as(f.name());
    }
    Dataset<Row> selected = df.select(cols);
    return df.sparkSession().createDataFrame(selected.rdd(), schema);
  }
}
