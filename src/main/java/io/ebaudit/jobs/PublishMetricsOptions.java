package io.ebaudit.jobs;

import io.ebaudit.config.Settings;
import io.ebaudit.metrics.CloudWatchClients;
import io.ebaudit.metrics.FindingMetrics;
import io.ebaudit.report.FindingSchema;
import java.io.PrintWriter;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/**
 * {@code --publish-metrics} and its options, shared by {@code analyze} and {@code weekly}: the finding counts
 * (open by severity and by rule, suppressed) sent to CloudWatch with {@code PutMetricData} once the findings
 * are written.
 */
final class PublishMetricsOptions {
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

  /** The publisher, or null without {@code --publish-metrics}; a bad namespace, region or endpoint fails here. */
  Publisher publisher(Settings st) {
    return publishMetrics ? new Publisher(st) : null;
  }

  /** Publishes the findings under {@code findingsParquet}. */
  final class Publisher {
    final String ns;
    final String region;
    final java.net.URI endpoint;
    final int attempts;

    Publisher(Settings st) {
      ns = FindingMetrics.namespace(namespace);
      region = publishRegion != null ? publishRegion : CloudWatchClients.defaultRegion();
      if (region == null) {
        throw new IllegalArgumentException(
            "Cannot publish metrics: no region (give --publish-region or set AWS_REGION), got none");
      }
      endpoint = CloudWatchClients.endpoint(cloudwatchEndpoint);
      attempts = st.getInt("metrics.max_attempts", 1, 100);
    }

    /**
     * Sends the counts and prints what was sent; returns {@code code}, or 1 in its place when CloudWatch
     * refused (the outputs are written either way).
     */
    int publish(SparkSession spark, String findingsParquet, int code, PrintWriter out, PrintWriter err) {
      var findings = spark.read().schema(FindingSchema.FINDINGS).parquet(findingsParquet);
      try (var cw = CloudWatchClients.create(region, endpoint, attempts)) {
        var p = FindingMetrics.publish(cw, ns, findings, FindingMetrics.knownRuleIds(), java.time.Instant.now());
        out.println(String.format("published: %,d data points in %,d PutMetricData call%s to namespace %s in %s"
            + " (%,d open, %,d suppressed findings)", p.datums(), p.calls(), p.calls() == 1 ? "" : "s", ns, region,
            p.open(), p.suppressed()));
        out.flush();
        return code;
      } catch (software.amazon.awssdk.core.exception.SdkException e) {
        err.println("ebaudit: Cannot publish metrics: CloudWatch PutMetricData failed: "
            + e.getMessage().lines().findFirst().orElse("") + ", got " + e.getClass().getSimpleName());
        err.flush();
        return code == 0 ? 1 : code;
      }
    }
  }
}
