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
import io.ebaudit.trail.EventsState;
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
import java.util.Set;
import java.util.TreeSet;
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
  /** Where report-dated incremental runs keep the rows they read ({@link EventsState}; {@code events/} holds report dates). */
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
   * partition by partition: {@code events/<partition>/event_date=…/},
   * {@code quarantine/<partition>/}, {@code ingest-summary/<partition>/ingest-summary.json},
   * {@code integrity/digest_verification/<partition>/} and {@code integrity/summary/<partition>/summary.json}.
   * An incremental run then keeps every row it read in {@link #STATE_EVENTS} ({@link EventsState}, in the same
   * staging), and writes the window's events under {@code events/<partition>/} as a full run does.
   */
  public static Staged stage(SparkSession spark, IngestConfig config, Staging staging, String partition) {
    return stage(spark, config, staging, partition,
        config.run().incremental() && partition != null ? staging : null);
  }

  /**
   * As {@link #stage(SparkSession, IngestConfig, Staging, String)}, incremental over the events store of
   * another staging's root: {@code store} is a {@link Staging} of the root that keeps the manifest and the
   * store ({@link EventsState} in {@link #STATE_EVENTS}). Only the window's objects missing from that
   * manifest are read; their rows are staged into {@code store}, and {@code staging} gets the window's
   * events and quarantine as a full run writes them. The manifest learns the new objects once
   * {@code store} commits: commit it after the outputs built from the window.
   *
   * @param store null: the incremental merge into {@code staging}'s own {@code events/} (flat layout)
   */
  public static Staged stage(SparkSession spark, IngestConfig config, Staging staging, String partition, Staging store) {
    if (store != null && !config.run().incremental()) {
      throw new IllegalArgumentException("Cannot stage ingest: an events store goes with --incremental, got a store at "
          + store.root() + " without it");
    }
    if (store == null && config.run().incremental() && partition != null) {
      store = staging;
    }
    if (config.run().incremental()) {
      oneLayout(spark.sparkContext().hadoopConfiguration(), store != null ? store.root() : staging.root(), store != null);
    }
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

    // The root whose manifest says what was read before: the store's in a report-dated run.
    String root = store != null ? store.root() : staging.root();
    String publishedEvents = store != null ? store.published(STATE_EVENTS) : staging.published(EVENTS);
    Manifest manifest = run.incremental() ? Manifest.read(hadoop, root, found.logs()) : null;
    List<LogObject> toRead = manifest == null ? found.logs() : manifest.newObjects(found.logs());
    if (manifest != null) {
      System.err.printf("ebaudit: incremental: %,d log objects in the window, %,d read before, %,d to read%n",
          found.logs().size(), found.logs().size() - toRead.size(), toRead.size());
    }

    String quarantine = staging.path(QUARANTINE + part);
    // Scratch under "_tmp/": hidden from the commit, while Spark (which warns about reading a folder whose own
    // name starts with "_") reads "hashes" and "new-events" quietly.
    String hashes = run.verifyDigests() ? staging.path("_tmp/hashes") : null;
    String readInto = manifest == null ? staging.path(EVENTS + part) : staging.path("_tmp/new-events");
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
    if (store != null) {
      // Report-dated incremental: the new rows join the store; the window is rebuilt from it.
      boolean exists = exists(hadoop, publishedEvents);
      Set<String> reread = new TreeSet<>();
      for (LogObject o : toRead) {
        if (manifest.knowsPath(o.path())) {
          reread.add(o.path());
        }
      }
      List<String> storeDays = List.of();
      if (!toRead.isEmpty()) {
        EventsState.Staged st = EventsState.stage(spark, publishedEvents, exists, readInto, reread,
            store.path(STATE_EVENTS));
        for (String d : st.addedDays()) {
          store.addFiles(STATE_EVENTS + "/" + d);
        }
        for (String d : st.rewrittenDays()) {
          store.replace(STATE_EVENTS + "/" + d);
        }
        storeDays = st.all();
      }
      long w0 = System.nanoTime();
      List<String> windowPaths = found.logs().stream().map(LogObject::path).toList();
      EventsState.Window w = EventsState.window(spark, publishedEvents, exists, toRead.isEmpty() ? null : readInto,
          windowPaths, reread);
      String eventsOut = staging.path(EVENTS + part);
      EventsState.Deduplicated d = w.deduplicate();
      Tables.writeEvents(d.events(), eventsOut);
      long fresh = w.fresh().count();
      Storage.delete(hadoop, readInto);
      events = spark.read().schema(EventSchema.EVENTS).parquet(eventsOut);
      long after = events.count();
      long before = after + d.duplicates() - fresh;
      System.err.printf("ebaudit: incremental: the window's events rebuilt in %.1f s: %,d rows of earlier runs,"
          + " %,d new, %,d after deduplication%n", (System.nanoTime() - w0) / 1e9, before, fresh, after);
      if (partition == null) {
        staging.replace(EVENTS).replace(QUARANTINE);
      } else {
        staging.replacePartitions(EVENTS).replacePartitions(QUARANTINE);
      }
      inc = new IngestSummary.Incremental(store.runId(), found.logs().size(), found.logs().size() - toRead.size(),
          toRead.size(), storeDays, before, fresh, after, d.duplicates(), Storage.child(root, Manifest.DIR));
    } else if (manifest == null) {
      if (partition == null) {
        staging.replace(EVENTS).replace(QUARANTINE);
      } else {
        staging.replacePartitions(EVENTS).replacePartitions(QUARANTINE);
      }
      events = spark.read().schema(EventSchema.EVENTS).parquet(readInto);
    } else {
      // Flat incremental: the new events are merged into the root's own events/.
      boolean exists = exists(hadoop, publishedEvents);
      EventsMerge.Result m = toRead.isEmpty() ? new EventsMerge.Result(List.of(), 0, 0, 0)
          : EventsMerge.merge(spark, publishedEvents, exists, readInto, staging.path(EVENTS));
      Storage.delete(hadoop, readInto);
      staging.replacePartitions(EVENTS);
      renameQuarantine(hadoop, quarantine, staging.runId());
      staging.addFiles(QUARANTINE);
      events = view(spark, publishedEvents, exists, staging.path(EVENTS), m.days());
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
          staging.path(table), staging.path(summaryFile), staging.published(table));
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
      Staging learns = store != null ? store : staging;
      String runId = learns.runId();
      learns.afterCommit(() -> Manifest.append(hadoop, root, runId, read, newHashes));
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
        manifest == null || store != null ? staging.published(EVENTS + part) : publishedEvents,
        staging.published(QUARANTINE + part), inc);
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

  /**
   * A root's manifest describes either its flat {@code events/} or its events store, never both: an object
   * one kind of run read would be skipped by the other, and its events would be missing there.
   */
  private static void oneLayout(Configuration hadoop, String root, boolean store) {
    if (store && Staging.isCommitted(hadoop, root, MARKER)) {
      throw new IllegalArgumentException("Cannot read incrementally into a report-dated root: it holds the outputs of"
          + " ingest or analyze runs (_commits/" + MARKER + ".json), whose manifest does not describe the weekly events"
          + " store; use another --out, got " + root);
    }
    if (!store && exists(hadoop, Storage.child(root, STATE_EVENTS))) {
      throw new IllegalArgumentException("Cannot read incrementally into a flat root: it holds the weekly job's events"
          + " store (" + STATE_EVENTS + "/), whose manifest does not describe events/; use another --out, got " + root);
    }
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
