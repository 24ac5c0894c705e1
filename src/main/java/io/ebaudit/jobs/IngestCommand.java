package io.ebaudit.jobs;

import io.ebaudit.config.IngestConfig;
import io.ebaudit.config.Settings;
import io.ebaudit.trail.IngestSummary;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import java.io.PrintWriter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/** {@code ebaudit ingest}: CloudTrail archives to the normalized events table. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Read CloudTrail archives (local, file: or s3a:) into DIR/events, DIR/quarantine and DIR/ingest-summary.json.")
public final class IngestCommand implements Callable<Integer> {

  @Option(names = "--trail", required = true, split = ",", paramLabel = "URI",
      description = "A trail root: the bucket, a prefix, AWSLogs/ or a folder inside it; or files. Repeatable.")
  List<String> trails = new ArrayList<>();

  @Option(names = "--from", paramLabel = "DATE", description = "First day (UTC, inclusive), e.g. 2026-11-22.")
  LocalDate from;

  @Option(names = "--to", paramLabel = "DATE", description = "Last day (UTC, inclusive); defaults to today with --from.")
  LocalDate to;

  @Option(names = "--accounts", split = ",", paramLabel = "ID", description = "Only these account ids.")
  List<String> accounts = new ArrayList<>();

  @Option(names = "--regions", split = ",", paramLabel = "REGION", description = "Only these regions.")
  List<String> regions = new ArrayList<>();

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output root (local or s3a).")
  String out;

  @Option(names = "--max-reject-ratio", paramLabel = "R",
      description = "Fail when more than this share is quarantined (default: ingest.max_reject_ratio, 0.01).")
  Double maxRejectRatio;

  @Mixin SettingsOptions settings = new SettingsOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    SparkSession spark = SparkSessions.forCli("ingest");
    System.err.printf("ebaudit: spark session started in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    IngestSummary s = run(spark);
    spec.commandLine().getOut().println(s.describe());
    spec.commandLine().getOut().flush();
    return exitCode(s, spec.commandLine().getErr());
  }

  IngestSummary run(SparkSession spark) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Settings st = settings.load(hadoop);
    IngestConfig config = IngestConfig.of(trails, from, to, new LinkedHashSet<>(accounts),
        new LinkedHashSet<>(regions), out, maxRejectRatio, st);
    return IngestJob.run(spark, config);
  }

  /** 0, or 1 with a one-line reason when too much was quarantined. */
  static int exitCode(IngestSummary s, PrintWriter err) {
    if (s.overThreshold()) {
      err.printf("ebaudit: Cannot finish ingest: %.4f of what was read was quarantined, over the limit of %.4f"
          + " (see %s), got %d quarantined records and %d quarantined files%n",
          s.rejectRatio(), s.maxRejectRatio(), s.quarantinePath(), s.recordsQuarantined(), s.filesQuarantined());
      err.flush();
      return 1;
    }
    return 0;
  }
}
