package io.ebaudit.jobs;

import static io.ebaudit.beanstalk.BeanstalkFixture.event;
import static io.ebaudit.beanstalk.BeanstalkFixture.option;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.beanstalk.BeanstalkFixture;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.testing.SparkSuite;
import io.ebaudit.trail.TrailFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** analyze --metrics: imds/ is written with the verdicts, and the IMDSv2 findings carry them. */
public class AnalyzeWithMetricsTest extends SparkSuite {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  static String runInstances(String id, String instance, String env) {
    return TrailFixture.event(id, "2026-11-20T08:30:00Z", "ec2.amazonaws.com", "RunInstances")
        .replace("\"responseElements\":null", "\"responseElements\":{\"instancesSet\":{\"items\":[{\"instanceId\":\""
            + instance + "\",\"tagSet\":{\"items\":[{\"key\":\"elasticbeanstalk:environment-name\",\"value\":\"" + env
            + "\"}]}}]}}");
  }

  static String metric(String instance, double sum) {
    return "{\"metric_stream_name\":\"s\",\"account_id\":\"" + BeanstalkFixture.ACCOUNT + "\",\"region\":\"us-east-1\","
        + "\"namespace\":\"AWS/EC2\",\"metric_name\":\"MetadataNoToken\",\"dimensions\":{\"InstanceId\":\"" + instance
        + "\"},\"timestamp\":1795163400000,\"value\":{\"max\":" + sum + ",\"min\":0,\"sum\":" + sum + ",\"count\":1},\"unit\":\"Count\"}";
  }

  @Test
  public void metricsGiveVerdictsInImdsAndFindings() throws Exception {
    String launch = "aws:autoscaling:launchconfiguration";
    Path trail = tmp.newFolder("trail").toPath();
    TrailFixture.write(trail, TrailFixture.logKey(null, BeanstalkFixture.ACCOUNT, "us-east-1", "2026/11/20", "M1"),
        TrailFixture.envelope(List.of(
            event("u1", "2026-11-20T08:00:00Z", "UpdateEnvironment",
                "{\"environmentName\":\"legacy-batch\",\"optionSettings\":[" + option(launch, "DisableIMDSv1", "false") + "]}", null),
            event("u2", "2026-11-20T09:00:00Z", "UpdateEnvironment",
                "{\"environmentName\":\"shop-prod\",\"optionSettings\":[" + option(launch, "DisableIMDSv1", "false") + "]}", null),
            runInstances("r1", "i-0legacy", "legacy-batch"),
            runInstances("r2", "i-0shop", "shop-prod"))),
        true);
    Path metrics = tmp.newFolder("metrics").toPath();
    Files.write(metrics.resolve("stream-1"), List.of(metric("i-0legacy", 4), metric("i-0shop", 0), "{broken"));
    Path out = tmp.newFolder("out").toPath();
    java.io.StringWriter so = new java.io.StringWriter();
    java.io.StringWriter se = new java.io.StringWriter();
    int code = Main.execute(new java.io.PrintWriter(so, true), new java.io.PrintWriter(se, true),
        "analyze", "--trail", trail.toString(), "--out", out.toString(), "--metrics", metrics.toString());
    // One line in three is not a record: over metrics.max_reject_ratio (0.01), so exit 1, outputs committed.
    assertThat(code).as(se.toString()).isEqualTo(1);
    assertThat(se.toString()).contains("ebaudit: Cannot finish the metrics: 0.3333 of the metric lines read were rejected,"
        + " over metrics.max_reject_ratio 0.0100").contains("got 1 rejected lines");
    assertThat(so.toString()).contains("2 metric records, 1 lines rejected");
    List<Row> rejected = spark().read().schema(io.ebaudit.io.MetricStreams.REJECTS)
        .json(out.resolve(AnalyzeJob.METRICS_QUARANTINE).toString()).collectAsList();
    assertThat(rejected).hasSize(1);
    assertThat(rejected.get(0).getLong(1)).isEqualTo(3);
    assertThat(rejected.get(0).getString(3)).isEqualTo("{broken");
    // The report's data quality section counts them.
    var in = io.ebaudit.io.ReportTables.read(spark(), io.ebaudit.io.ReportLayout.analyze(out.toUri().toString()),
        java.time.LocalDate.of(2026, 11, 20), java.time.LocalDate.of(2026, 11, 14), java.time.LocalDate.of(2026, 11, 20),
        null, null);
    var quality = io.ebaudit.report.WeeklyReport.build(in, io.ebaudit.report.WeeklyReport.Options.defaults(),
        java.time.Instant.parse("2026-11-21T00:00:00Z"), "test").dataQuality();
    assertThat(quality.records()).contains(
        new io.ebaudit.report.ReportModel.KeyValue("metric lines rejected (metrics_quarantine)", "1"));

    Map<String, String> verdicts = new HashMap<>();
    for (Row r : spark().read().parquet(out.resolve("imds").toString()).collectAsList()) {
      verdicts.put(r.getAs("environment_name"), r.getAs("verdict"));
    }
    assertThat(verdicts).containsEntry("legacy-batch", "blocked_by_imdsv1_callers").containsEntry("shop-prod", "safe_to_enforce");

    List<Row> f = spark().read().schema(FindingSchema.FINDINGS).parquet(out.resolve("findings/parquet").toString())
        .filter(col("rule_id").equalTo("eb_imdsv2_not_enforced")).orderBy("environment").collectAsList();
    assertThat(f).hasSize(2); // one per environment: no coverage-only duplicate
    assertThat((String) f.get(0).getAs("evidence")).contains("\"verdict\":\"blocked_by_imdsv1_callers\"").contains("i-0legacy");
    assertThat((String) f.get(1).getAs("detail")).contains("safe_to_enforce");
  }
}
