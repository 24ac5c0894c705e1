package io.ebaudit.jobs;

import static org.apache.spark.sql.functions.col;

import io.ebaudit.config.IngestConfig;
import io.ebaudit.config.RunOptions;
import io.ebaudit.integrity.DigestVerification;
import io.ebaudit.integrity.PublicKeys;
import io.ebaudit.io.Manifest;
import io.ebaudit.io.Staging;
import io.ebaudit.io.Storage;
import io.ebaudit.io.Tables;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.report.FindingWriter;
import io.ebaudit.trail.EventSchema;
import io.ebaudit.trail.EventsMerge;
import io.ebaudit.trail.IngestSummary;
import io.ebaudit.trail.TrailDiscovery;
import io.ebaudit.trail.TrailDiscovery.LogObject;
import io.ebaudit.trail.TrailReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The ingest stage as a job: discover log objects, read them once, write {@code events/} (Parquet,
 * Hive-partitioned by {@code event_date}), {@code quarantine/} and {@code ingest-summary.json}; with
 * {@code --verify-digests} also {@code integrity/} and {@code findings/} (the integrity findings).
 *
 * <p>Everything is written to a staging folder and published with one commit ({@link Staging}): a failed
 * run leaves the previous outputs as they were. {@link #run} does the whole thing; {@link #stage} writes
 * into a caller's staging folder and registers what to publish, for jobs that add their own tables
 * ({@code analyze}, {@code weekly}) and commit once at the end.
 *
 * <p>With {@code --incremental}, only log objects missing from the root's {@link Manifest} are read; their
 * events are merged into the published {@code events/} ({@link EventsMerge}) and only the days that change
 * are republished; the manifest learns the new objects after the commit.
 */
public final class IngestJob {
  private IngestJob() {}

  /** Subfolders of a run's output root. */
  public static final String EVENTS = "events";
  public static final String QUARANTINE = "quarantine";
  public static final String SUMMARY = "ingest-summary.json";
  public static final String INTEGRITY = "integrity";
  public static final String FINDINGS = "findings";
  /** The commit marker of a flat (not report-dated) run. */
  public static final String MARKER = "latest";
  /** Where an incremental report-dated run keeps its cumulative events table ({@code events/} holds report dates). */
  public static final String STATE_EVENTS = "_ebaudit/events";
  /** The report-dated layout's folder of run summaries. */
  public static final String SUMMARIES = "ingest-summary";

  /**
   * What {@link #stage} wrote into the staging folder.
   *
   * @param summary the run's account; its paths are where the outputs will be once committed
   * @param events the complete events table of the run (in an incremental run the published days that did not
   *               change plus the staged ones): what later stages read
   * @param integrity the digest verification, or null without {@code --verify-digests}
   * @param integrityFindings the integrity findings ({@link FindingSchema#FINDINGS}), empty without verification
   */
  public record Staged(IngestSummary summary, Dataset<Row> events, DigestVerification.Summary integrity,
      Dataset<Row> integrityFindings) {}

  /** Ingests into {@code config.out()}, committing atomically (marker {@code _commits/latest.json}). */
  public static IngestSummary run(SparkSession spark, IngestConfig config) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try (Staging staging = Staging.open(hadoop, config.out())) {
      try {
        Staged s = stage(spark, config, staging);
        if (s.integrity() != null) {
          FindingWriter.write(s.integrityFindings(), staging.path(FINDINGS));
          staging.replace(FINDINGS);
        }
        staging.commit(MARKER);
        return s.summary();
      } catch (Exception e) {
        throw staging.failed("ingest", e);
      }
    }
  }

  /**
   * Ingests into {@code staging} (the config's output root is ignored: the staging root is used) and declares
   * what the commit publishes: {@code events} (whole, or the rewritten days when incremental),
   * {@code quarantine} (whole, or the new files added), {@code ingest-summary.json}, {@code integrity}; and,
   * when incremental, the manifest update after the commit.
   */
  public static Staged stage(SparkSession spark, IngestConfig config, Staging staging) {
    return stage(spark, config, staging, null);
  }

  /**
   * As {@link #stage(SparkSession, IngestConfig, Staging)}; with a {@code partition} such as
   * {@code report_date=2026-11-29}, the run's outputs go to that partition of each table and are published
   * partition by partition: {@code events/<partition>/event_date=…/} (not incremental),
   * {@code quarantine/<partition>/}, {@code ingest-summary/<partition>/ingest-summary.json},
   * {@code integrity/digest_verification/<partition>/} and {@code integrity/summary/<partition>/summary.json}.
   * An incremental run then keeps its cumulative events in {@link #STATE_EVENTS} (by {@code event_date}), and
   * {@link Staged#events()} is that merged table: the caller writes what it wants of it under {@code events/}.
   */
  public static Staged stage(SparkSession spark, IngestConfig config, Staging staging, String partition) {
    if (partition != null && !partition.matches("[a-z_]+=[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("Cannot stage ingest: a partition looks like report_date=2026-11-29, got " + partition);
    }
    String part = partition == null ? "" : "/" + partition;
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    RunOptions run = config.run();
    // A bad key file fails the run before any work.
    PublicKeys keys = run.publicKeys() == null ? null
        : PublicKeys.parse(Storage.readText(hadoop, run.publicKeys(), "public keys"), run.publicKeys());
    long t0 = System.nanoTime();
    TrailDiscovery discovery = new TrailDiscovery(hadoop, config.filter(), config.listingThreads(), System.err);
    if (run.verifyDigests()) {
      discovery.keepDigests();
    }
    TrailDiscovery.Result found = discovery.discover(config.trails());
    long t1 = System.nanoTime();
    if (found.logs().isEmpty()) {
      // Not an error (a quiet day is possible), but usually a wrong prefix or window: say so.
      System.err.printf("ebaudit: warning: no CloudTrail log files under %s%s%n", config.trails(),
          config.filter().from() == null ? "" : " from " + config.filter().from() + " to " + config.filter().to());
    }

    String root = staging.root();
    String eventsTable = run.incremental() && partition != null ? STATE_EVENTS : EVENTS;
    String publishedEvents = staging.published(eventsTable);
    Manifest manifest = run.incremental() ? Manifest.read(hadoop, root, found.logs()) : null;
    List<LogObject> toRead = manifest == null ? found.logs() : manifest.newObjects(found.logs());
    if (manifest != null) {
      System.err.printf("ebaudit: incremental: %,d log objects in the window, %,d read before, %,d to read%n",
          found.logs().size(), found.logs().size() - toRead.size(), toRead.size());
    }

    String quarantine = staging.path(QUARANTINE + part);
    String hashes = run.verifyDigests() ? staging.path("_tmp-hashes") : null;
    String readInto = manifest == null ? staging.path(EVENTS + part) : staging.path("_tmp-new-events");
    spark.sparkContext().setJobGroup("ebaudit-ingest", "ebaudit ingest: " + toRead.size() + " log files", false);
    TrailReader.Counts c;
    if (toRead.isEmpty() && manifest != null) {
      c = new TrailReader.Counts(0, 0, 0, 0, 0, 0, 0, 0, false);
    } else {
      TrailReader reader = TrailReader.plan(spark, toRead, config.read(), quarantine, hashes);
      try (Progress p = new Progress(spark, System.err, "ingest", 5)) {
        Tables.writeEvents(reader.events(), readInto);
        c = reader.finish(readInto);
      }
    }
    long t2 = System.nanoTime();

    IngestSummary.Incremental inc = null;
    Dataset<Row> events;
    if (manifest == null) {
      if (partition == null) {
        staging.replace(EVENTS).replace(QUARANTINE);
      } else {
        staging.replacePartitions(EVENTS).replacePartitions(QUARANTINE);
      }
      events = spark.read().schema(EventSchema.EVENTS).parquet(readInto);
    } else {
      boolean exists = exists(hadoop, publishedEvents);
      EventsMerge.Result m = toRead.isEmpty() ? new EventsMerge.Result(List.of(), 0, 0, 0)
          : EventsMerge.merge(spark, publishedEvents, exists, readInto, staging.path(eventsTable));
      Storage.delete(hadoop, readInto);
      staging.replacePartitions(eventsTable);
      if (partition == null) {
        renameQuarantine(hadoop, quarantine, staging.runId());
        staging.addFiles(QUARANTINE);
      } else {
        staging.replacePartitions(QUARANTINE);
      }
      events = view(spark, publishedEvents, exists, staging.path(eventsTable), m.days());
      inc = new IngestSummary.Incremental(staging.runId(), found.logs().size(), found.logs().size() - toRead.size(),
          toRead.size(), m.days(), m.publishedRows(), m.newRows(), m.mergedRows(), m.duplicates(),
          Storage.child(root, Manifest.DIR));
    }

    DigestVerification.Summary integrity = null;
    Dataset<Row> integrityFindings = spark.createDataFrame(List.of(), FindingSchema.FINDINGS);
    if (run.verifyDigests()) {
      Dataset<Row> known = exists(hadoop, hashes) ? spark.read().schema(TrailReader.HASHES).json(hashes)
          : spark.createDataFrame(List.of(), TrailReader.HASHES);
      if (manifest != null) {
        known = known.unionByName(manifestHashes(spark, manifest, found.logs()));
      }
      var f = config.filter();
      String table = partition == null ? INTEGRITY + "/" + DigestVerification.TABLE
          : INTEGRITY + "/" + DigestVerification.TABLE + part;
      String summaryFile = partition == null ? INTEGRITY + "/" + DigestVerification.SUMMARY
          : INTEGRITY + "/summary" + part + "/" + DigestVerification.SUMMARY;
      integrity = DigestVerification.run(spark, found.digests(), found.logs(), known,
          keys, new DigestVerification.Scope(f.from(), f.to(), f.accounts(), f.regions(), run.deliveryToleranceMinutes()),
          staging.path(table), staging.path(summaryFile));
      if (partition == null) {
        staging.replace(INTEGRITY);
      } else {
        staging.replacePartitions(INTEGRITY + "/" + DigestVerification.TABLE).replacePartitions(INTEGRITY + "/summary");
      }
      integrityFindings = DigestVerification.findings(
          spark.read().schema(DigestVerification.VERIFICATION).parquet(staging.path(table)));
      System.err.print("ebaudit: " + integrity.describe());
    }
    if (manifest != null) {
      Map<String, String> newHashes = run.verifyDigests() && exists(hadoop, hashes) ? hashesOf(spark, hashes) : Map.of();
      List<LogObject> read = toRead;
      String runId = staging.runId();
      staging.afterCommit(() -> Manifest.append(hadoop, root, runId, read, newHashes));
    }
    if (hashes != null) {
      Storage.delete(hadoop, hashes);
    }

    IngestSummary summary = new IngestSummary(
        List.copyOf(config.trails()),
        config.filter().from() == null ? null : config.filter().from().toString(),
        config.filter().to() == null ? null : config.filter().to().toString(),
        found.filesListed(), c.filesRead(), found.filesSkipped(), found.skippedByReason(), c.filesQuarantined(),
        c.recordsRead(), c.recordsKept(), c.recordsDuplicate(), c.recordsQuarantined(), found.prefixesListed(),
        c.compressedBytes(), c.uncompressedBytes(),
        IngestSummary.rejectRatio(c.recordsRead(), c.recordsQuarantined(), c.filesQuarantined()),
        config.maxRejectRatio(), (t1 - t0) / 1e9, (t2 - t1) / 1e9,
        manifest == null ? staging.published(EVENTS + part) : publishedEvents, staging.published(QUARANTINE + part), inc);
    if (partition == null) {
      Storage.writeText(hadoop, staging.path(SUMMARY), summary.toJson());
      staging.replace(SUMMARY);
    } else {
      Storage.writeText(hadoop, staging.path(SUMMARIES + part + "/" + SUMMARY), summary.toJson());
      staging.replacePartitions(SUMMARIES);
    }
    spark.sparkContext().clearJobGroup();
    return new Staged(summary, events, integrity, integrityFindings);
  }

  /** Published days that did not change, and the staged ones. */
  private static Dataset<Row> view(SparkSession spark, String published, boolean exists, String staged, List<String> days) {
    Dataset<Row> fresh = exists(spark.sparkContext().hadoopConfiguration(), staged)
        ? spark.read().schema(EventSchema.EVENTS).parquet(staged)
        : spark.createDataFrame(List.of(), EventSchema.EVENTS);
    if (!exists) {
      return fresh;
    }
    Dataset<Row> old = spark.read().schema(EventSchema.EVENTS).parquet(published);
    if (!days.isEmpty()) {
      old = old.filter(org.apache.spark.sql.functions.not(col("event_date").isin(days.stream().map(Date::valueOf).toArray())));
    }
    return old.unionByName(fresh);
  }

  private static Dataset<Row> manifestHashes(SparkSession spark, Manifest manifest, List<LogObject> logs) {
    List<Row> rows = new ArrayList<>();
    for (LogObject o : logs) {
      String sha = manifest.sha256(o);
      if (sha != null) {
        rows.add(RowFactory.create(o.path(), o.size(), sha, null));
      }
    }
    return spark.createDataFrame(rows, TrailReader.HASHES);
  }

  private static Map<String, String> hashesOf(SparkSession spark, String hashes) {
    Map<String, String> out = new HashMap<>();
    for (Row r : spark.read().schema(TrailReader.HASHES).json(hashes).filter(col("sha256").isNotNull())
        .select("path", "sha256").collectAsList()) {
      out.put(r.getString(0), r.getString(1));
    }
    return out;
  }

  /** Quarantine files of an incremental run join earlier runs' ones: their names carry the run id. */
  private static void renameQuarantine(Configuration hadoop, String dir, String runId) {
    Path d = new Path(dir);
    try {
      FileSystem fs = d.getFileSystem(hadoop);
      if (!fs.exists(d)) {
        return;
      }
      for (FileStatus f : fs.listStatus(d)) {
        String n = f.getPath().getName();
        if (f.isFile() && n.startsWith("part-") && n.endsWith(".jsonl")) {
          Path to = new Path(d, "part-" + runId + "-" + n.substring("part-".length()));
          if (!fs.rename(f.getPath(), to)) {
            throw new IOException("rename of " + f.getPath() + " failed");
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot name the quarantine files in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static boolean exists(Configuration hadoop, String uri) {
    Path p = new Path(uri);
    try {
      return p.getFileSystem(hadoop).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot look at " + uri + ": " + e.getMessage(), e);
    }
  }
}
