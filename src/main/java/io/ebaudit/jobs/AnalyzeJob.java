package io.ebaudit.jobs;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import io.ebaudit.beanstalk.BeanstalkEvents;
import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.beanstalk.EnvironmentState;
import io.ebaudit.beanstalk.Snapshots;
import io.ebaudit.beanstalk.Timeline;
import io.ebaudit.config.IngestConfig;
import io.ebaudit.config.Settings;
import io.ebaudit.impact.Changes;
import io.ebaudit.impact.Impact;
import io.ebaudit.io.MetricStreams;
import io.ebaudit.io.PlatformExports;
import io.ebaudit.io.Staging;
import io.ebaudit.io.Storage;
import io.ebaudit.permissions.PermissionsJob;
import io.ebaudit.platforms.PlatformCatalog;
import io.ebaudit.posture.Coverage;
import io.ebaudit.posture.Imds;
import io.ebaudit.posture.Instances;
import io.ebaudit.posture.Platforms;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.report.FindingWriter;
import io.ebaudit.report.Suppressions;
import io.ebaudit.rules.RuleEngine;
import io.ebaudit.rules.RuleRegistry;
import io.ebaudit.trail.EventSchema;
import io.ebaudit.trail.IngestSummary;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * {@code analyze}: ingest, then the Beanstalk stage and the rules. Writes under the output root
 * {@code events/}, {@code quarantine/}, {@code beanstalk_events/} and {@code config_changes/}
 * (Parquet, by {@code event_date}), {@code environment_state/}, {@code platforms/} and {@code coverage/}
 * (posture, from the environment state), {@code imds/} (IMDSv2 verdicts) and {@code findings/} (rule and posture findings);
 * with metrics also {@code metrics/} (the Metric Streams records) and {@code impact/} (each change's before/after figures).
 */
public final class AnalyzeJob {
  private AnalyzeJob() {}

  /** What one analyze run produced. */
  public record Result(IngestSummary ingest, long beanstalkEvents, long configChanges, long environments,
      Map<String, Long> openFindingsBySeverity, long suppressedFindings, String out,
      String platformCatalogSource, LocalDate platformCatalogAsOf, long postureFindings,
      long permissionPrincipals, long permissionFindings, long environmentRoles, ImpactSummary impact) {}

  /**
   * The change-impact part of a run with metrics (null without).
   *
   * @param metricRecords Metric Streams records read
   * @param metricLinesRejected lines that were not records, in {@code metrics_quarantine/}
   * @param metricsMaxRejectRatio {@code metrics.max_reject_ratio}
   */
  public record ImpactSummary(long changes, long withMetrics, long degraded, int windowMinutes, long metricRecords,
      long metricLinesRejected, double metricsMaxRejectRatio) {
    /** Rejected metric lines over all metric lines read (0 when none was read). */
    public double metricsRejectRatio() {
      long all = metricRecords + metricLinesRejected;
      return all == 0 ? 0 : (double) metricLinesRejected / all;
    }

    /** Whether the rejected share of the metric lines is over the limit. */
    public boolean metricsOverThreshold() {
      return metricsRejectRatio() > metricsMaxRejectRatio;
    }
  }

  /** Where {@code analyze --metrics} keeps the lines that were not Metric Streams records (JSON lines). */
  public static final String METRICS_QUARANTINE = io.ebaudit.io.ReportTables.METRICS_QUARANTINE;

  /** {@link #run(SparkSession, IngestConfig, List, List, Settings)} with the shipped reference catalog. */
  public static Result run(SparkSession spark, IngestConfig ingest, List<String> snapshots, Settings settings) {
    return run(spark, ingest, snapshots, List.of(), List.of(), settings);
  }

  /** With platform catalog exports; the shipped reference catalog when empty. */
  public static Result run(SparkSession spark, IngestConfig ingest, List<String> snapshots,
      List<String> platformExports, Settings settings) {
    return run(spark, ingest, snapshots, platformExports, List.of(), settings);
  }

  /** With {@code iamExports} (get-account-authorization-details JSON) the permissions verdicts too. */
  public static Result run(SparkSession spark, IngestConfig ingest, List<String> snapshots, Settings settings,
      List<String> iamExports) {
    return run(spark, ingest, snapshots, List.of(), iamExports, settings);
  }

  /**
   * @param platformExports platform catalog exports (files or folders, local or s3a); empty: the shipped
   *                        reference catalog ({@link PlatformCatalog#reference()})
   * @param iamExports get-account-authorization-details exports; empty: usage and denied calls only
   */
  public static Result run(SparkSession spark, IngestConfig ingest, List<String> snapshots,
      List<String> platformExports, List<String> iamExports, Settings settings) {
    return run(spark, ingest, snapshots, platformExports, iamExports, List.of(), settings);
  }

  /**
   * With {@code metrics} (CloudWatch Metric Streams JSON, {@link MetricStreams}) the IMDS verdicts in
   * {@code imds/} use {@code AWS/EC2 MetadataNoToken}; without, they are {@code unknown} unless enforced.
   */
  public static Result run(SparkSession spark, IngestConfig ingest, List<String> snapshots,
      List<String> platformExports, List<String> iamExports, List<String> metrics, Settings settings) {
    return run(spark, ingest, snapshots, platformExports, iamExports, metrics, settings, LocalDate.now(ZoneOffset.UTC));
  }

  /**
   * As of {@code asOf}: the day platform deadlines and suppression expiries are judged against
   * ({@code weekly} passes its report date, so a report re-run later says what it said then).
   */
  public static Result run(SparkSession spark, IngestConfig ingest, List<String> snapshots,
      List<String> platformExports, List<String> iamExports, List<String> metrics, Settings settings,
      LocalDate asOf) {
    return run(spark, ingest, snapshots, platformExports, iamExports, metrics, settings, asOf, null);
  }

  /**
   * With {@code store} (incremental runs only), the events are read incrementally over the store of another
   * root ({@link IngestJob#stage(SparkSession, IngestConfig, Staging, String, Staging)}): {@code weekly
   * --incremental} passes a staging of its output root and commits it after the report date.
   */
  public static Result run(SparkSession spark, IngestConfig ingest, List<String> snapshots,
      List<String> platformExports, List<String> iamExports, List<String> metrics, Settings settings,
      LocalDate asOf, Staging store) {
    // Read the catalog first: a bad export fails the run before any work.
    PlatformCatalog catalog = platformExports == null || platformExports.isEmpty()
        ? PlatformCatalog.reference()
        : PlatformExports.read(spark.sparkContext().hadoopConfiguration(), platformExports);
    // Read the metrics before any work too: a missing path fails the run early.
    boolean withMetrics = metrics != null && !metrics.isEmpty();
    double maxMetricRejects = settings.getDouble("metrics.max_reject_ratio", 0, 1);
    MetricStreams.Result metricsRead = !withMetrics ? null : MetricStreams.readWithCounts(spark, metrics);
    Impact.Thresholds thresholds = withMetrics ? Impact.Thresholds.of(settings) : null;
    // Every table is written to a staging folder and published by one commit: a failed run leaves the
    // previous outputs as they were (io.Staging).
    try (Staging staging = Staging.open(spark.sparkContext().hadoopConfiguration(), ingest.out())) {
      try {
        return run(spark, staging, IngestJob.stage(spark, ingest, staging, null, store), ingest, catalog, metricsRead,
            maxMetricRejects, thresholds, snapshots, iamExports, settings, asOf);
      } catch (Exception e) {
        throw staging.failed("analyze", e);
      }
    }
  }

  private static Result run(SparkSession spark, Staging staging, IngestJob.Staged ingested, IngestConfig ingest,
      PlatformCatalog catalog, MetricStreams.Result metricsRead, double maxMetricRejects, Impact.Thresholds thresholds,
      List<String> snapshots, List<String> iamExports, Settings settings, LocalDate asOf) {
    boolean withMetrics = metricsRead != null;
    Dataset<Row> metricRows = withMetrics ? metricsRead.metrics() : spark.createDataFrame(List.of(), MetricStreams.METRICS);
    IngestSummary summary = ingested.summary();
    String out = staging.dir();
    String metricsPath = Storage.child(out, "metrics");
    String impactPath = Storage.child(out, "impact");
    if (withMetrics) {
      // The metrics table (all namespaces), read back by the IMDS and impact stages.
      write(metricRows, metricsPath, false);
      metricRows = spark.read().schema(MetricStreams.METRICS).parquet(metricsPath);
      // Every rejected line with its reason, also when there is none (an empty table says so).
      metricsRead.rejects().coalesce(1).write().mode(SaveMode.Overwrite).json(Storage.child(out, METRICS_QUARANTINE));
    } else {
      // Tables of an earlier run with metrics would no longer match this one's: removed once it commits.
      var conf = spark.sparkContext().hadoopConfiguration();
      staging.afterCommit(() -> {
        Storage.delete(conf, staging.published("metrics"));
        Storage.delete(conf, staging.published("impact"));
        Storage.delete(conf, staging.published(METRICS_QUARANTINE));
      });
    }
    Dataset<Row> events = ingested.events();

    // Each stage reads the previous one's written table: Spark then plans small queries, not one
    // tree that repeats the whole pipeline in every branch (measured: 29 s of planning on the demo).
    String beanstalkPath = Storage.child(out, "beanstalk_events");
    write(BeanstalkEvents.extract(events), beanstalkPath, true);
    Dataset<Row> beanstalk = spark.read().schema(BeanstalkSchemas.BEANSTALK_EVENTS).parquet(beanstalkPath);
    Dataset<Row> seed = snapshots.isEmpty()
        ? spark.createDataFrame(List.of(), BeanstalkSchemas.SEED)
        : Snapshots.read(spark, snapshots);
    Dataset<Row> timeline = Timeline.build(beanstalk, seed).localCheckpoint();
    write(Timeline.changes(timeline), Storage.child(out, "config_changes"), true);
    write(EnvironmentState.derive(timeline, beanstalk), Storage.child(out, "environment_state"), false);

    // Posture, from the written environment state.
    LocalDate today = asOf;
    Dataset<Row> state = spark.read().schema(BeanstalkSchemas.ENVIRONMENT_STATE)
        .parquet(Storage.child(out, "environment_state"));
    String platformsPath = Storage.child(out, "platforms");
    String coveragePath = Storage.child(out, "coverage");
    write(Platforms.derive(state, catalog, today), platformsPath, false);
    write(Coverage.derive(state), coveragePath, false);
    // IMDS: the window is the run's --from/--to when given, else all the metric data read.
    String imdsPath = Storage.child(out, "imds");
    var filter = ingest.filter();
    write(Imds.derive(state, Instances.derive(events), metricRows,
        filter == null || filter.from() == null ? null : filter.from().atStartOfDay(ZoneOffset.UTC).toInstant(),
        filter == null || filter.to() == null ? null : filter.to().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()),
        imdsPath, false);
    // Change impact: each change's before/after windows over the metrics.
    if (withMetrics) {
      write(Impact.derive(Changes.derive(beanstalk), metricRows, thresholds), impactPath, false);
    }
    Dataset<Row> posture = Platforms.findings(spark.read().schema(Platforms.PLATFORMS).parquet(platformsPath))
        .unionByName(Coverage.findings(spark.read().parquet(coveragePath)))
        .unionByName(Imds.findings(spark.read().parquet(imdsPath)));

    JsonNode rules = settings.section("rules");
    Dataset<Row> findings = RuleEngine.evaluate(
        spark.read().schema(BeanstalkSchemas.CONFIG_CHANGES).parquet(Storage.child(out, "config_changes")),
        spark.read().schema(BeanstalkSchemas.BEANSTALK_EVENTS).parquet(Storage.child(out, "beanstalk_events")),
        RuleRegistry.all(), rules);
    // Posture and permission findings join the rule findings before suppressions, so they can be
    // suppressed the same way.
    PermissionsJob.Outcome permissions = PermissionsJob.runAll(spark, out, events,
        iamExports == null ? List.of() : iamExports);
    findings = findings.unionByName(posture).unionByName(permissions.findings())
        .unionByName(ingested.integrityFindings());
    Dataset<Row> impact = withMetrics ? spark.read().schema(Impact.IMPACT).parquet(impactPath) : null;
    if (impact != null) {
      findings = findings.unionByName(RuleEngine.evaluateImpact(impact, RuleRegistry.all(), rules));
    }
    findings = Suppressions.apply(findings, Suppressions.parse(settings.section("suppressions")), today);
    String findingsDir = Storage.child(out, "findings");
    FindingWriter.write(findings, findingsDir);

    Dataset<Row> written = spark.read().schema(FindingSchema.FINDINGS).parquet(Storage.child(findingsDir, FindingWriter.PARQUET));
    long postureFindings = written.filter(col("rule_id").isin(postureRuleIds())).count();
    long permissionFindings = written.filter(col("rule_id").isin(
        io.ebaudit.permissions.PermissionFindings.RULE_IDS.toArray())).count();
    Map<String, Long> bySeverity = new TreeMap<>();
    long suppressed = 0;
    for (Row r : written.groupBy("status", "severity").count().collectAsList()) {
      if (FindingSchema.OPEN.equals(r.getString(0))) {
        bySeverity.put(r.getString(1), r.getLong(2));
      } else {
        suppressed += r.getLong(2);
      }
    }
    Result result = new Result(summary,
        spark.read().schema(BeanstalkSchemas.BEANSTALK_EVENTS).parquet(Storage.child(out, "beanstalk_events")).count(),
        spark.read().schema(BeanstalkSchemas.CONFIG_CHANGES).parquet(Storage.child(out, "config_changes")).count(),
        spark.read().schema(BeanstalkSchemas.ENVIRONMENT_STATE).parquet(Storage.child(out, "environment_state"))
            .select("account_id", "aws_region", "environment_name").distinct().count(),
        bySeverity, suppressed, staging.root(), catalog.source(), catalog.asOf(), postureFindings,
        permissions.principalsEvaluated(), permissionFindings, permissions.environments(),
        impact == null ? null : impactSummary(impact, thresholds, metricsRead, maxMetricRejects));
    staging.replaceAllStaged().commit(IngestJob.MARKER);
    return result;
  }

  private static ImpactSummary impactSummary(Dataset<Row> impact, Impact.Thresholds t, MetricStreams.Result metrics,
      double maxRejects) {
    Row r = impact.agg(org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)),
        org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.when(col("metrics_available"), 1)),
        org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.when(col("degraded"), 1))).first();
    return new ImpactSummary(r.getLong(0), r.getLong(1), r.getLong(2), t.windowMinutes(), metrics.records(),
        metrics.badLines(), maxRejects);
  }

  /** The catalog's source up to its first comma (the reference's is a paragraph). */
  static String shortSource(String source) {
    if (source == null || source.isBlank()) {
      return "(no source)";
    }
    int comma = source.indexOf(',');
    return comma > 0 ? source.substring(0, comma) : source;
  }

  private static Object[] postureRuleIds() {
    List<String> ids = new java.util.ArrayList<>(Platforms.RULE_IDS);
    ids.addAll(Coverage.RULE_IDS);
    return ids.toArray();
  }

  private static void write(Dataset<Row> table, String path, boolean byDate) {
    var w = table.write().mode(SaveMode.Overwrite);
    if (byDate) {
      w = w.partitionBy("event_date");
    }
    w.parquet(path);
  }

  /**
   * 1, saying why on {@code err}, when the rejected share of the metric lines is over
   * {@code metrics.max_reject_ratio}; else 0. The outputs are committed either way.
   */
  static int metricsExitCode(ImpactSummary i, String quarantine, java.io.PrintWriter err) {
    if (i == null || !i.metricsOverThreshold()) {
      return 0;
    }
    err.printf("ebaudit: Cannot finish the metrics: %.4f of the metric lines read were rejected, over"
        + " metrics.max_reject_ratio %.4f (see %s), got %d rejected lines%n",
        i.metricsRejectRatio(), i.metricsMaxRejectRatio(),
        quarantine, i.metricLinesRejected());
    err.flush();
    return 1;
  }

  /** The lines {@code analyze} and {@code demo} print. */
  public static String describe(Result r) {
    long open = r.openFindingsBySeverity().values().stream().mapToLong(Long::longValue).sum();
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("beanstalk: %,d events, %,d configuration changes, %,d environments%n",
        r.beanstalkEvents(), r.configChanges(), r.environments()));
    sb.append(String.format("findings: %,d open", open));
    for (String sev : FindingSchema.SEVERITIES) {
      Long n = r.openFindingsBySeverity().get(sev);
      if (n != null) {
        sb.append(String.format(", %,d %s", n, sev));
      }
    }
    sb.append(String.format("; %,d suppressed%n", r.suppressedFindings()));
    sb.append(String.format("posture: %,d findings; platform catalog %s, as of %s%n", r.postureFindings(),
        shortSource(r.platformCatalogSource()),
        r.platformCatalogAsOf() == null ? "unknown" : r.platformCatalogAsOf()));
    if (r.impact() != null) {
      ImpactSummary i = r.impact();
      sb.append(String.format("impact: %,d changes, %,d with metrics before and after (%d min windows), %,d degraded;"
          + " %,d metric records%s%n", i.changes(), i.withMetrics(), i.windowMinutes(), i.degraded(), i.metricRecords(),
          i.metricLinesRejected() == 0 ? "" : String.format(", %,d lines rejected", i.metricLinesRejected())));
    }
    if (r.permissionPrincipals() > 0) {
      sb.append(String.format("permissions: %,d principals evaluated, %,d findings; roles of %,d environments%n",
          r.permissionPrincipals(), r.permissionFindings(), r.environmentRoles()));
    } else {
      sb.append(String.format("permissions: usage and denied calls only (no --iam exports); roles of %,d environments%n",
          r.environmentRoles()));
    }
    return sb.toString();
  }
}
