package io.ebaudit.jobs;

import io.ebaudit.config.IngestConfig;
import io.ebaudit.sample.SampleResult;
import io.ebaudit.sample.SampleSpec;
import io.ebaudit.sample.TrailGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ebaudit demo}: a sample trail, then every stage built so far on it, on local Spark. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Generate a sample trail (seed 42, the last 7 days) and run every stage on it.")
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
      sample = TrailGenerator.generate(SampleSpec.defaults(trail));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot generate the demo trail in " + trail + ": " + e.getMessage(), e);
    }
    say.println("sample trail: " + sample.summary());
    say.flush();

    SparkSession spark = SparkSessions.forCli("demo");
    AnalyzeJob.Result r = run(spark, trail, out, List.of(sample.iamDir().toAbsolutePath().toString()),
        List.of(sample.platformsDir().toAbsolutePath().toString()));
    say.println();
    say.println("ingest:");
    say.println(r.ingest().describe());
    say.println();
    say.print(AnalyzeJob.describe(r));
    say.println();
    say.println("outputs under " + out.toAbsolutePath() + ":");
    say.println("  trail/                 the sample CloudTrail archive (AWSLogs/ layout)");
    say.println("  events/                normalized events, Parquet, partitioned by event_date");
    say.println("  quarantine/            records and files that could not be kept, with why (JSON lines)");
    say.println("  ingest-summary.json    the accounting of the run");
    say.println("  beanstalk_events/      every Elastic Beanstalk call, with actor and client");
    say.println("  config_changes/        every option, platform, template, version, tier and tag change, before and after");
    say.println("  environment_state/     each environment's configuration at the end of the window");
    say.println("  trail/iam/             the sample's IAM authorization details (get-account-authorization-details)");
    say.println("  trail/metrics/         the sample's CloudWatch Metric Streams files (MetadataNoToken, Beanstalk health)");
    say.println("  trail/platforms/       the sample's platform catalog (list-platform-versions)");
    say.println("  platforms/, coverage/  each live environment's platform and monitoring posture");
    say.println("  imds/                  IMDSv2 verdict per environment, from the metrics");
    say.println("  metrics/, impact/      the metrics read, and each change's health before and after it");
    say.println("  permissions/           usage, denied calls, verdicts, environment_roles, recommended policies");
    say.println("  findings/              risky changes, posture and permissions: findings.csv, findings.jsonl, parquet/");
    say.flush();
    return IngestCommand.exitCode(r.ingest(), command.commandLine().getErr());
  }

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

  AnalyzeJob.Result run(SparkSession spark, Path trail, Path outputs, List<String> iamExports,
      List<String> platformExports) {
    var st = settings.load(spark.sparkContext().hadoopConfiguration());
    IngestConfig config = IngestConfig.of(List.of(trail.toAbsolutePath().toString()), null, null, Set.of(), Set.of(),
        outputs.toAbsolutePath().toString(), null, st);
    // The sample's Metric Streams file (beside AWSLogs/) stands for analyze --metrics.
    Path metrics = trail.resolve(io.ebaudit.sample.TrailGenerator.METRICS_DIR);
    return AnalyzeJob.run(spark, config, List.of(), platformExports, iamExports,
        java.nio.file.Files.isDirectory(metrics) ? List.of(metrics.toAbsolutePath().toString()) : List.of(), st);
  }
}
