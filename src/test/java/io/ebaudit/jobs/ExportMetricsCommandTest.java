package io.ebaudit.jobs;

import static io.ebaudit.beanstalk.BeanstalkFixture.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ebaudit.beanstalk.BeanstalkFixture;
import io.ebaudit.io.MetricStreams;
import io.ebaudit.testing.CloudWatchLoopback;
import io.ebaudit.testing.FakeCloudWatch;
import io.ebaudit.testing.SparkSuite;
import io.ebaudit.trail.TrailFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** export-metrics from the command line against a loopback CloudWatch; the output reads back as Metric Streams. */
public class ExportMetricsCommandTest extends SparkSuite {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

  @BeforeClass
  public static void credentials() {
    System.setProperty("aws.accessKeyId", "AKIDLOOPBACKTEST");
    System.setProperty("aws.secretAccessKey", "loopback-secret");
  }

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter so = new StringWriter();
    StringWriter se = new StringWriter();
    int code = Main.execute(new PrintWriter(so, true), new PrintWriter(se, true), args);
    return new Run(code, so.toString(), se.toString());
  }

  @Test
  public void environmentsAreExportedAndReadBackMissingSeriesListed() throws Exception {
    FakeCloudWatch fake = new FakeCloudWatch();
    fake.pageSize = 2;
    for (int i = 0; i < 5; i++) {
      fake.put("ApplicationRequestsTotal", Map.of("EnvironmentName", "shop-prod"), T.plusSeconds(60L * i), 9, 1, 50, 6);
      fake.put("EnvironmentHealth", Map.of("EnvironmentName", "shop-prod"), T.plusSeconds(60L * i), 0, 0, 0, 6);
    }
    Path out = tmp.newFolder("export").toPath();
    Run r;
    List<CloudWatchLoopback.Request> calls;
    try (CloudWatchLoopback server = CloudWatchLoopback.start(fake)) {
      r = run("export-metrics", "--from", "2026-11-20T09:00:00Z", "--to", "2026-11-20T12:00:00Z",
          "--environments", "shop-prod,shop-staging", "--region", "eu-west-1", "--accounts", "111122223333",
          "--endpoint-url", server.endpoint().toString(), "--out", out.toString());
      calls = server.requests("GetMetricData");
    }
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(calls).hasSize(3); // pages of 2 of 5 points
    assertThat(calls.get(0).body().path("MetricDataQueries")).hasSize(2 * 8 * 4);
    assertThat(r.err()).contains("14 series missing").contains("missing 111122223333 eu-west-1 AWS/ElasticBeanstalk ApplicationLatencyP99 EnvironmentName=shop-staging")
        .contains("2 of 16 series with data");
    Path file = out.resolve("ebaudit-export-eu-west-1-20261120T0900Z-20261120T1200Z.json.gz");
    assertThat(file).exists();
    assertThat(r.out()).contains("exported 10 records of 16 series (14 missing, 0 incomplete)");

    // analyze --metrics reads the folder as it is: the summary is skipped (hidden name).
    MetricStreams.Result back = MetricStreams.readWithCounts(spark(), List.of(out.toString()));
    assertThat(back.badLines()).isZero();
    List<Row> rows = back.metrics().collectAsList();
    assertThat(rows).hasSize(10);
    assertThat(rows).allSatisfy(x -> {
      assertThat((String) x.getAs("account_id")).isEqualTo("111122223333");
      assertThat((String) x.getAs("region")).isEqualTo("eu-west-1");
      assertThat((String) x.getAs("metric_stream_name")).isEqualTo("ebaudit-export");
    });
    JsonNode summary = JSON.readTree(out.resolve(ExportMetricsJob.SUMMARY).toFile());
    assertThat(summary.path("series_requested").asInt()).isEqualTo(16);
    assertThat(summary.path("series_missing").asInt()).isEqualTo(14);
    assertThat(summary.path("missing")).hasSize(14);
    assertThat(summary.path("calls").asInt()).isEqualTo(3);
    assertThat(summary.path("period_seconds").asInt()).isEqualTo(60);
  }

  @Test
  public void environmentsAndInstancesComeFromAnIngestOutput() throws Exception {
    Path trail = tmp.newFolder("trail").toPath();
    TrailFixture.write(trail, TrailFixture.logKey(null, BeanstalkFixture.ACCOUNT, "us-east-1", "2026/11/20", "M1"),
        TrailFixture.envelope(List.of(
            event("u1", "2026-11-20T08:00:00Z", "UpdateEnvironment", "{\"environmentName\":\"legacy-batch\",\"versionLabel\":\"v1\"}", null),
            AnalyzeWithMetricsTest.runInstances("r1", "i-0legacy", "legacy-batch"),
            AnalyzeWithMetricsTest.runInstances("r2", "i-0other", "not-in-beanstalk-events"))),
        true);
    Path ingested = tmp.newFolder("ingested").toPath();
    assertThat(run("ingest", "--trail", trail.toString(), "--out", ingested.toString()).code()).isZero();

    FakeCloudWatch fake = new FakeCloudWatch();
    fake.put("MetadataNoToken", Map.of("InstanceId", "i-0legacy"), T, 3, 0, 7, 60);
    Path out = tmp.newFolder("export2").toPath();
    Run r;
    List<CloudWatchLoopback.Request> calls;
    try (CloudWatchLoopback server = CloudWatchLoopback.start(fake)) {
      r = run("export-metrics", "--from", "2026-11-20", "--to", "2026-11-20", "--events", ingested.toString(),
          "--endpoint-url", server.endpoint().toString(), "--out", out.toString(), "--set", "metrics.period_seconds=300");
      calls = server.requests("GetMetricData");
    }
    assertThat(r.code()).as(r.err()).isZero();
    Set<String> asked = new HashSet<>();
    for (CloudWatchLoopback.Request c : calls) {
      assertThat(c.header("Authorization")).contains("/us-east-1/monitoring/");
      for (JsonNode q : c.body().path("MetricDataQueries")) {
        asked.add(q.at("/MetricStat/Metric/MetricName").asText() + " " + q.at("/MetricStat/Metric/Dimensions/0/Value").asText());
        assertThat(q.at("/MetricStat/Period").asInt()).isEqualTo(300);
      }
    }
    assertThat(asked).contains("MetadataNoToken i-0legacy", "EnvironmentHealth legacy-batch", "ApplicationLatencyP99 legacy-batch")
        .doesNotContain("MetadataNoToken i-0other").hasSize(9);
    List<String> ids = MetricStreams.read(spark(), List.of(out.toString()))
        .selectExpr("dimensions['InstanceId']").as(Encoders.STRING()).collectAsList();
    assertThat(ids).containsExactly("i-0legacy");
    assertThat(Files.readString(out.resolve(ExportMetricsJob.SUMMARY))).contains("\"instances\" : 1").contains("\"environments\" : 1");
  }

  @Test
  public void mistakesFailFastWithOneLine() {
    Run both = run("export-metrics", "--from", "2026-11-20", "--environments", "a", "--events", "/x", "--region", "us-east-1",
        "--out", tmp.getRoot().toString());
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).startsWith("ebaudit: Cannot export metrics: give either --environments or --events, got both");
    Run badDate = run("export-metrics", "--from", "20-11-2026", "--environments", "a", "--region", "us-east-1",
        "--out", tmp.getRoot().toString());
    assertThat(badDate.code()).isEqualTo(2);
    assertThat(badDate.err()).contains("--from must be a day like 2026-11-22").contains("got 20-11-2026");
    Run badPeriod = run("export-metrics", "--from", "2026-11-20", "--environments", "a", "--region", "us-east-1",
        "--period", "45", "--out", tmp.getRoot().toString());
    assertThat(badPeriod.code()).isEqualTo(2);
    assertThat(badPeriod.err()).contains("period must be 1, 5, 10, 30 or a multiple of 60 seconds, got 45");
    Run badEndpoint = run("export-metrics", "--from", "2026-11-20", "--environments", "a", "--region", "us-east-1",
        "--endpoint-url", "ftp://x", "--out", tmp.getRoot().toString());
    assertThat(badEndpoint.code()).isEqualTo(2);
    assertThat(badEndpoint.err()).contains("Cannot call CloudWatch: the endpoint URL must be http(s)");
  }

  @Test
  public void anIncompleteSeriesFailsTheRunAndSaysWhy() throws Exception {
    FakeCloudWatch fake = new FakeCloudWatch();
    fake.put("ApplicationLatencyP99", Map.of("EnvironmentName", "shop-prod"), T, 0.3, 0.1, 0.6, 3);
    fake.partialWithoutToken.add("ApplicationLatencyP99");
    Path out = tmp.newFolder("export3").toPath();
    Run r;
    try (CloudWatchLoopback server = CloudWatchLoopback.start(fake)) {
      r = run("export-metrics", "--from", "2026-11-20", "--environments", "shop-prod", "--region", "us-east-1",
          "--endpoint-url", server.endpoint().toString(), "--out", out.toString(), "--to", "2026-11-20");
    }
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("incomplete us-east-1 AWS/ElasticBeanstalk ApplicationLatencyP99 EnvironmentName=shop-prod: PartialData (MaxDatapointsExceeded: too many data points)")
        .contains("ebaudit: Cannot export metrics completely: 1 series incomplete");
    // What was read is still written.
    assertThat(MetricStreams.read(spark(), List.of(out.toString())).count()).isEqualTo(1);
  }
}
