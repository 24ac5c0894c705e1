package io.ebaudit.jobs;

import io.ebaudit.config.Settings;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ebaudit weekly}: every stage for the week ending at the report date, the report and the exports. */
@Command(name = "weekly", mixinStandardHelpOptions = true,
    description = "Analyze the 7 days ending at the report date, write every table under ROOT/<table>/report_date=D/,"
        + " render ROOT/report/report_date=D/index.html and summary.md, and the Security Hub (ASFF) and OCSF exports."
        + " Exit codes: 0 done; 3 open findings at or above --fail-on; 1 failure (or too much quarantined);"
        + " 2 configuration error.")
public final class WeeklyCommand implements Callable<Integer> {
  @Option(names = "--trail", required = true, split = ",", paramLabel = "URI",
      description = "A trail root: the bucket, a prefix, AWSLogs/ or a folder inside it; or files. Repeatable.")
  List<String> trails = new ArrayList<>();

  @Option(names = "--accounts", split = ",", paramLabel = "ID", description = "Only these account ids.")
  List<String> accounts = new ArrayList<>();

  @Option(names = "--regions", split = ",", paramLabel = "REGION", description = "Only these regions.")
  List<String> regions = new ArrayList<>();

  @Option(names = "--max-reject-ratio", paramLabel = "R",
      description = "Fail when more than this share is quarantined (default: ingest.max_reject_ratio).")
  Double maxRejectRatio;

  @Option(names = "--snapshot", split = ",", paramLabel = "PATH",
      description = "describe-configuration-settings / describe-environments JSON to seed the timeline.")
  List<String> snapshots = new ArrayList<>();

  @Option(names = "--platforms", split = ",", paramLabel = "PATH",
      description = "Platform catalog exports (list-platform-versions …); default: the shipped reference catalog.")
  List<String> platforms = new ArrayList<>();

  @Option(names = "--iam", split = ",", paramLabel = "PATH",
      description = "aws iam get-account-authorization-details exports, for the permissions section.")
  List<String> iam = new ArrayList<>();

  @Option(names = "--metrics", split = ",", paramLabel = "PATH",
      description = "CloudWatch Metric Streams JSON output, for the IMDSv2 verdicts.")
  List<String> metrics = new ArrayList<>();

  @Option(names = "--out", required = true, paramLabel = "ROOT", description = "Output root (local or s3a).")
  String out;

  @Option(names = "--report-date", paramLabel = "DATE",
      description = "Last day of the week (UTC, inclusive), e.g. 2026-11-29; or an instant (what EventBridge"
          + " Scheduler passes, e.g. 2026-11-30T06:00:00Z): the last whole UTC day before it. Default: today (UTC).")
  String reportDate;

  @Mixin DigestOptions digests = new DigestOptions();

  @Option(names = "--incremental",
      description = "Read only the window's log objects not read by an earlier run into ROOT (manifest under"
          + " ROOT/_ebaudit/manifest/, their events under ROOT/_ebaudit/events/); the week's tables are the same"
          + " as a full run's. The manifest learns the new objects once the report date is committed.")
  boolean incremental;

  @Option(names = "--fail-on", paramLabel = "SEVERITY",
      description = "Exit 3 when an open (unsuppressed) finding of this severity or higher exists: critical, high,"
          + " medium, low or info.")
  String failOn;

  @Mixin SettingsOptions settings = new SettingsOptions();

  @Mixin PublishMetricsOptions publish = new PublishMetricsOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    String severity = ReportJob.failOn(failOn);
    SparkSession spark = SparkSessions.forCli("weekly");
    Settings st = settings.load(spark.sparkContext().hadoopConfiguration());
    // A bad namespace, region or endpoint fails before any work.
    PublishMetricsOptions.Publisher publisher = publish.publisher(st);
    WeeklyJob.Result r = WeeklyJob.run(spark, config(st), st, Clock.systemUTC());
    int code = report(r, severity, spec.commandLine().getOut(), spec.commandLine().getErr());
    if (publisher != null && r.published()) {
      code = publisher.publish(spark,
          io.ebaudit.io.ReportLayout.published(r.root(), r.reportDate()).table("findings/parquet"), code,
          spec.commandLine().getOut(), spec.commandLine().getErr());
    }
    return code;
  }

  /** A day, or an instant meaning the last whole UTC day before it; null: the job's default (today). */
  static LocalDate reportDate(String text) {
    if (text == null) {
      return null;
    }
    try {
      return LocalDate.parse(text.trim());
    } catch (java.time.format.DateTimeParseException notADay) {
      try {
        return java.time.Instant.parse(text.trim()).atZone(java.time.ZoneOffset.UTC).toLocalDate().minusDays(1);
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException("Cannot parse --report-date: expected a day like 2026-11-29 or an instant"
            + " like 2026-11-30T06:00:00Z, got " + text);
      }
    }
  }

  WeeklyJob.Config config(Settings st) {
    return new WeeklyJob.Config(trails, new LinkedHashSet<>(accounts), new LinkedHashSet<>(regions), snapshots,
        platforms, iam, metrics, out, reportDate(reportDate), maxRejectRatio,
        io.ebaudit.config.RunOptions.of(digests.verifyDigests, digests.publicKeys, incremental, st));
  }

  /** Prints what a run did and returns its exit code. */
  static int report(WeeklyJob.Result r, String failOn, PrintWriter say, PrintWriter err) {
    say.println("week: " + r.windowFrom() + " to " + r.reportDate());
    say.println(r.ingest().describe());
    say.print(AnalyzeJob.describe(r.analyze()));
    say.flush();
    if (!r.published()) {
      int code = IngestCommand.exitCode(r.analyze().ingest(), err);
      err.println("ebaudit: nothing published for " + r.reportDate() + "; the run's outputs are in " + r.staging());
      err.flush();
      return code;
    }
    say.print(ReportJob.describe(r.rendered(), r.root(), r.reportDate()));
    say.flush();
    int code = ReportJob.failOnExit(r.rendered().openBySeverity(), failOn);
    if (code != 0) {
      err.println("ebaudit: open findings at or above " + failOn + ": " + r.rendered().openBySeverity());
      err.flush();
    }
    int metrics = AnalyzeJob.metricsExitCode(r.analyze().impact(),
        io.ebaudit.io.ReportLayout.published(r.root(), AnalyzeJob.METRICS_QUARANTINE, r.reportDate()), err);
    return metrics != 0 ? metrics : code;
  }
}
