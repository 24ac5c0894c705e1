package io.ebaudit.trail;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.row_number;

import io.ebaudit.io.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The rare second pass: when an (account, region) group was too large for one task, copies of an event
 * may sit in two tasks' output; and a task keeps both copies when an UPDATED_DATA one was delivered
 * before another copy of the original. Finds such ids from the written table (one column, cheap) and rewrites
 * only the days they fall on, keeping the latest delivery as the tasks do.
 */
final class CrossTaskDedup {
  private CrossTaskDedup() {}

  /**
   * One row per {@code event_id}, chosen as the read tasks choose: an UPDATED_DATA copy first, then the
   * latest delivery, then the path. The incremental merge uses the same choice, so merging runs gives the
   * table a single run over the same objects gives.
   */
  static Dataset<Row> keepOne(Dataset<Row> events) {
    WindowSpec newestFirst = Window.partitionBy("event_id").orderBy(
        org.apache.spark.sql.functions.when(col("addendum.reason").equalTo("UPDATED_DATA"), 0).otherwise(1).asc(),
        regexp_extract(col("source_object"), TrailReader.DELIVERY.pattern(), 1).desc(), col("source_object").asc());
    return events.withColumn("_copy", row_number().over(newestFirst)).filter(col("_copy").equalTo(1)).drop("_copy");
  }

  /** Returns how many rows were removed. */
  static long run(SparkSession spark, String eventsPath) {
    Dataset<Row> events = spark.read().schema(EventSchema.EVENTS).parquet(eventsPath);
    List<java.sql.Date> days = events.groupBy("event_id")
        .agg(count(lit(1)).as("copies"), collect_set("event_date").as("days"))
        .filter(col("copies").gt(1))
        .select(explode(col("days")).as("day")).distinct()
        .as(org.apache.spark.sql.Encoders.DATE()).collectAsList();
    if (days.isEmpty()) {
      return 0;
    }
    Dataset<Row> affected = events.filter(col("event_date").isin(days.toArray()));
    long before = affected.count();
    Dataset<Row> kept = keepOne(affected);
    Path root = new Path(eventsPath);
    Path staging = new Path(root.getParent(), "_" + root.getName() + "_dedup");
    Tables.writeEvents(kept, staging.toString());
    long after = spark.read().schema(EventSchema.EVENTS).parquet(staging.toString()).count();
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      for (java.sql.Date d : days) {
        Path part = new Path(root, "event_date=" + d);
        Path fixed = new Path(staging, "event_date=" + d);
        fs.delete(part, true);
        if (fs.exists(fixed) && !fs.rename(fixed, part)) {
          throw new IOException("rename of " + fixed + " to " + part + " failed");
        }
      }
      fs.delete(staging, true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot rewrite deduplicated days in " + eventsPath + ": " + e.getMessage(), e);
    }
    return before - after;
  }
}
