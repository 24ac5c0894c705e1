package io.ebaudit.jobs;

import io.ebaudit.config.IngestConfig;
import io.ebaudit.config.Settings;
import io.ebaudit.integrity.DigestVerification;
import io.ebaudit.io.PublishReportDate;
import io.ebaudit.io.ReportLayout;
import io.ebaudit.io.ReportTables;
import io.ebaudit.io.Staging;
import io.ebaudit.io.Storage;
import io.ebaudit.report.ReportInputs;
import io.ebaudit.report.RunManifest;
import io.ebaudit.trail.IngestSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * {@code weekly}: {@code analyze} ({@link AnalyzeJob#run}) over the window that ends at the report date,
 * computed into {@code ROOT/_staging/…}, then the report and exports ({@link ReportJob#render}) beside it,
 * then one {@link PublishReportDate#publish} that puts every table under {@code report_date=D}
 * ({@link ReportLayout}). A run whose ingest is over its reject limit publishes nothing and leaves its
 * staging folder for inspection.
 *
 * <p>With {@code --incremental}, only the window's log objects that no earlier run into the root read are
 * read; the week's events are rebuilt from the root's events store ({@link io.ebaudit.trail.EventsState},
 * {@code ROOT/_ebaudit/events/}) and the new rows, so every table equals a full run's. The store and the
 * manifest learn the new objects in a second commit ({@value #STORE_MARKER}) after the report date's.
 */
public final class WeeklyJob {
  private WeeklyJob() {}

  /** The commit marker of the incremental events store ({@code ROOT/_commits/events-store.json}). */
  public static final String STORE_MARKER = "events-store";

  /** A weekly run's inputs; {@code run}: digest verification and incremental reading. */
  public record Config(List<String> trails, Set<String> accounts, Set<String> regions, List<String> snapshots,
      List<String> platforms, List<String> iam, List<String> metrics, String out, LocalDate reportDate,
      Double maxRejectRatio, io.ebaudit.config.RunOptions run) {
    public Config(List<String> trails, Set<String> accounts, Set<String> regions, List<String> snapshots,
        List<String> platforms, List<String> iam, List<String> metrics, String out, LocalDate reportDate,
        Double maxRejectRatio) {
      this(trails, accounts, regions, snapshots, platforms, iam, metrics, out, reportDate, maxRejectRatio,
          io.ebaudit.config.RunOptions.defaults());
    }
  }

  /**
   * What a run did.
   *
   * @param ingest the ingest summary, naming the published folders once published
   * @param published false when nothing was published (ingest over its reject limit)
   */
  public record Result(AnalyzeJob.Result analyze, IngestSummary ingest, ReportJob.Rendered rendered, String root,
      LocalDate reportDate, LocalDate windowFrom, boolean published, String staging) {
    /** {@code ROOT/report/report_date=D/index.html}. */
    public String indexHtml() {
      return Storage.child(ReportLayout.published(root, ReportLayout.REPORT, reportDate), ReportJob.INDEX);
    }
  }

  public static Result run(SparkSession spark, Config c, Settings settings, Clock clock) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    LocalDate date = c.reportDate() != null ? c.reportDate() : LocalDate.now(clock.withZone(java.time.ZoneOffset.UTC));
    int days = settings.getInt("weekly.window_days", 1, 366);
    LocalDate from = date.minusDays(days - 1L);
    String root = Storage.qualify(conf, c.out());
    // Validate the settings the report needs before the long part.
    ReportJob.options(settings);
    ReportJob.homeRegion(settings);
    String staging = ReportJob.staging(root, date.toString());
    Instant started = clock.instant();

    IngestConfig ingest = IngestConfig.of(c.trails(), from, date, c.accounts(), c.regions(), staging,
        c.maxRejectRatio(), settings).withRun(c.run() == null ? io.ebaudit.config.RunOptions.defaults() : c.run());
    // Incremental: the manifest and the events read so far live in ROOT; what this run reads joins them
    // once the report date is committed (a run that publishes nothing leaves them as they were).
    try (Staging store = ingest.run().incremental()
        ? Staging.open(conf, root, new Path(staging).getName() + ".store") : null) {
      AnalyzeJob.Result a = AnalyzeJob.run(spark, ingest, c.snapshots(), c.platforms(), c.iam(), c.metrics(), settings,
          date, store);
      if (a.ingest().overThreshold()) {
        return new Result(a, a.ingest(), null, root, date, from, false, staging);
      }
      Result r = publish(spark, c, settings, clock, a, root, date, from, staging, started);
      if (store != null) {
        try {
          store.commit(STORE_MARKER);
        } catch (RuntimeException e) {
          // The report date is published; the next run reads these objects again, which changes nothing.
          System.err.println("ebaudit: warning: the events store was not updated (the next run reads this run's"
              + " objects again): " + e.getMessage());
        }
      }
      return r;
    }
  }

  private static Result publish(SparkSession spark, Config c, Settings settings, Clock clock, AnalyzeJob.Result a,
      String root, LocalDate date, LocalDate from, String staging, Instant started) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();

    // The summary names the published folders, not the staging ones.
    IngestSummary s = a.ingest();
    IngestSummary published = new IngestSummary(s.trails(), s.from(), s.to(), s.filesListed(), s.filesRead(),
        s.filesSkipped(), s.filesSkippedByReason(), s.filesQuarantined(), s.recordsRead(), s.recordsKept(),
        s.recordsDuplicate(), s.recordsQuarantined(), s.prefixesListed(), s.compressedBytes(), s.uncompressedBytes(),
        s.rejectRatio(), s.maxRejectRatio(), s.listingSeconds(), s.readSeconds(),
        ReportLayout.published(root, "events", date), ReportLayout.published(root, "quarantine", date), s.incremental());
    Storage.writeText(conf, Storage.child(staging, ReportTables.INGEST_SUMMARY), published.toJson());
    String integrity = Storage.child(staging, IngestJob.INTEGRITY + "/" + DigestVerification.SUMMARY);
    if (ReportLayout.exists(conf, integrity)) {
      try {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var n = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(Storage.readText(conf, integrity, "integrity summary"));
        n.put("table", ReportLayout.published(root, IngestJob.INTEGRITY + "/" + DigestVerification.TABLE, date));
        Storage.writeText(conf, integrity, json.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read the integrity summary " + integrity + ": " + e.getMessage(), e);
      }
    }
    RunManifest manifest = new RunManifest(date.toString(), from.toString(), date.toString(), started.toString(),
        clock.instant().toString(), ReportJob.version(), c.trails(), modified(conf, c.iam(), "IAM exports"),
        modified(conf, c.platforms(), "platform exports"), c.metrics(), c.snapshots(), a.platformCatalogSource(),
        a.platformCatalogAsOf() == null ? null : a.platformCatalogAsOf().toString());
    Storage.writeText(conf, Storage.child(staging, ReportTables.RUN_MANIFEST), manifest.toJson());

    var prevDate = ReportLayout.previous(conf, root, date, settings.getInt("weekly.compare_after_days", 1, 366));
    ReportInputs in = ReportTables.read(spark, ReportLayout.analyze(staging), date, from, date,
        prevDate.map(d -> ReportLayout.published(root, d)).orElse(null), prevDate.orElse(null));
    ReportJob.Rendered r = ReportJob.render(spark, in, staging, settings, clock);
    PublishReportDate.publish(conf, staging, root, date, true);
    return new Result(a, published, r, root, date, from, true, staging);
  }

  private static List<RunManifest.InputFile> modified(Configuration conf, List<String> paths, String what) {
    List<RunManifest.InputFile> out = new ArrayList<>();
    if (paths == null || paths.isEmpty()) {
      return out;
    }
    for (String f : Storage.inputFiles(conf, paths, what, ".json")) {
      Path p = new Path(f);
      try {
        long t = p.getFileSystem(conf).getFileStatus(p).getModificationTime();
        out.add(new RunManifest.InputFile(f, t <= 0 ? null : Instant.ofEpochMilli(t).toString()));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + what + " " + f + ": " + e.getMessage(), e);
      }
    }
    return out;
  }
}
