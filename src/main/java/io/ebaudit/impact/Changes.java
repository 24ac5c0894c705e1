package io.ebaudit.impact;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import io.ebaudit.beanstalk.BeanstalkEvents;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Stage: {@code beanstalk_events} → the changes whose impact {@link Impact} measures, one row per
 * (successful call, environment): {@link #CHANGES} ({@code account_id, aws_region, application,
 * environment_id, environment_name, change_time, change_kind, event_id, event_name, principal}).
 *
 * <p>{@code change_kind} ({@link #KINDS}): {@code UpdateEnvironment} is a {@code platform_update} when it
 * sets a platform ARN or solution stack, else a {@code deployment} when it sets a version label, else a
 * {@code config_change} when it sets or removes options or changes the template or tier, else
 * {@code other}; {@code RestartAppServer} a {@code restart}; {@code RebuildEnvironment} a {@code rebuild};
 * {@code ApplyEnvironmentManagedAction} a {@code platform_update}; a CNAME swap (one row per environment
 * swapped), a tag update on an environment and an aborted update are {@code other}. Creations and
 * terminations are not changes of a running environment and are left out. A row that names only the
 * environment id gets the name the other calls give that id.
 */
public final class Changes {
  private Changes() {}

  public static final String CONFIG_CHANGE = "config_change";
  public static final String DEPLOYMENT = "deployment";
  public static final String RESTART = "restart";
  public static final String REBUILD = "rebuild";
  public static final String PLATFORM_UPDATE = "platform_update";
  public static final String OTHER = "other";
  public static final List<String> KINDS = List.of(CONFIG_CHANGE, DEPLOYMENT, RESTART, REBUILD, PLATFORM_UPDATE, OTHER);

  static final List<String> EVENTS = List.of("UpdateEnvironment", "RestartAppServer", "RebuildEnvironment",
      "ApplyEnvironmentManagedAction", "SwapEnvironmentCNAMEs", "UpdateTagsForResource", "AbortEnvironmentUpdate");

  public static final StructType CHANGES = createStructType(List.of(
      createStructField("account_id", StringType, true),
      createStructField("aws_region", StringType, true),
      createStructField("application", StringType, true),
      createStructField("environment_id", StringType, true),
      createStructField("environment_name", StringType, true),
      createStructField("change_time", TimestampType, false),
      createStructField("change_kind", StringType, false),
      createStructField("event_id", StringType, false),
      createStructField("event_name", StringType, false),
      createStructField("principal", StringType, true)));

  public static Dataset<Row> derive(Dataset<Row> beanstalkEvents) {
    Dataset<Row> ok = beanstalkEvents.filter(col("outcome").equalTo("success").and(col("event_name").isin(EVENTS.toArray())))
        .withColumn("_rq", BeanstalkEvents.request());
    Column update = col("event_name").equalTo("UpdateEnvironment");
    Column options = coalesce(size(col("_rq.optionSettings")).gt(0), lit(false))
        .or(coalesce(size(col("_rq.optionsToRemove")).gt(0), lit(false)))
        .or(col("_rq.templateName").isNotNull()).or(col("_rq.tier").isNotNull());
    Column kind = when(col("event_name").equalTo("RestartAppServer"), lit(RESTART))
        .when(col("event_name").equalTo("RebuildEnvironment"), lit(REBUILD))
        .when(col("event_name").equalTo("ApplyEnvironmentManagedAction"), lit(PLATFORM_UPDATE))
        .when(update.and(col("_rq.platformArn").isNotNull().or(col("_rq.solutionStackName").isNotNull())), lit(PLATFORM_UPDATE))
        .when(update.and(col("_rq.versionLabel").isNotNull()), lit(DEPLOYMENT))
        .when(update.and(options), lit(CONFIG_CHANGE))
        .otherwise(lit(OTHER));
    // A swap changes both environments; the extract names the source one.
    Column names = when(col("event_name").equalTo("SwapEnvironmentCNAMEs").and(col("_rq.destinationEnvironmentName").isNotNull()),
        array(col("environment_name"), col("_rq.destinationEnvironmentName")))
        .otherwise(array(col("environment_name")));
    Dataset<Row> rows = ok
        .filter(col("event_name").notEqual("UpdateTagsForResource").or(col("_rq.resourceArn").contains(":environment/")))
        .select(col("account_id"), col("aws_region"), col("application"), col("environment_id"),
            posexplode(names).as(new String[] {"_pos", "_name"}), col("event_time").as("change_time"),
            kind.as("change_kind"), col("event_id"), col("event_name"), col("principal_arn").as("principal"))
        .withColumn("environment_id", when(col("_pos").equalTo(0), col("environment_id")))
        .withColumnRenamed("_name", "environment_name")
        .filter(col("environment_name").isNotNull().or(col("environment_id").isNotNull()));
    Dataset<Row> names2 = beanstalkEvents.filter(col("environment_id").isNotNull().and(col("environment_name").isNotNull()))
        .groupBy(col("account_id").as("_n_account"), col("aws_region").as("_n_region"), col("environment_id").as("_n_id"))
        .agg(max("environment_name").as("_n_name"));
    return rows.join(names2, col("environment_name").isNull()
            .and(col("account_id").eqNullSafe(col("_n_account"))).and(col("aws_region").eqNullSafe(col("_n_region")))
            .and(col("environment_id").equalTo(col("_n_id"))), "left")
        .withColumn("environment_name", coalesce(col("environment_name"), col("_n_name")))
        .select(java.util.Arrays.stream(CHANGES.fieldNames()).map(c -> col(c)).toArray(Column[]::new));
  }
}
