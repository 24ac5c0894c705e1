package io.ebaudit.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ebaudit.testing.CloudWatchLoopback;
import io.ebaudit.testing.FakeCloudWatch;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/** The real SDK client against a loopback CloudWatch speaking RPCv2 CBOR. */
class MetricExporterTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  static final Map<String, String> SHOP = Map.of("EnvironmentName", "shop-prod");

  @BeforeAll
  static void credentials() {
    // The default chain reads these first; nothing leaves 127.0.0.1.
    System.setProperty("aws.accessKeyId", "AKIDLOOPBACKTEST");
    System.setProperty("aws.secretAccessKey", "loopback-secret");
  }

  static MetricExporter.Options options(int queriesPerCall) {
    return new MetricExporter.Options(T0, T0.plusSeconds(3600), 60, queriesPerCall, false);
  }

  static List<JsonNode> lines(StringWriter w) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String l : w.toString().split("\n")) {
      if (!l.isBlank()) {
        out.add(JSON.readTree(l));
      }
    }
    return out;
  }

  static FakeCloudWatch minutes(int n) {
    FakeCloudWatch cw = new FakeCloudWatch();
    for (int i = 0; i < n; i++) {
      Instant t = T0.plusSeconds(60L * i);
      cw.put("ApplicationRequestsTotal", SHOP, t, 40 + i, 10, 100 + i, 6);
      cw.put("ApplicationRequests5xx", SHOP, t, 1, 0, i % 2, 6);
    }
    return cw;
  }

  @Test
  void paginatesOverSeveralPagesAndWritesMetricStreamsLines() throws Exception {
    FakeCloudWatch fake = minutes(7);
    fake.pageSize = 3; // 7 points per query: pages of 3, 3, 1
    List<MetricSeries> series = MetricSeries.forEnvironment("111122223333", "us-east-1", "shop-prod");
    StringWriter out = new StringWriter();
    MetricExporter.Outcome o;
    try (CloudWatchLoopback server = CloudWatchLoopback.start(fake);
        CloudWatchClient cw = CloudWatchClients.create("us-east-1", server.endpoint(), 3)) {
      o = MetricExporter.export(cw, series, options(500), out, null);
      List<CloudWatchLoopback.Request> calls = server.requests("GetMetricData");
      assertThat(calls).hasSize(3);
      // The wire: RPCv2 CBOR.
      CloudWatchLoopback.Request first = calls.get(0);
      assertThat(first.method()).isEqualTo("POST");
      assertThat(first.path()).isEqualTo(CloudWatchLoopback.PREFIX + "GetMetricData");
      assertThat(first.header("Content-Type")).isEqualTo("application/cbor");
      assertThat(first.header("smithy-protocol")).isEqualTo("rpc-v2-cbor");
      assertThat(first.header("Authorization")).contains("AKIDLOOPBACKTEST").contains("us-east-1/monitoring/aws4_request");
      // The request: four statistics per series, exact dimensions, the window, ascending, then the tokens.
      JsonNode body = first.body();
      assertThat(body.path("MetricDataQueries")).hasSize(4 * 8);
      JsonNode q = body.path("MetricDataQueries").get(0);
      assertThat(q.path("Id").asText()).isEqualTo("s0_max");
      assertThat(q.at("/MetricStat/Metric/Namespace").asText()).isEqualTo("AWS/ElasticBeanstalk");
      assertThat(q.at("/MetricStat/Metric/MetricName").asText()).isEqualTo("EnvironmentHealth");
      assertThat(q.at("/MetricStat/Metric/Dimensions/0/Name").asText()).isEqualTo("EnvironmentName");
      assertThat(q.at("/MetricStat/Metric/Dimensions/0/Value").asText()).isEqualTo("shop-prod");
      assertThat(q.at("/MetricStat/Period").asInt()).isEqualTo(60);
      assertThat(q.at("/MetricStat/Stat").asText()).isEqualTo("Maximum");
      assertThat(q.has("AccountId")).isFalse();
      assertThat(body.path("StartTime").asDouble()).isEqualTo(T0.getEpochSecond());
      assertThat(body.path("EndTime").asDouble()).isEqualTo(T0.getEpochSecond() + 3600);
      assertThat(body.path("ScanBy").asText()).isEqualTo("TimestampAscending");
      assertThat(body.has("NextToken")).isFalse();
      assertThat(calls.get(1).body().path("NextToken").asText()).isEqualTo("page-1");
      assertThat(calls.get(2).body().path("NextToken").asText()).isEqualTo("page-2");
    }
    assertThat(o.calls()).isEqualTo(3);
    assertThat(o.datapoints()).isEqualTo(2 * 7 * 4);
    assertThat(o.incomplete()).isEmpty();
    List<JsonNode> lines = lines(out);
    assertThat(lines).hasSize(14);
    assertThat(o.records()).isEqualTo(14);
    JsonNode l = lines.stream().filter(n -> n.path("metric_name").asText().equals("ApplicationRequestsTotal")
        && n.path("timestamp").asLong() == T0.plusSeconds(360).toEpochMilli()).findFirst().orElseThrow();
    assertThat(l.path("metric_stream_name").asText()).isEqualTo(MetricExporter.STREAM_NAME);
    assertThat(l.path("account_id").asText()).isEqualTo("111122223333");
    assertThat(l.path("region").asText()).isEqualTo("us-east-1");
    assertThat(l.path("namespace").asText()).isEqualTo("AWS/ElasticBeanstalk");
    assertThat(l.at("/dimensions/EnvironmentName").asText()).isEqualTo("shop-prod");
    assertThat(l.at("/value/max").asDouble()).isEqualTo(46.0);
    assertThat(l.at("/value/min").asDouble()).isEqualTo(10.0);
    assertThat(l.at("/value/sum").asDouble()).isEqualTo(106.0);
    assertThat(l.at("/value/count").asDouble()).isEqualTo(6.0);
    assertThat(l.path("unit").asText()).isEqualTo("Count");
    // Six of the eight series have no data: missing, and not one zero written for them.
    assertThat(o.missing()).extracting(MetricSeries::metricName).containsExactly("EnvironmentHealth",
        "ApplicationRequests4xx", "ApplicationLatencyP99", "ApplicationLatencyP90", "InstancesSevere", "InstancesDegraded");
    assertThat(lines).noneMatch(n -> n.path("metric_name").asText().equals("EnvironmentHealth"));
  }

  @Test
  void aThrottlingErrorIsRetriedBySdkAndThenSucceeds() throws Exception {
    FakeCloudWatch fake = minutes(3);
    fake.throttleFirst.set(1);
    StringWriter out = new StringWriter();
    MetricExporter.Outcome o;
    try (CloudWatchLoopback server = CloudWatchLoopback.start(fake);
        CloudWatchClient cw = CloudWatchClients.create("us-east-1", server.endpoint(), 3)) {
      o = MetricExporter.export(cw, List.of(new MetricSeries(null, "us-east-1", MetricSeries.EB, "ApplicationRequestsTotal",
          SHOP, "Count")), options(500), out, null);
      List<CloudWatchLoopback.Request> calls = server.requests("GetMetricData");
      assertThat(calls).hasSize(2);
      assertThat(calls.get(1).body()).isEqualTo(calls.get(0).body());
      assertThat(calls.get(1).header("amz-sdk-request")).contains("attempt=2");
    }
    assertThat(o.calls()).isEqualTo(1); // one page: the retry is the SDK's, inside the call
    assertThat(lines(out)).hasSize(3);
    assertThat(lines(out).get(0).has("account_id")).isTrue();
    assertThat(lines(out).get(0).get("account_id").isNull()).isTrue();
  }

  @Test
  void throttlingBeyondTheAttemptsFails() {
    FakeCloudWatch fake = minutes(3);
    fake.throttleFirst.set(10);
    try (CloudWatchLoopback server = CloudWatchLoopback.start(fake);
        CloudWatchClient cw = CloudWatchClients.create("us-east-1", server.endpoint(), 2)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> MetricExporter.export(cw,
              MetricSeries.forEnvironment(null, "us-east-1", "shop-prod"), options(500), new StringWriter(), null))
          .isInstanceOf(software.amazon.awssdk.services.cloudwatch.model.CloudWatchException.class)
          .satisfies(e -> assertThat(((software.amazon.awssdk.awscore.exception.AwsServiceException) e)
              .awsErrorDetails().errorCode()).isEqualTo("Throttling"));
      assertThat(server.requests("GetMetricData")).hasSize(2);
    }
  }

  @Test
  void partialDataIsFollowedByTokenAndAnUnfinishedQueryIsReported() throws Exception {
    FakeCloudWatch fake = minutes(5);
    fake.pageSize = 4; // page 1: PartialData with a NextToken; page 2: Complete
    fake.put("ApplicationLatencyP99", SHOP, T0, 0.4, 0.1, 1.0, 3);
    fake.partialWithoutToken.add("ApplicationLatencyP99"); // ends PartialData with no token
    StringWriter out = new StringWriter();
    MetricExporter.Outcome o;
    try (CloudWatchLoopback server = CloudWatchLoopback.start(fake);
        CloudWatchClient cw = CloudWatchClients.create("us-east-1", server.endpoint(), 3)) {
      o = MetricExporter.export(cw, MetricSeries.forEnvironment(null, "us-east-1", "shop-prod"), options(500), out, null);
      assertThat(server.requests("GetMetricData")).hasSize(2);
    }
    List<JsonNode> lines = lines(out);
    assertThat(lines.stream().filter(n -> n.path("metric_name").asText().equals("ApplicationRequestsTotal")))
        .extracting(n -> n.path("timestamp").asLong())
        .containsExactly(T0.toEpochMilli(), T0.plusSeconds(60).toEpochMilli(), T0.plusSeconds(120).toEpochMilli(),
            T0.plusSeconds(180).toEpochMilli(), T0.plusSeconds(240).toEpochMilli());
    assertThat(o.incomplete()).hasSize(1);
    assertThat(o.incomplete().get(0).series().metricName()).isEqualTo("ApplicationLatencyP99");
    assertThat(o.incomplete().get(0).status()).isEqualTo("PartialData");
    assertThat(o.incomplete().get(0).message()).contains("MaxDatapointsExceeded");
  }

  @Test
  void queriesAreSplitIntoCallsOfAtMostTheLimit() throws Exception {
    FakeCloudWatch fake = minutes(2);
    List<MetricSeries> series = new ArrayList<>();
    for (String env : List.of("a", "b", "c")) {
      series.add(new MetricSeries(null, "eu-west-1", MetricSeries.EB, "ApplicationRequestsTotal", Map.of("EnvironmentName", env), "Count"));
    }
    try (CloudWatchLoopback server = CloudWatchLoopback.start(fake);
        CloudWatchClient cw = CloudWatchClients.create("eu-west-1", server.endpoint(), 3)) {
      MetricExporter.Outcome o = MetricExporter.export(cw, series, options(9), new StringWriter(), null);
      assertThat(server.requests("GetMetricData")).extracting(r -> r.body().path("MetricDataQueries").size())
          .containsExactly(8, 4);
      assertThat(server.requests("GetMetricData").get(0).header("Authorization")).contains("eu-west-1/monitoring");
      assertThat(o.missing()).hasSize(3);
    }
  }

  @Test
  void aLongWindowIsReadInChunks() throws Exception {
    FakeCloudWatch fake = new FakeCloudWatch();
    Instant start = Instant.parse("2026-11-01T00:00:00Z");
    for (int d = 0; d < 3; d++) {
      fake.put("MetadataNoToken", Map.of("InstanceId", "i-0a"), start.plusSeconds(86400L * d + 3600), 2, 0, 3, 60);
    }
    StringWriter out = new StringWriter();
    try (CloudWatchLoopback server = CloudWatchLoopback.start(fake);
        CloudWatchClient cw = CloudWatchClients.create("us-east-1", server.endpoint(), 3)) {
      MetricExporter.Outcome o = MetricExporter.export(cw, List.of(MetricSeries.metadataNoToken("1", "us-east-1", "i-0a")),
          new MetricExporter.Options(start, start.plusSeconds(3 * 86400), 60, 500, true), out, null);
      List<CloudWatchLoopback.Request> calls = server.requests("GetMetricData");
      assertThat(calls).hasSize(3); // 1,440 one-minute points per chunk: a day each
      assertThat(calls.get(0).body().at("/MetricDataQueries/0/AccountId").asText()).isEqualTo("1");
      assertThat(o.records()).isEqualTo(3);
    }
    assertThat(lines(out)).extracting(n -> n.at("/value/sum").asDouble()).containsExactly(3.0, 3.0, 3.0);
  }
}
