package io.ebaudit.jobs;

import static io.ebaudit.beanstalk.BeanstalkFixture.event;
import static io.ebaudit.beanstalk.BeanstalkFixture.option;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ebaudit.beanstalk.BeanstalkFixture;
import io.ebaudit.impact.Impact;
import io.ebaudit.io.MetricStreams;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.testing.CloudWatchLoopback;
import io.ebaudit.testing.FakeCloudWatch;
import io.ebaudit.testing.SparkSuite;
import io.ebaudit.trail.TrailFixture;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** analyze --metrics end to end: DIR/metrics, DIR/impact, the impact finding, and --publish-metrics. */
public class AnalyzeWithImpactTest extends SparkSuite {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @BeforeClass
  public static void credentials() {
    System.setProperty("aws.accessKeyId", "AKIDLOOPBACKTEST");
    System.setProperty("aws.secretAccessKey", "loopback-secret");
  }

  static final Instant DEPLOY = Instant.parse("2026-11-20T09:00:10Z");
  static final Instant CONFIG = Instant.parse("2026-11-20T14:00:10Z");

  static String point(String env, String metric, Instant t, double v, String unit) {
    return "{\"metric_stream_name\":\"eb\",\"account_id\":\"" + BeanstalkFixture.ACCOUNT + "\",\"region\":\"us-east-1\","
        + "\"namespace\":\"AWS/ElasticBeanstalk\",\"metric_name\":\"" + metric + "\",\"dimensions\":{\"EnvironmentName\":\""
        + env + "\"},\"timestamp\":" + t.toEpochMilli() + ",\"value\":{\"max\":" + v + ",\"min\":" + v + ",\"sum\":" + v
        + ",\"count\":1.0},\"unit\":\"" + unit + "\"}";
  }

  /** Minute points two hours either side of {@code change}; bad after it when {@code spike}. */
  static List<String> around(String env, Instant change, boolean spike) {
    List<String> out = new ArrayList<>();
    for (int m = -120; m < 120; m++) {
      Instant t = change.minusSeconds(10).plusSeconds(60L * m);
      boolean bad = spike && !t.isBefore(change);
      out.add(point(env, "ApplicationRequestsTotal", t, 200, "Count"));
      out.add(point(env, "ApplicationRequests5xx", t, bad ? 30 : 0, "Count"));
      out.add(point(env, "ApplicationLatencyP99", t, bad ? 2.0 : 0.25, "Seconds"));
      out.add(point(env, "EnvironmentHealth", t, bad ? 20 : 0, "None"));
    }
    return out;
  }

