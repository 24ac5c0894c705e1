package io.ebaudit.jobs;

import io.ebaudit.config.Settings;
import io.ebaudit.io.PublishReportDate;
import io.ebaudit.io.ReportLayout;
import io.ebaudit.io.ReportTables;
import io.ebaudit.io.Storage;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.report.HtmlReport;
import io.ebaudit.report.MarkdownSummary;
import io.ebaudit.report.ReportInputs;
import io.ebaudit.report.ReportModel;
import io.ebaudit.report.RunManifest;
import io.ebaudit.report.SecurityExports;
import io.ebaudit.report.WeeklyReport;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * Renders a report date: {@code report/index.html}, {@code report/summary.md} and the Security Hub and
 * OCSF exports under {@code export/}, into a staging folder; {@link #rerender} also publishes them for a
 * date that {@code weekly} already wrote, reading its tables and recomputing nothing else.
 */
public final class ReportJob {
  private ReportJob() {}

  public static final String INDEX = "index.html";
  public static final String SUMMARY = "summary.md";

  /** What was rendered: open findings per severity, the export files written. */
  public record Rendered(ReportModel model, Map<String, Long> openBySeverity, int asffFiles, int asffFindings,
      int ocsfFiles, int ocsfFindings, double seconds) {}

  /** Renders {@code in} into {@code staging/report/} and {@code staging/export/{asff,ocsf}/}. */
  public static Rendered render(SparkSession spark, ReportInputs in, String staging, Settings settings, Clock clock) {
    long t0 = System.nanoTime();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String home = homeRegion(settings);
    // The report queries these tables many times over; they are small.
    in.findings().persist();
    if (in.environmentState() != null) {
      in.environmentState().persist();
    }
    try {
      return renderCached(spark, in, staging, settings, clock, conf, home, t0);
    } finally {
      in.findings().unpersist();
      if (in.environmentState() != null) {
        in.environmentState().unpersist();
      }
    }
  }

  private static Rendered renderCached(SparkSession spark, ReportInputs in, String staging, Settings settings,
      Clock clock, Configuration conf, String home, long t0) {
    WeeklyReport.Options opt = options(settings);
    var now = clock.instant();
    String version = version();
    ReportModel model = WeeklyReport.build(in, opt, now, version);
    String reportDir = Storage.child(staging, ReportLayout.REPORT);
    Storage.writeText(conf, Storage.child(reportDir, INDEX), HtmlReport.render(model));
    Storage.writeText(conf, Storage.child(reportDir, SUMMARY), MarkdownSummary.render(model));

    SecurityExports.Input ex = SecurityExports.input(in, now, version, home);
    String export = Storage.child(staging, ReportLayout.EXPORT);
    List<SecurityExports.Document> asff = SecurityExports.asff(ex);
    for (SecurityExports.Document d : asff) {
      Storage.writeText(conf, Storage.child(Storage.child(export, "asff"), d.name()), d.content());
    }
    List<SecurityExports.Document> ocsf = SecurityExports.ocsf(ex);
    for (SecurityExports.Document d : ocsf) {
      Storage.writeText(conf, Storage.child(Storage.child(export, "ocsf"), d.name()), d.content());
    }
    Map<String, Long> open = new TreeMap<>();
    for (ReportModel.SeverityCount s : model.severities()) {
      open.put(s.severity(), s.open());
    }
    return new Rendered(model, open, asff.size(), asff.stream().mapToInt(SecurityExports.Document::findings).sum(),
        ocsf.size(), ocsf.stream().mapToInt(SecurityExports.Document::findings).sum(), (System.nanoTime() - t0) / 1e9);
  }

  /** {@code report}: renders an already published date again and publishes the report and exports only. */
  public static Rendered rerender(SparkSession spark, String out, LocalDate date, Settings settings, Clock clock) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String root = Storage.qualify(conf, out);
    if (!ReportLayout.dates(conf, root).contains(date)) {
      throw new IllegalArgumentException("Cannot render the report: no weekly run published for " + date
          + " under " + root + ", got dates " + ReportLayout.dates(conf, root));
    }
    ReportLayout.Locator at = ReportLayout.published(root, date);
    String manifestPath = at.runFile(ReportTables.RUN_MANIFEST);
    RunManifest run = ReportLayout.exists(conf, manifestPath)
        ? RunManifest.fromJson(Storage.readText(conf, manifestPath, "run.json")) : null;
    LocalDate from = run != null && run.windowFrom() != null ? LocalDate.parse(run.windowFrom())
        : date.minusDays(settings.getInt("weekly.window_days", 1, 366) - 1);
    var prevDate = ReportLayout.previous(conf, root, date, settings.getInt("weekly.compare_after_days", 1, 366));
    ReportInputs in = ReportTables.read(spark, at, date, from, date,
        prevDate.map(d -> ReportLayout.published(root, d)).orElse(null), prevDate.orElse(null));
    String staging = staging(root, "report-" + date);
    Rendered r = render(spark, in, staging, settings, clock);
    PublishReportDate.publish(conf, staging, root, date, false);
    return r;
  }

  /** A fresh staging folder under {@code root/_staging/}. */
  static String staging(String root, String what) {
    return Storage.child(Storage.child(root, ReportLayout.STAGING), what + "-" + UUID.randomUUID().toString().substring(0, 8));
  }

  /** Exit code for {@code --fail-on}: 3 when an open finding at or above {@code failOn} exists, else 0. */
  public static int failOnExit(Map<String, Long> openBySeverity, String failOn) {
    if (failOn == null) {
      return 0;
    }
    int limit = FindingSchema.SEVERITIES.indexOf(failOn);
    for (int i = 0; i <= limit; i++) {
      if (openBySeverity.getOrDefault(FindingSchema.SEVERITIES.get(i), 0L) > 0) {
        return Main.EXIT_FINDINGS;
      }
    }
    return 0;
  }

  /** Validates {@code --fail-on}: a severity, lower-cased; null stays null. */
  public static String failOn(String value) {
    if (value == null) {
      return null;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (!FindingSchema.SEVERITIES.contains(v)) {
      throw new IllegalArgumentException("Cannot parse --fail-on: expected one of " + FindingSchema.SEVERITIES
          + ", got " + value);
    }
    return v;
  }

  static WeeklyReport.Options options(Settings s) {
    return new WeeklyReport.Options(s.getInt("report.top_findings", 1, 10_000), s.getInt("report.max_environments", 1, 100_000),
        s.getInt("report.timeline_per_environment", 1, 10_000), s.getInt("report.max_principals", 1, 100_000));
  }

  static String homeRegion(Settings s) {
    String r = s.section("export").path("home_region").asText("");
    if (!r.matches("[a-z]{2}(-[a-z]+)+-\\d")) {
      throw new IllegalArgumentException("Cannot configure: export.home_region must be an AWS region like us-east-1, got " + r);
    }
    return r;
  }

  static String version() {
    String v = ReportJob.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** The lines {@code weekly} and {@code report} print about the report. */
  static String describe(Rendered r, String root, LocalDate date) {
    return String.format(Locale.ROOT, "report: %s (rendered in %.1f s)%nsummary: %s%nexports: %,d ASFF file(s) with %,d findings in %s, %,d OCSF file(s) in %s%n",
        Storage.child(ReportLayout.published(root, ReportLayout.REPORT, date), INDEX), r.seconds(),
        Storage.child(ReportLayout.published(root, ReportLayout.REPORT, date), SUMMARY),
        r.asffFiles(), r.asffFindings(), ReportLayout.published(root, ReportLayout.EXPORT + "/asff", date),
        r.ocsfFiles(), ReportLayout.published(root, ReportLayout.EXPORT + "/ocsf", date));
  }
}
