package io.ebaudit.trail;

import static org.apache.spark.sql.functions.col;

import io.ebaudit.io.Tables;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The incremental merge: events read from new log objects join a published events table. Only the days
 * that change are rewritten: the days of the new events, and the days where an earlier copy of one of
 * their {@code event_id}s sits (a re-delivery of an older event). On those days the published rows and the
 * new ones are deduplicated together with the readers' choice ({@link CrossTaskDedup#keepOne}: an
 * {@code UPDATED_DATA} copy, then the latest delivery), so the merged table equals what one run over all the
 * objects writes. Reads {@code event_id} and {@code event_date} of the published table; writes the rewritten
 * days, partitioned by {@code event_date}, to a new folder (the published table is not touched).
 */
public final class EventsMerge {
  private EventsMerge() {}

  /** What a merge rewrote. */
  public record Result(List<String> days, long publishedRows, long newRows, long mergedRows) {
    /** Rows dropped as copies of one another across runs. */
    public long duplicates() {
      return publishedRows + newRows - mergedRows;
    }
  }

  /**
   * Merges {@code newEvents} (a written events table) into {@code published} (which may not exist yet),
   * writing the rewritten days under {@code into}.
   */
  public static Result merge(SparkSession spark, String published, boolean publishedExists, String newEvents, String into) {
    Dataset<Row> fresh = spark.read().schema(EventSchema.EVENTS).parquet(newEvents);
    long newRows = fresh.count();
    if (!publishedExists) {
      Tables.writeEvents(fresh, into);
      List<String> days = days(spark.read().schema(EventSchema.EVENTS).parquet(into));
      return new Result(days, 0, newRows, newRows);
    }
    Dataset<Row> old = spark.read().schema(EventSchema.EVENTS).parquet(published);
    TreeSet<String> days = new TreeSet<>(days(fresh));
    Dataset<Row> freshIds = fresh.select("event_id").distinct();
    for (Row r : old.select("event_id", "event_date").join(freshIds, "event_id").select("event_date").distinct().collectAsList()) {
      days.add(r.getDate(0).toString());
    }
    if (days.isEmpty()) {
      return new Result(List.of(), 0, 0, 0);
    }
    Object[] touched = days.stream().map(Date::valueOf).toArray();
    Dataset<Row> before = old.filter(col("event_date").isin(touched));
    long publishedRows = before.count();
    Tables.writeEvents(CrossTaskDedup.keepOne(before.unionByName(fresh)), into);
    long merged = spark.read().schema(EventSchema.EVENTS).parquet(into).count();
    return new Result(new ArrayList<>(days), publishedRows, newRows, merged);
  }

  private static List<String> days(Dataset<Row> events) {
    return events.select("event_date").distinct().as(Encoders.DATE()).collectAsList().stream()
        .map(Date::toString).sorted().toList();
  }
}
