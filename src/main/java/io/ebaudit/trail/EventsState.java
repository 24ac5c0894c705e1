package io.ebaudit.trail;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.when;

import io.ebaudit.io.Manifest;
import io.ebaudit.io.Tables;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The events store of report-dated incremental runs ({@code weekly --incremental}): the event rows each run
 * read, kept by the delivery day of their log object ({@code _ebaudit/events/day=YYYY-MM-DD/}, the day folder
 * of the object's key as in {@link Manifest#dayOf}; {@code day=none} outside the CloudTrail layout). A run adds
 * its rows as new files of their days and touches nothing else, except the days of objects read again because
 * they changed: those days are rewritten without the old version's rows.
 *
 * <p>A run's window is rebuilt from the store's days the window covers and the rows just read: the rows of
 * the window's objects only, one per {@code event_id}, chosen as one read of all those objects chooses
 * ({@link CrossTaskDedup#keepOne}: an {@code UPDATED_DATA} copy, then the latest delivery). So the window's
 * events equal those of a run that reads every object of the window. Reads and writes the events columns
 * ({@link EventSchema#EVENTS}) plus the partition column {@code day}.
 */
public final class EventsState {
  private EventsState() {}

  /** The partition column: the delivery day, {@code YYYY-MM-DD} or {@code none}. */
  public static final String DAY = "day";
  public static final StructType SCHEMA = EventSchema.EVENTS.add(DAY, DataTypes.StringType, false);

  /**
   * What {@link #stage} wrote.
   *
   * @param addedDays days whose new files join the published ones ({@code day=…} folder names)
   * @param rewrittenDays days rewritten whole because one of their objects was read again
   */
  public record Staged(List<String> addedDays, List<String> rewrittenDays) {
    public List<String> all() {
      List<String> out = new ArrayList<>(addedDays);
      out.addAll(rewrittenDays);
      out.sort(null);
      return out;
    }
  }

  /** The delivery day of an object's path: the manifest's day without {@code day=}. */
  private static String dayOf(String path) {
    return Manifest.dayOf(path).substring(DAY.length() + 1);
  }

  /** The delivery day of {@code source_object}, as the manifest names it (without {@code day=}). */
  static Column day() {
    Column y = regexp_extract(col("source_object"), Manifest.DAY.pattern(), 1);
    return when(y.equalTo(""), lit("none")).otherwise(concat_ws("-", y,
        regexp_extract(col("source_object"), Manifest.DAY.pattern(), 2),
        regexp_extract(col("source_object"), Manifest.DAY.pattern(), 3)));
  }

  /**
   * Writes the rows of {@code newEvents} (a written events table) under {@code into} by day. The days of
   * {@code reread} objects (read before in another version) also get the published rows of their other
   * objects, so they can replace the published days whole.
   */
  public static Staged stage(SparkSession spark, String published, boolean exists, String newEvents,
      Set<String> reread, String into) {
    Dataset<Row> fresh = spark.read().schema(EventSchema.EVENTS).parquet(newEvents).withColumn(DAY, day());
    Tables.writeEvents(fresh, into, DAY, SaveMode.Overwrite);
    TreeSet<String> days = new TreeSet<>(days(spark.read().schema(SCHEMA).parquet(into)));
    TreeSet<String> rewritten = new TreeSet<>();
    if (exists && !reread.isEmpty()) {
      for (String p : reread) {
        rewritten.add(dayOf(p));
      }
      Dataset<Row> keep = withoutObjects(spark, spark.read().schema(SCHEMA).parquet(published)
          .filter(col(DAY).isin(rewritten.toArray())), reread);
      Tables.writeEvents(keep, into, DAY, SaveMode.Append);
      days.removeAll(rewritten);
      // A rewritten day left with no rows must still replace the published one.
      for (String d : rewritten) {
        io.ebaudit.io.Storage.mkdirs(spark.sparkContext().hadoopConfiguration(), into + "/" + DAY + "=" + d);
      }
    }
    return new Staged(days.stream().map(d -> DAY + "=" + d).toList(),
        rewritten.stream().map(d -> DAY + "=" + d).toList());
  }

  /**
   * A window's rows before deduplication.
   *
   * @param earlier the published rows of the window's objects (read by earlier runs); null when there are none
   * @param fresh the rows this run read
   */
  public record Window(Dataset<Row> earlier, Dataset<Row> fresh) {
    /**
     * One row per {@code event_id}, as one read of all the window's objects keeps ({@link EventSchema#EVENTS}),
     * and how many rows were copies of others across runs.
     */
    public Deduplicated deduplicate() {
      // The reader keeps one row per event_id already: only rows of earlier runs need the second pass.
      if (earlier == null) {
        return new Deduplicated(fresh, 0);
      }
      Dataset<Row> all = earlier.unionByName(fresh);
      // Copies are few (re-deliveries, objects read again): find their ids on one column, and move only
      // their rows through the choice's shuffle. Past a limit (a whole window read again), all of them.
      Dataset<Row> copied = all.groupBy("event_id").count().filter(col("count").gt(1)).localCheckpoint();
      Row c = copied.agg(org.apache.spark.sql.functions.count(lit(1)),
          org.apache.spark.sql.functions.sum(col("count"))).first();
      long ids = c.getLong(0);
      if (ids == 0) {
        return new Deduplicated(all, 0);
      }
      long duplicates = c.getLong(1) - ids;
      if (ids > BROADCAST_IDS) {
        return new Deduplicated(CrossTaskDedup.keepOne(all), duplicates);
      }
      Dataset<Row> keys = org.apache.spark.sql.functions.broadcast(copied.select("event_id"));
      Column same = all.col("event_id").equalTo(keys.col("event_id"));
      return new Deduplicated(all.join(keys, same, "left_anti")
          .unionByName(CrossTaskDedup.keepOne(all.join(keys, same, "left_semi"))), duplicates);
    }
  }

  /** A window's events, one row per {@code event_id}, and the rows dropped as copies across runs. */
  public record Deduplicated(Dataset<Row> events, long duplicates) {}

  /**
   * The window of a run: the published rows of the window's objects ({@code windowPaths}) except the ones
   * read again ({@code reread}), and {@code newEvents} (a written events table, or null when nothing was
   * read). Only the store's days of the window's objects are read.
   */
  public static Window window(SparkSession spark, String published, boolean exists, String newEvents,
      Collection<String> windowPaths, Set<String> reread) {
    Dataset<Row> fresh = newEvents == null ? spark.createDataFrame(List.of(), EventSchema.EVENTS)
        : spark.read().schema(EventSchema.EVENTS).parquet(newEvents);
    if (!exists || windowPaths.isEmpty()) {
      return new Window(null, fresh);
    }
    TreeSet<String> days = new TreeSet<>();
    for (String p : windowPaths) {
      days.add(dayOf(p));
    }
    Dataset<Row> old = spark.read().schema(SCHEMA).parquet(published).filter(col(DAY).isin(days.toArray())).drop(DAY);
    old = withoutObjects(spark, old, reread);
    Dataset<Row> paths = paths(spark, windowPaths);
    return new Window(old.join(paths, old.col("source_object").equalTo(paths.col("source_object")), "left_semi"), fresh);
  }

  private static Dataset<Row> withoutObjects(SparkSession spark, Dataset<Row> rows, Set<String> objects) {
    if (objects.isEmpty()) {
      return rows;
    }
    Dataset<Row> drop = paths(spark, objects);
    return rows.join(drop, rows.col("source_object").equalTo(drop.col("source_object")), "left_anti");
  }

  /** Object paths as a one-column table ({@code source_object}): millions for a week of an organization's trail. */
  private static Dataset<Row> paths(SparkSession spark, Collection<String> paths) {
    List<Row> rows = new ArrayList<>(paths.size());
    for (String p : paths) {
      rows.add(org.apache.spark.sql.RowFactory.create(p));
    }
    return Tables.fromRows(spark, rows, PATHS);
  }

  private static final StructType PATHS = new StructType().add("source_object", DataTypes.StringType, false);
  /** Ids of copied events up to which only their rows are shuffled (about 40 MB broadcast). */
  private static final long BROADCAST_IDS = 1_000_000;

  private static List<String> days(Dataset<Row> state) {
    return state.select(DAY).distinct().as(Encoders.STRING()).collectAsList().stream().sorted().toList();
  }
}
