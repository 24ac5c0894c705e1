package io.ebaudit.beanstalk;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Stage: timeline + {@code beanstalk_events} → {@code environment_state}
 * ({@link BeanstalkSchemas#ENVIRONMENT_STATE}): each environment's effective configuration at the end
 * of the window, with the time, event and principal of each value's last change. Security options that
 * were never set carry their documented default, marked {@code is_default}; a removed option is back at
 * its default.
 */
public final class EnvironmentState {
  private EnvironmentState() {}

  public static Dataset<Row> derive(Dataset<Row> timeline, Dataset<Row> beanstalkEvents) {
    Dataset<Row> env = timeline.filter(col("target_type").equalTo("environment").and(col("target_name").isNotNull()));
    Dataset<Row> last = env
        .withColumn("_n", row_number().over(Window.partitionBy(col("account_id"), col("aws_region"), col("target_name"),
                lower(col("namespace")), lower(col("option_name")), coalesce(col("resource_name"), lit("")))
            .orderBy(col("event_time").desc(), col("event_id").desc())))
        .filter(col("_n").equalTo(1));
    Dataset<Row> defaults = defaults(timeline.sparkSession());
    Dataset<Row> lastWithDefault = last.join(defaults,
        lower(col("namespace")).equalTo(lower(col("d_ns"))).and(lower(col("option_name")).equalTo(lower(col("d_opt")))),
        "left");
    Column removed = col("change_kind").isin(BeanstalkSchemas.OPTION_REMOVED, BeanstalkSchemas.TAG_REMOVED);
    Column isSeed = col("change_kind").equalTo(Timeline.SEED_KIND);
    Column isDefault = col("change_kind").equalTo(BeanstalkSchemas.OPTION_DEFAULT).or(removed.and(col("d_value").isNotNull()));
    Dataset<Row> known = lastWithDefault
        .filter(org.apache.spark.sql.functions.not(col("change_kind").equalTo(BeanstalkSchemas.TAG_REMOVED)))
        .select(
            col("account_id"), col("aws_region"), col("application"), col("target_name").as("environment_name"),
            col("environment_id"), col("namespace"), col("option_name"), col("resource_name"),
            when(removed, col("d_value")).otherwise(col("value_after")).as("value"),
            when(isSeed, lit(BeanstalkSchemas.FROM_SNAPSHOT))
                .when(isDefault, lit(BeanstalkSchemas.FROM_DEFAULT)).otherwise(lit(BeanstalkSchemas.FROM_TRAIL))
                .as("value_source"),
            isDefault.as("is_default"), col("secret"),
            col("event_time").as("last_changed_time"),
            when(isSeed, lit(null).cast("string")).otherwise(col("event_id")).as("last_changed_event_id"),
            col("principal_arn").as("last_changed_by"));

    // Every environment seen, for the options nobody set.
    Dataset<Row> environments = beanstalkEvents.filter(col("environment_name").isNotNull())
        .select("account_id", "aws_region", "application", "environment_name", "environment_id")
        .unionByName(env.select(col("account_id"), col("aws_region"), col("application"),
            col("target_name").as("environment_name"), col("environment_id")))
        .groupBy("account_id", "aws_region", "environment_name")
        .agg(max("application").as("application"), max("environment_id").as("environment_id"));
    Dataset<Row> unset = environments.crossJoin(defaults)
        .join(known.select(col("account_id").as("k_account"), col("aws_region").as("k_region"),
                col("environment_name").as("k_env"), lower(col("namespace")).as("k_ns"), lower(col("option_name")).as("k_opt")),
            col("account_id").eqNullSafe(col("k_account")).and(col("aws_region").eqNullSafe(col("k_region")))
                .and(col("environment_name").equalTo(col("k_env")))
                .and(lower(col("d_ns")).equalTo(col("k_ns"))).and(lower(col("d_opt")).equalTo(col("k_opt"))),
            "left_anti")
        .select(col("account_id"), col("aws_region"), col("application"), col("environment_name"), col("environment_id"),
            col("d_ns").as("namespace"), col("d_opt").as("option_name"), lit(null).cast("string").as("resource_name"),
            col("d_value").as("value"), lit(BeanstalkSchemas.FROM_DEFAULT).as("value_source"), lit(true).as("is_default"),
            lit(false).as("secret"), lit(null).cast("timestamp").as("last_changed_time"),
            lit(null).cast("string").as("last_changed_event_id"), lit(null).cast("string").as("last_changed_by"));
    return known.unionByName(unset).select(Timeline.cols(BeanstalkSchemas.ENVIRONMENT_STATE.fieldNames()));
  }

  private static Dataset<Row> defaults(org.apache.spark.sql.SparkSession spark) {
    StructType schema = new StructType().add("d_ns", DataTypes.StringType).add("d_opt", DataTypes.StringType)
        .add("d_value", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (String[] d : Timeline.SECURITY_DEFAULTS) {
      rows.add(RowFactory.create(d[0], d[1], d[2]));
    }
    return spark.createDataFrame(rows, schema);
  }
}
