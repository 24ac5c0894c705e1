package io.ebaudit.io;

import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/** Writes ebaudit's tables: Parquet, Hive-style partitions, settings chosen per table. */
public final class Tables {
  private Tables() {}

  /**
   * Columns where nearly every value is new. Parquet tries a dictionary for each column and falls back
   * when it overflows; for these that work is wasted (a third of the events write time, measured).
   */
  private static final String[] EVENTS_NO_DICTIONARY = {
    "event_id", "event_time", "request_id", "request_parameters", "response_elements",
    "additional_event_data", "service_event_details", "shared_event_id", "session_creation_date",
    // Repeated, but long: hashing and comparing them for the dictionary costs more than it saves.
    "source_object", "user_agent"
  };

  /** The events table, partitioned by {@code event_date}, replacing what is at {@code path}. */
  public static void writeEvents(Dataset<Row> events, String path) {
    writeEvents(events, path, "event_date", SaveMode.Overwrite);
  }

  /** Events rows (any extra columns kept), partitioned by {@code partitionColumn}, with the events table's settings. */
  public static void writeEvents(Dataset<Row> events, String path, String partitionColumn, SaveMode mode) {
    DataFrameWriter<Row> w = events.write().mode(mode).partitionBy(partitionColumn);
    for (String c : EVENTS_NO_DICTIONARY) {
      w = w.option("parquet.enable.dictionary#" + c, "false");
    }
    w.parquet(path);
  }

  /** Rows per task of a table built on the driver: a few MB each. */
  private static final int ROWS_PER_SLICE = 4_000;

  /**
   * A table of rows built on the driver, in slices of {@value #ROWS_PER_SLICE} rows: {@code createDataFrame(List)}
   * would ship them in as many tasks as the default parallelism, tens of MB each for an organization's
   * permission verdicts (Spark warns above 1 MB).
   */
  public static Dataset<Row> fromRows(org.apache.spark.sql.SparkSession spark, java.util.List<Row> rows,
      org.apache.spark.sql.types.StructType schema) {
    int slices = Math.max(1, (rows.size() + ROWS_PER_SLICE - 1) / ROWS_PER_SLICE);
    // Converted here, as createDataFrame(List) converts: the rows hold Java lists and maps, which neither
    // Spark's row encoder nor Kryo (the rows travel to the tasks) takes.
    scala.Function1<Object, Object> toCatalyst =
        org.apache.spark.sql.catalyst.CatalystTypeConverters.createToCatalystConverter(schema);
    java.util.List<org.apache.spark.sql.catalyst.InternalRow> internal = new java.util.ArrayList<>(rows.size());
    for (Row r : rows) {
      internal.add((org.apache.spark.sql.catalyst.InternalRow) toCatalyst.apply(r));
    }
    return spark.internalCreateDataFrame(org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(internal, slices).rdd(), schema, false);
  }
}
