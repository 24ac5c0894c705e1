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

  @Option(names = "--publish-metrics",
      description = "Send the finding counts (open by severity and by rule, suppressed) to CloudWatch with PutMetricData.")
  boolean publishMetrics;

  @Option(names = "--namespace", defaultValue = "ebaudit", paramLabel = "NS",
      description = "CloudWatch namespace for --publish-metrics (${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--publish-region", paramLabel = "REGION",
      description = "Region for --publish-metrics (default: the AWS default region chain).")
  String publishRegion;

  @Option(names = "--cloudwatch-endpoint-url", paramLabel = "URL",
      description = "CloudWatch endpoint override for --publish-metrics (a VPC endpoint, a test server).")
  String cloudwatchEndpoint;

  @Mixin SettingsOptions settings = new SettingsOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    SparkSession spark = SparkSessions.forCli("analyze");
    Settings st = settings.load(spark.sparkContext().hadoopConfiguration());
    // A bad namespace, region or endpoint fails before any work.
    Publisher publisher = publishMetrics ? new Publisher(st) : null;
    AnalyzeJob.Result r = AnalyzeJob.run(spark, trail.ingestConfig(out, st), snapshots, platforms, iam, metrics, st);
    spec.commandLine().getOut().println(r.ingest().describe());
    spec.commandLine().getOut().print(AnalyzeJob.describe(r));
    spec.commandLine().getOut().flush();
    int code = IngestCommand.exitCode(r.ingest(), spec.commandLine().getErr());
    if (publisher != null) {
      try {
        spec.commandLine().getOut().println(publisher.publish(spark, r.out()));
        spec.commandLine().getOut().flush();
      } catch (software.amazon.awssdk.core.exception.SdkException e) {
        spec.commandLine().getErr().println("ebaudit: Cannot publish metrics: CloudWatch PutMetricData failed: "
            + e.getMessage().lines().findFirst().orElse("") + ", got " + e.getClass().getSimpleName());
        spec.commandLine().getErr().flush();
        return code == 0 ? 1 : code;
      }
    }
    return code;
  }

  /** --publish-metrics: finding counts to CloudWatch, after the findings are written. */
  private final class Publisher {
    final String ns;
    final String region;
    final java.net.URI endpoint;
    final int attempts;

    Publisher(Settings st) {
      ns = io.ebaudit.metrics.FindingMetrics.namespace(namespace);
      region = publishRegion != null ? publishRegion : io.ebaudit.metrics.CloudWatchClients.defaultRegion();
      if (region == null) {
        throw new IllegalArgumentException(
            "Cannot publish metrics: no region (give --publish-region or set AWS_REGION), got none");
      }
      endpoint = io.ebaudit.metrics.CloudWatchClients.endpoint(cloudwatchEndpoint);
      attempts = st.getInt("metrics.max_attempts", 1, 100);
    }

    String publish(SparkSession spark, String outRoot) {
      var findings = spark.read().schema(io.ebaudit.report.FindingSchema.FINDINGS).parquet(
          io.ebaudit.io.Storage.child(io.ebaudit.io.Storage.child(outRoot, "findings"), io.ebaudit.report.FindingWriter.PARQUET));
      try (var cw = io.ebaudit.metrics.CloudWatchClients.create(region, endpoint, attempts)) {
        var p = io.ebaudit.metrics.FindingMetrics.publish(cw, ns, findings,
            io.ebaudit.metrics.FindingMetrics.knownRuleIds(), java.time.Instant.now());
        return String.format("published: %,d data points in %,d PutMetricData call%s to namespace %s in %s"
            + " (%,d open, %,d suppressed findings)", p.datums(), p.calls(), p.calls() == 1 ? "" : "s", ns, region,
            p.open(), p.suppressed());
      }
    }
  }
}
