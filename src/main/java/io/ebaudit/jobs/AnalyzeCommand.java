package io.ebaudit.jobs;

import io.ebaudit.config.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ebaudit analyze}: ingest, Beanstalk changes and timeline, risk rules, findings. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
    description = "Ingest CloudTrail archives, extract Elastic Beanstalk changes, replay each environment's"
        + " configuration, and evaluate the risk rules into DIR/findings.")
public final class AnalyzeCommand implements Callable<Integer> {
  @Mixin TrailOptions trail = new TrailOptions();

  @Option(names = "--snapshot", split = ",", paramLabel = "PATH",
      description = "describe-configuration-settings / describe-environments JSON (files or folders, local or s3a) to seed the timeline.")
  List<String> snapshots = new ArrayList<>();

  @Option(names = "--platforms", split = ",", paramLabel = "PATH",
      description = "list-platform-versions / list-platform-branches / describe-platform-version JSON (files or"
          + " folders, local or s3a) for the platform catalog; default: the shipped reference catalog (partial, old).")
  List<String> platforms = new ArrayList<>();

  @Option(names = "--iam", split = ",", paramLabel = "PATH",
      description = "aws iam get-account-authorization-details JSON (files or folders, local or s3a): adds the"
          + " permissions verdicts, findings and recommended policies under DIR/permissions.")
  List<String> iam = new ArrayList<>();

  @Option(names = "--metrics", split = ",", paramLabel = "PATH",
      description = "CloudWatch Metric Streams JSON output (files or folders, gzip or plain, local or s3a): AWS/EC2"
          + " MetadataNoToken per instance gives the IMDSv2 verdicts in DIR/imds; without it they are unknown.")
  List<String> metrics = new ArrayList<>();

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output root (local or s3a).")
  String out;

  @Mixin PublishMetricsOptions publish = new PublishMetricsOptions();

  @Mixin SettingsOptions settings = new SettingsOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    SparkSession spark = SparkSessions.forCli("analyze");
    Settings st = settings.load(spark.sparkContext().hadoopConfiguration());
    // A bad namespace, region or endpoint fails before any work.
    PublishMetricsOptions.Publisher publisher = publish.publisher(st);
    AnalyzeJob.Result r = AnalyzeJob.run(spark, trail.ingestConfig(out, st), snapshots, platforms, iam, metrics, st);
    spec.commandLine().getOut().println(r.ingest().describe());
    spec.commandLine().getOut().print(AnalyzeJob.describe(r));
    spec.commandLine().getOut().flush();
    int code = IngestCommand.exitCode(r.ingest(), spec.commandLine().getErr());
    if (code == 0) {
      code = AnalyzeJob.metricsExitCode(r.impact(), io.ebaudit.io.Storage.child(r.out(), AnalyzeJob.METRICS_QUARANTINE),
          spec.commandLine().getErr());
    }
    if (publisher != null) {
      code = publisher.publish(spark, io.ebaudit.io.Storage.child(io.ebaudit.io.Storage.child(r.out(), "findings"),
          io.ebaudit.report.FindingWriter.PARQUET), code, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
    return code;
  }
}
