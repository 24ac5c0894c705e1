package io.ebaudit.jobs;

import io.ebaudit.config.IngestConfig;
import io.ebaudit.io.Storage;
import io.ebaudit.io.Tables;
import io.ebaudit.trail.IngestSummary;
import io.ebaudit.trail.TrailDiscovery;
import io.ebaudit.trail.TrailReader;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * The ingest stage as a job: discover log objects, read them once, write {@code events/} (Parquet,
 * Hive-partitioned by {@code event_date}), {@code quarantine/} and {@code ingest-summary.json}.
 */
public final class IngestJob {
  private IngestJob() {}

  public static IngestSummary run(SparkSession spark, IngestConfig config) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    long t0 = System.nanoTime();
    TrailDiscovery.Result found =
        new TrailDiscovery(hadoop, config.filter(), config.listingThreads(), System.err).discover(config.trails());
    long t1 = System.nanoTime();
    if (found.logs().isEmpty()) {
      // Not an error (a quiet day is possible), but usually a wrong prefix or window: say so.
      System.err.printf("ebaudit: warning: no CloudTrail log files under %s%s%n", config.trails(),
          config.filter().from() == null ? "" : " from " + config.filter().from() + " to " + config.filter().to());
    }

    String out = Storage.qualify(hadoop, config.out());
    String eventsPath = Storage.child(out, "events");
    String quarantinePath = Storage.child(out, "quarantine");
    spark.sparkContext().setJobGroup("ebaudit-ingest", "ebaudit ingest: " + found.logs().size() + " log files", false);
    Storage.delete(hadoop, quarantinePath);
    TrailReader reader = TrailReader.plan(spark, found.logs(), config.read(), quarantinePath);
    TrailReader.Counts c;
    try (Progress p = new Progress(spark, System.err, "ingest", 5)) {
      Tables.writeEvents(reader.events(), eventsPath);
      c = reader.finish(eventsPath);
    }
    long t2 = System.nanoTime();

    IngestSummary summary = new IngestSummary(
        List.copyOf(config.trails()),
        config.filter().from() == null ? null : config.filter().from().toString(),
        config.filter().to() == null ? null : config.filter().to().toString(),
        found.filesListed(), c.filesRead(), found.filesSkipped(), found.skippedByReason(), c.filesQuarantined(),
        c.recordsRead(), c.recordsKept(), c.recordsDuplicate(), c.recordsQuarantined(), found.prefixesListed(),
        c.compressedBytes(), c.uncompressedBytes(),
        IngestSummary.rejectRatio(c.recordsRead(), c.recordsQuarantined(), c.filesQuarantined()),
        config.maxRejectRatio(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, eventsPath, quarantinePath);
    Storage.writeText(hadoop, Storage.child(out, "ingest-summary.json"), summary.toJson());
    spark.sparkContext().clearJobGroup();
    return summary;
  }
}
