package io.ebaudit.jobs;

import io.ebaudit.config.Settings;
import io.ebaudit.metrics.CloudWatchClients;
import io.ebaudit.metrics.MetricExporter;
import io.ebaudit.metrics.MetricSeries;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkException;

/** {@code ebaudit export-metrics}: CloudWatch metrics of Beanstalk environments to Metric Streams JSON. */
@Command(name = "export-metrics", mixinStandardHelpOptions = true,
    description = "Export the CloudWatch metrics of Elastic Beanstalk environments (AWS/ElasticBeanstalk health,"
        + " requests, 5xx/4xx, p99/p90 latency, severe/degraded instances) and of their instances (AWS/EC2"
        + " MetadataNoToken) with GetMetricData, as Metric Streams JSON lines that analyze --metrics reads.")
public final class ExportMetricsCommand implements Callable<Integer> {
  @Option(names = "--from", required = true, paramLabel = "DATE|TIME",
      description = "Start (UTC): a day (2026-11-22, from its start) or an instant (2026-11-22T10:00:00Z).")
  String from;

  @Option(names = "--to", paramLabel = "DATE|TIME",
      description = "End (UTC): a day (inclusive, to its end) or an instant (exclusive); default now.")
  String to;

  @Option(names = "--environments", split = ",", paramLabel = "NAME",
      description = "Environment names (queried in every --region).")
  List<String> environments = new ArrayList<>();

  @Option(names = "--events", paramLabel = "DIR",
      description = "An earlier ingest or analyze output (local or s3a): its environments, and their instances from"
          + " RunInstances/CreateTags tags and Auto Scaling group names.")
  String events;

  @Option(names = {"--region", "--regions"}, split = ",", paramLabel = "REGION",
      description = "Regions to query (default: the AWS default region with --environments; every region of the"
          + " events with --events). One client per region.")
  List<String> regions = new ArrayList<>();

  @Option(names = "--accounts", split = ",", paramLabel = "ID",
      description = "With --events, only these accounts; with --environments, the account to record.")
  List<String> accounts = new ArrayList<>();

  @Option(names = "--cross-account",
      description = "Set each query's AccountId (run from a CloudWatch cross-account monitoring account).")
  boolean crossAccount;

  @Option(names = "--period", paramLabel = "SECONDS",
      description = "Seconds per data point (default: metrics.period_seconds, 60). CloudWatch keeps 1-minute data"
          + " 15 days, 5-minute data 63 days, hourly data 455 days.")
  Integer period;

  @Option(names = "--endpoint-url", paramLabel = "URL",
      description = "CloudWatch endpoint override (a VPC endpoint, a test server).")
  String endpointUrl;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (local or s3a).")
  String out;

  @Mixin SettingsOptions settings = new SettingsOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Configuration hadoop = new Configuration();
    Settings st = settings.load(hadoop);
    ExportMetricsJob.Config c = config(st);
    URI endpoint = CloudWatchClients.endpoint(endpointUrl);
    int attempts = st.getInt("metrics.max_attempts", 1, 100);
    SparkSession spark = events == null ? null : SparkSessions.forCli("export-metrics");
    if (spark != null) {
      hadoop = spark.sparkContext().hadoopConfiguration();
    }
    try {
      List<MetricSeries> series = ExportMetricsJob.series(spark, c);
      ExportMetricsJob.Summary s = ExportMetricsJob.run(hadoop, c, series,
          region -> CloudWatchClients.create(region, endpoint, attempts), spec.commandLine().getErr());
      spec.commandLine().getOut().printf("exported %,d records of %,d series (%,d missing, %,d incomplete) to %s%n",
          s.outcome().records(), s.outcome().series(), s.outcome().missing().size(), s.outcome().incomplete().size(),
          String.join(", ", s.files()));
      spec.commandLine().getOut().flush();
      if (!s.outcome().incomplete().isEmpty()) {
        spec.commandLine().getErr().printf("ebaudit: Cannot export metrics completely: %,d series incomplete (see %s),"
            + " got statuses %s%n", s.outcome().incomplete().size(), s.summaryFile(),
            s.outcome().incomplete().stream().map(MetricExporter.Problem::status).distinct().toList());
        spec.commandLine().getErr().flush();
        return 1;
      }
      return 0;
    } catch (SdkException e) {
      spec.commandLine().getErr().println("ebaudit: Cannot export metrics: CloudWatch GetMetricData failed: "
          + e.getMessage().lines().findFirst().orElse("") + ", got " + e.getClass().getSimpleName());
      spec.commandLine().getErr().flush();
      return 1;
    }
  }

  ExportMetricsJob.Config config(Settings st) {
    Instant start = instant(from, "--from", false);
    Instant end = to == null ? Instant.now() : instant(to, "--to", true);
    List<String> r = new ArrayList<>(regions);
    if (r.isEmpty() && !environments.isEmpty()) {
      String d = CloudWatchClients.defaultRegion();
      if (d != null) {
        r.add(d);
      }
    }
    MetricExporter.Options o = new MetricExporter.Options(start, end,
        period != null ? period : st.getInt("metrics.period_seconds", 1, 86400),
        st.getInt("metrics.queries_per_call", 4, MetricExporter.MAX_QUERIES_PER_CALL), crossAccount);
    return new ExportMetricsJob.Config(start, end, environments, events, r, accounts, o, out);
  }

  /** A day (its start, or with {@code endOfDay} the next day's start) or an ISO instant. */
  static Instant instant(String text, String option, boolean endOfDay) {
    try {
      if (text.length() == 10) {
        LocalDate d = LocalDate.parse(text);
        return (endOfDay ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("Cannot export metrics: " + option
          + " must be a day like 2026-11-22 or an instant like 2026-11-22T10:00:00Z, got " + text, e);
    }
  }
}
