package io.ebaudit.jobs;

import io.ebaudit.config.IngestConfig;
import io.ebaudit.sample.SampleResult;
import io.ebaudit.sample.SampleSpec;
import io.ebaudit.sample.TrailGenerator;
import io.ebaudit.trail.IngestSummary;
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
    IngestSummary s = run(spark, trail, out);
    say.println();
    say.println("ingest:");
    say.println(s.describe());
    say.println();
    say.println("outputs under " + out.toAbsolutePath() + ":");
    say.println("  trail/                 the sample CloudTrail archive (AWSLogs/ layout)");
    say.println("  events/                normalized events, Parquet, partitioned by event_date");
    say.println("  quarantine/            records and files that could not be kept, with why");
    say.println("  ingest-summary.json    the accounting of the run");
    say.flush();
    return IngestCommand.exitCode(s, command.commandLine().getErr());
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

  IngestSummary run(SparkSession spark, Path trail, Path outputs) {
    IngestConfig config = IngestConfig.of(List.of(trail.toAbsolutePath().toString()), null, null, Set.of(), Set.of(),
        outputs.toAbsolutePath().toString(), null, settings.load(spark.sparkContext().hadoopConfiguration()));
    return IngestJob.run(spark, config);
  }
}
