package io.ebaudit.jobs;

import io.ebaudit.trail.IngestSummary;
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

  @Mixin TrailOptions trail = new TrailOptions();

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output root (local or s3a).")
  String out;

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
    return IngestJob.run(spark, trail.ingestConfig(out, settings.load(hadoop)));
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
