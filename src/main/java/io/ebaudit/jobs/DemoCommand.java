package io.ebaudit.jobs;

import io.ebaudit.sample.SampleResult;
import io.ebaudit.sample.SampleSpec;
import io.ebaudit.sample.TrailGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ebaudit demo}: a sample trail, then the weekly job on it (every stage, the report), on local Spark. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Generate a sample trail (seed 42, the last 7 days) and run the weekly job on it: every stage, the"
        + " report (its index.html path is printed last) and the exports.")
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec command;

  @Option(names = "--out", defaultValue = "ebaudit-demo", paramLabel = "DIR",
      description = "Where the trail and the outputs go (${DEFAULT-VALUE}).")
  Path out;

  @Mixin SettingsOptions settings = new SettingsOptions();

  @Override
  public Integer call() {
    PrintWriter say = command.commandLine().getOut();
    Path trail = out.resolve("trail");
    SampleResult sample;
    try {
      // The demo owns DIR/trail: a trail left from an earlier day would widen the window.
      deleteTree(trail);
      // The demo owns its outputs too: a fresh run, not a mix with an earlier layout or day.
      for (String o : DEMO_OUTPUTS) {
        deleteTree(out.resolve(o));
      }
      sample = TrailGenerator.generate(SampleSpec.defaults(trail));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot generate the demo trail in " + trail + ": " + e.getMessage(), e);
    }
    say.println("sample trail: " + sample.summary());
    say.flush();

    SparkSession spark = SparkSessions.forCli("demo");
    SampleSpec spec = SampleSpec.defaults(trail);
    WeeklyJob.Result w = runWeekly(spark, trail, out, List.of(sample.iamDir().toAbsolutePath().toString()),
        List.of(sample.platformsDir().toAbsolutePath().toString()),
        spec.from().plusDays(spec.days() - 1L));
    AnalyzeJob.Result r = w.analyze();
    say.println();
    say.println("ingest:");
    say.println(w.ingest().describe());
    say.println();
    say.print(AnalyzeJob.describe(r));
    say.println();
    String d = "report_date=" + w.reportDate();
    say.println("outputs under " + out.toAbsolutePath() + " (every table partitioned by report date, " + d + "):");
    say.println("  trail/                 the sample CloudTrail archive (AWSLogs/ layout)");
    say.println("  events/                normalized events, Parquet, partitioned by event_date");
    say.println("  quarantine/            records and files that could not be kept, with why (JSON lines)");
    say.println("  run/                   ingest-summary.json (the accounting of the run) and run.json");
    say.println("  beanstalk_events/      every Elastic Beanstalk call, with actor and client");
    say.println("  config_changes/        every option, platform, template, version, tier and tag change, before and after");
    say.println("  environment_state/     each environment's configuration at the end of the window");
    say.println("  trail/iam/             the sample's IAM authorization details (get-account-authorization-details)");
    say.println("  trail/metrics/         the sample's CloudWatch Metric Streams files (MetadataNoToken, Beanstalk health)");
    say.println("  trail/platforms/       the sample's platform catalog (list-platform-versions)");
    say.println("  platforms/, coverage/  each live environment's platform and monitoring posture");
    say.println("  imds/                  IMDSv2 verdict per environment, from the metrics");
    say.println("  metrics/, impact/      the metrics read, and each change's health, 5xx and p99 before and after");
    say.println("  permissions/           usage, denied calls, verdicts, environment_roles, recommended policies");
    say.println("  integrity/             CloudTrail digest verification (every log file against the signed digests)");
    say.println("  findings/parquet/      risky changes, posture and permissions (findings.csv and .jsonl are in report/)");
    say.println("  report/                the weekly report: index.html, summary.md, findings.csv, findings.jsonl");
    say.println("  export/asff/, ocsf/    the findings for Security Hub (BatchImportFindings) and OCSF");
    say.println();
    if (w.published()) {
      say.print(ReportJob.describe(w.rendered(), w.root(), w.reportDate()));
      say.println("weekly report: " + out.toAbsolutePath().resolve("report").resolve(d).resolve(ReportJob.INDEX));
    }
    say.flush();
    return IngestCommand.exitCode(r.ingest(), command.commandLine().getErr());
  }

  private static final List<String> DEMO_OUTPUTS = List.of("events", "quarantine", "ingest-summary.json",
      "beanstalk_events", "config_changes", "environment_state", "platforms", "coverage", "imds", "impact", "metrics", "integrity", "_commits",
      "permissions", "findings", "report", "export", "run", "_staging");

  private static void deleteTree(Path dir) throws IOException {
    if (!java.nio.file.Files.exists(dir)) {
      return;
    }
    try (var paths = java.nio.file.Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(p);
      }
    }
  }

  /** The weekly job on the sample: its window ends at {@code reportDate}, the sample's last day. */
  WeeklyJob.Result runWeekly(SparkSession spark, Path trail, Path outputs, List<String> iamExports,
      List<String> platformExports, LocalDate reportDate) {
    var st = settings.load(spark.sparkContext().hadoopConfiguration());
    // The sample's Metric Streams file (beside AWSLogs/) stands for --metrics.
    Path metrics = trail.resolve(io.ebaudit.sample.TrailGenerator.METRICS_DIR);
    WeeklyJob.Config config = new WeeklyJob.Config(List.of(trail.toAbsolutePath().toString()), Set.of(), Set.of(),
        List.of(), platformExports, iamExports,
        java.nio.file.Files.isDirectory(metrics) ? List.of(metrics.toAbsolutePath().toString()) : List.of(),
        outputs.toAbsolutePath().toString(), reportDate, null,
        // The sample signs its digests with its own key and writes the matching list-public-keys export.
        io.ebaudit.config.RunOptions.of(true, trail.resolve(TrailGenerator.PUBLIC_KEYS).toAbsolutePath().toString(),
            false, st));
    return WeeklyJob.run(spark, config, st, java.time.Clock.systemUTC());
  }
}