  /** A deploy followed by a 5xx spike, a quiet config change and a restart without metrics; returns the metrics folder. */
  private Path fixture(Path trail) throws Exception {
    Path metrics = tmp.newFolder("metrics-" + trail.getFileName()).toPath();
    TrailFixture.write(trail, TrailFixture.logKey(null, BeanstalkFixture.ACCOUNT, "us-east-1", "2026/11/20", "M1"),
        TrailFixture.envelope(List.of(
            event("deploy-1", DEPLOY.toString(), "UpdateEnvironment",
                "{\"applicationName\":\"shop\",\"environmentName\":\"shop-prod\",\"versionLabel\":\"v42\"}", null),
            event("config-1", CONFIG.toString(), "UpdateEnvironment",
                "{\"applicationName\":\"shop\",\"environmentName\":\"shop-staging\",\"optionSettings\":["
                    + option("aws:autoscaling:asg", "MaxSize", "4") + "]}", null),
            event("restart-1", "2026-11-20T16:00:00Z", "RestartAppServer", "{\"environmentName\":\"worker\"}", null))),
        true);
    // Firehose's layout: gzip objects without extension under YYYY/MM/DD/HH, plus the real records of other namespaces.
    Path hour = Files.createDirectories(metrics.resolve("2026/11/20/09"));
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(hour.resolve("eb-stream-1-2026-11-20-09-00-00-a1")))) {
      o.write((String.join("\n", around("shop-prod", DEPLOY, true)) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    Files.write(Files.createDirectories(metrics.resolve("2026/11/20/14")).resolve("eb-stream-1-2026-11-20-14-00-00-b2"),
        around("shop-staging", CONFIG, false));
    Files.copy(Paths.get("src/test/resources/real/cloudwatch/multiple_records.excerpt.ndjson"), hour.resolve("other-namespaces"));

    return metrics;
  }

  @Test
  public void metricsGiveTheImpactTableAFindingAndPublishedCounts() throws Exception {
    Path trail = tmp.newFolder("trail").toPath();
    Path metrics = fixture(trail);
    Path out = tmp.newFolder("out").toPath();
    Published run = publishing("analyze", "--trail", trail.toString(), "--out", out.toString(), "--metrics",
        metrics.toString(), "--namespace", "ebaudit/test");
    int code = run.code();
    StringWriter so = run.out();
    StringWriter se = run.err();
    List<CloudWatchLoopback.Request> puts = run.puts();
    assertThat(code).as(se.toString()).isZero();

    // DIR/metrics: every record, every namespace.
    assertThat(spark().read().schema(MetricStreams.METRICS).parquet(out.resolve("metrics").toString()).count())
        .isEqualTo(2 * 240 * 4 + 13);
    // DIR/impact: one row per change; the deploy degraded, the config change not, the restart without metrics.
    Map<String, Row> impact = new HashMap<>();
    for (Row r : spark().read().parquet(out.resolve("impact").toString()).collectAsList()) {
      impact.put(r.getAs("event_id"), r);
    }
    assertThat(spark().read().parquet(out.resolve("impact").toString()).schema().fieldNames()).containsExactly(Impact.IMPACT.fieldNames());
    assertThat(impact).containsOnlyKeys("deploy-1", "config-1", "restart-1");
    Row deploy = impact.get("deploy-1");
    assertThat((String) deploy.getAs("change_kind")).isEqualTo("deployment");
    assertThat((Boolean) deploy.getAs("degraded")).isTrue();
    assertThat((Double) deploy.getAs("rate_5xx_after")).isEqualTo(0.15);
    assertThat((Double) deploy.getAs("p99_after_ms")).isEqualTo(2000.0);
    assertThat((String) deploy.getAs("principal")).isEqualTo("arn:aws:iam::" + BeanstalkFixture.ACCOUNT + ":user/alice");
    assertThat((Boolean) impact.get("config-1").getAs("degraded")).isFalse();
    assertThat((String) impact.get("config-1").getAs("change_kind")).isEqualTo("config_change");
    assertThat((Boolean) impact.get("restart-1").getAs("metrics_available")).isFalse();
    assertThat(impact.get("restart-1").isNullAt(impact.get("restart-1").fieldIndex("degraded"))).isTrue();

    List<Row> f = spark().read().schema(FindingSchema.FINDINGS).parquet(out.resolve("findings/parquet").toString())
        .filter(col("rule_id").equalTo("eb_change_degraded_health")).collectAsList();
    assertThat(f).hasSize(1);
    assertThat((String) f.get(0).getAs("environment")).isEqualTo("shop-prod");
    assertThat(f.get(0).<String>getList(f.get(0).fieldIndex("event_ids"))).containsExactly("deploy-1");
    assertThat((String) f.get(0).getAs("evidence")).contains("\"rate_5xx_after\":0.15");

    assertThat(so.toString()).contains("impact: 3 changes, 2 with metrics before and after (60 min windows), 1 degraded;");
    assertThat(so.toString()).contains("published: ").contains("namespace ebaudit/test in us-east-1");
    // What CloudWatch received: the counts by rule, the impact finding among them.
    assertThat(puts).hasSize(1);
    assertThat(puts.get(0).body().path("Namespace").asText()).isEqualTo("ebaudit/test");
    assertThat(degradedHealthCount(puts.get(0).body())).isEqualTo(1.0);
  }

  /** What a command run with {@code --publish-metrics} printed and what the loopback CloudWatch received. */
  private record Published(int code, StringWriter out, StringWriter err, List<CloudWatchLoopback.Request> puts) {}

  /** Runs {@code args} with {@code --publish-metrics} to a loopback CloudWatch in us-east-1. */
  private static Published publishing(String... args) {
    StringWriter so = new StringWriter();
    StringWriter se = new StringWriter();
    try (CloudWatchLoopback server = CloudWatchLoopback.start(new FakeCloudWatch())) {
      List<String> all = new ArrayList<>(List.of(args));
      all.addAll(List.of("--publish-metrics", "--publish-region", "us-east-1",
          "--cloudwatch-endpoint-url", server.endpoint().toString()));
      int code = Main.execute(new PrintWriter(so, true), new PrintWriter(se, true), all.toArray(new String[0]));
      return new Published(code, so, se, server.requests("PutMetricData"));
    }
  }

  /** The {@code OpenFindings} datum of rule {@code eb_change_degraded_health} in a PutMetricData body. */
  private static double degradedHealthCount(JsonNode body) {
    for (JsonNode d : body.path("MetricData")) {
      JsonNode dim = d.path("Dimensions");
      if (dim.size() == 1 && dim.get(0).path("Value").asText().equals("eb_change_degraded_health")) {
        return d.path("Value").asDouble();
      }
    }
    throw new AssertionError("no count for eb_change_degraded_health in " + body);
  }

  @Test
  public void weeklyRendersTheImpactAndPublishesTheReportDatesCounts() throws Exception {
    Path trail = tmp.newFolder("weekly-trail").toPath();
    Path metrics = fixture(trail);
    Path root = tmp.newFolder("weekly-out").toPath();
    Published run = publishing("weekly", "--trail", trail.toString(), "--out", root.toString(), "--metrics",
        metrics.toString(), "--report-date", "2026-11-21", "--namespace", "ebaudit/weekly");
    int code = run.code();
    StringWriter so = run.out();
    StringWriter se = run.err();
    List<CloudWatchLoopback.Request> puts = run.puts();
    assertThat(code).as(se.toString()).isZero();
    assertThat(root.resolve("impact/report_date=2026-11-21")).isDirectory();
    String html = Files.readString(root.resolve("report/report_date=2026-11-21/index.html"));
    assertThat(html).contains("<h3>Change impact</h3>").contains("<span class=\"notok\">degraded</span>");
    assertThat(so.toString()).contains("published: ").contains("namespace ebaudit/weekly in us-east-1");
    assertThat(puts).hasSize(1);
    assertThat(puts.get(0).body().path("Namespace").asText()).isEqualTo("ebaudit/weekly");
    assertThat(degradedHealthCount(puts.get(0).body())).isEqualTo(1.0);
  }

  @Test
  public void withoutMetricsThereIsNoImpactTableAndAStaleOneIsRemoved() throws Exception {
    Path trail = tmp.newFolder("trail2").toPath();
    TrailFixture.write(trail, TrailFixture.logKey(null, BeanstalkFixture.ACCOUNT, "us-east-1", "2026/11/20", "M2"),
        TrailFixture.envelope(List.of(event("d2", DEPLOY.toString(), "UpdateEnvironment",
            "{\"environmentName\":\"shop-prod\",\"versionLabel\":\"v43\"}", null))), true);
    Path out = tmp.newFolder("out2").toPath();
    Files.createDirectories(out.resolve("impact"));
    Files.writeString(out.resolve("impact/part-0.parquet"), "stale");
    StringWriter so = new StringWriter();
    int code = Main.execute(new PrintWriter(so, true), new PrintWriter(new StringWriter(), true), "analyze",
        "--trail", trail.toString(), "--out", out.toString());
    assertThat(code).isZero();
    assertThat(out.resolve("impact")).doesNotExist();
    assertThat(out.resolve("metrics")).doesNotExist();
    assertThat(so.toString()).doesNotContain("impact:");
  }
}
