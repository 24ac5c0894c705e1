package io.ebaudit.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.testing.CloudWatchLoopback;
import io.ebaudit.testing.FakeCloudWatch;
import io.ebaudit.testing.SparkSuite;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.BeforeClass;
import org.junit.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/** PutMetricData of finding counts through the real SDK client, checked on the decoded CBOR requests. */
public class FindingMetricsTest extends SparkSuite {
  static final Instant NOW = Instant.parse("2026-11-30T06:00:00Z");

  @BeforeClass
  public static void credentials() {
    System.setProperty("aws.accessKeyId", "AKIDLOOPBACKTEST");
    System.setProperty("aws.secretAccessKey", "loopback-secret");
  }

  static Row finding(String rule, String severity, String status) {
    return RowFactory.create(rule + "-" + severity + "-" + status + "-" + Math.random(), rule, severity, status, "123456789012",
        "eu-west-1", "shop", "shop-prod", null, null, new String[0], null, null, "t", null, null, null, new String[0],
        null, null);
  }

  Dataset<Row> findings() {
    return spark().createDataFrame(List.of(
        finding("eb_ssh_open_to_world", "high", FindingSchema.OPEN),
        finding("eb_ssh_open_to_world", "high", FindingSchema.OPEN),
        finding("eb_change_degraded_health", "medium", FindingSchema.OPEN),
        finding("eb_custom_thing", "low", FindingSchema.OPEN),
        finding("eb_cname_swapped", "low", FindingSchema.SUPPRESSED)), FindingSchema.FINDINGS);
  }

  /** (metric name, dimension name=value or "") → value, from decoded PutMetricData bodies. */
  static Map<String, Double> sent(List<CloudWatchLoopback.Request> puts) {
    Map<String, Double> out = new HashMap<>();
    for (CloudWatchLoopback.Request r : puts) {
      for (JsonNode d : r.body().path("MetricData")) {
        JsonNode dim = d.path("Dimensions");
        String key = d.path("MetricName").asText() + (dim.size() == 0 ? ""
            : " " + dim.get(0).path("Name").asText() + "=" + dim.get(0).path("Value").asText());
        assertThat(out.put(key, d.path("Value").asDouble())).as("sent once: %s", key).isNull();
        assertThat(d.path("Unit").asText()).isEqualTo("Count");
        assertThat(d.path("Timestamp").asDouble()).isEqualTo(NOW.getEpochSecond());
      }
    }
    return out;
  }

  @Test
  public void countsBySeverityAndRuleArePutInOneCall() {
    try (CloudWatchLoopback server = CloudWatchLoopback.start(new FakeCloudWatch());
        CloudWatchClient cw = CloudWatchClients.create("eu-west-1", server.endpoint(), 3)) {
      FindingMetrics.Published p = FindingMetrics.publish(cw, "ebaudit", findings(),
          List.of("eb_ssh_open_to_world", "eb_imdsv1_enabled", "eb_change_degraded_health"), NOW);
      List<CloudWatchLoopback.Request> puts = server.requests("PutMetricData");
      assertThat(puts).hasSize(1);
      assertThat(puts.get(0).path()).isEqualTo(CloudWatchLoopback.PREFIX + "PutMetricData");
      assertThat(puts.get(0).header("Content-Type")).isEqualTo("application/cbor");
      assertThat(puts.get(0).body().path("Namespace").asText()).isEqualTo("ebaudit");
      Map<String, Double> sent = sent(puts);
      assertThat(sent).containsEntry("OpenFindings", 4.0).containsEntry("SuppressedFindings", 1.0)
          .containsEntry("OpenFindings Severity=critical", 0.0).containsEntry("OpenFindings Severity=high", 2.0)
          .containsEntry("OpenFindings Severity=medium", 1.0).containsEntry("OpenFindings Severity=low", 1.0)
          .containsEntry("OpenFindings Severity=info", 0.0)
          .containsEntry("OpenFindings RuleId=eb_ssh_open_to_world", 2.0)
          .containsEntry("OpenFindings RuleId=eb_imdsv1_enabled", 0.0)
          .containsEntry("OpenFindings RuleId=eb_change_degraded_health", 1.0)
          .containsEntry("OpenFindings RuleId=eb_custom_thing", 1.0)
          .doesNotContainKey("OpenFindings RuleId=eb_cname_swapped")
          .hasSize(1 + 5 + 4 + 1);
      assertThat(p.datums()).isEqualTo(11);
      assertThat(p.calls()).isEqualTo(1);
      assertThat(p.open()).isEqualTo(4);
      assertThat(p.suppressed()).isEqualTo(1);
    }
  }

  @Test
  public void manyDataPointsGoInBatchesWithinTheLimit() {
    List<String> rules = new ArrayList<>();
    for (int i = 0; i < 2400; i++) {
      rules.add(String.format("eb_rule_%04d", i));
    }
    try (CloudWatchLoopback server = CloudWatchLoopback.start(new FakeCloudWatch());
        CloudWatchClient cw = CloudWatchClients.create("eu-west-1", server.endpoint(), 3)) {
      FindingMetrics.Published p = FindingMetrics.publish(cw, "ebaudit/prod", findings(), rules, NOW);
      List<CloudWatchLoopback.Request> puts = server.requests("PutMetricData");
      assertThat(puts).extracting(r -> r.body().path("MetricData").size()).containsExactly(1000, 1000, 410);
      // PutMetricData is marked for request compression: the SDK gzips large bodies.
      assertThat(puts.get(0).header("Content-Encoding")).isEqualTo("gzip");
      assertThat(p.calls()).isEqualTo(3);
      Map<String, Double> sent = sent(puts);
      assertThat(sent).hasSize(2410).containsEntry("OpenFindings RuleId=eb_rule_2399", 0.0);
    }
  }

  @Test
  public void throttledPutIsRetried() {
    FakeCloudWatch fake = new FakeCloudWatch();
    fake.throttleFirst.set(1);
    try (CloudWatchLoopback server = CloudWatchLoopback.start(fake);
        CloudWatchClient cw = CloudWatchClients.create("eu-west-1", server.endpoint(), 3)) {
      FindingMetrics.publish(cw, "ebaudit", findings(), List.of(), NOW);
      assertThat(server.requests("PutMetricData")).hasSize(2);
    }
  }

  @Test
  public void badNamespacesFailFast() {
    assertThatThrownBy(() -> FindingMetrics.namespace("AWS/ElasticBeanstalk")).hasMessageStartingWith("Cannot publish metrics:");
    assertThatThrownBy(() -> FindingMetrics.namespace("")).hasMessageContaining("got ");
    assertThatThrownBy(() -> FindingMetrics.namespace("has space")).isInstanceOf(IllegalArgumentException.class);
    assertThat(FindingMetrics.namespace("ebaudit/prod-1")).isEqualTo("ebaudit/prod-1");
  }
}
