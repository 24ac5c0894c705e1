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
}
