package io.ebaudit.impact;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ebaudit.config.Settings;
import io.ebaudit.io.MetricStreams;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.rules.RuleEngine;
import io.ebaudit.rules.RuleRegistry;
import io.ebaudit.testing.SparkSuite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Change impact: a 5xx spike after a deployment, a quiet change, a change without metrics; the join's plan. */
public class ImpactTest extends SparkSuite {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ACCOUNT = "123456789012";
  static final Instant CHANGE = Instant.parse("2026-11-20T12:00:30Z");
  static final Impact.Thresholds DEFAULTS = Impact.Thresholds.of(Settings.defaults());

  static String point(String account, String region, String env, String metric, Map<String, String> extraDims,
      Instant t, double max, double sum, String unit) {
    ObjectNode n = JSON.createObjectNode().put("metric_stream_name", "s").put("account_id", account).put("region", region)
        .put("namespace", "AWS/ElasticBeanstalk").put("metric_name", metric).put("timestamp", t.toEpochMilli());
    ObjectNode d = n.putObject("dimensions").put("EnvironmentName", env);
    extraDims.forEach(d::put);
    n.putObject("value").put("max", max).put("min", 0.0).put("sum", sum).put("count", 1.0);
    n.put("unit", unit);
    return n.toString();
  }

  /** One point a minute from 10:30 to 13:30 of the five metrics; "spike" turns bad from 12:01. */
  static List<String> environment(String env, boolean spike) {
    List<String> out = new ArrayList<>();
    for (Instant t = Instant.parse("2026-11-20T10:30:00Z"); t.isBefore(Instant.parse("2026-11-20T13:31:00Z")); t = t.plusSeconds(60)) {
      boolean bad = spike && !t.isBefore(CHANGE);
      out.add(point(ACCOUNT, "eu-west-1", env, "ApplicationRequestsTotal", Map.of(), t, 100, 100, "Count"));
      out.add(point(ACCOUNT, "eu-west-1", env, "ApplicationRequests5xx", Map.of(), t, bad ? 12 : 1, bad ? 12 : 1, "Count"));
      out.add(point(ACCOUNT, "eu-west-1", env, "ApplicationLatencyP99", Map.of(), t, bad ? 1.5 : 0.2, bad ? 1.5 : 0.2, "Seconds"));
      out.add(point(ACCOUNT, "eu-west-1", env, "EnvironmentHealth", Map.of(), t, bad ? 20 : 0, bad ? 20 : 0, "None"));
      out.add(point(ACCOUNT, "eu-west-1", env, "InstancesSevere", Map.of(), t, bad ? 1 : 0, bad ? 1 : 0, "Count"));
    }
    return out;
  }

  Dataset<Row> metrics(List<String> lines) throws Exception {
    Path f = tmp.newFolder().toPath().resolve("stream-1");
    Files.write(f, lines);
    return MetricStreams.read(spark(), List.of(f.toString()));
  }

  Dataset<Row> changes(String... envAndKind) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < envAndKind.length; i += 2) {
      rows.add(JSON.createObjectNode().put("account_id", ACCOUNT).put("aws_region", "eu-west-1").put("application", "shop")
          .put("environment_name", envAndKind[i]).put("change_time", CHANGE.toString()).put("change_kind", envAndKind[i + 1])
          .put("event_id", "ev-" + envAndKind[i]).put("event_name", "UpdateEnvironment")
          .put("principal", "arn:aws:iam::" + ACCOUNT + ":role/ci").toString());
    }
    return spark().read().schema(Changes.CHANGES).option("mode", "FAILFAST").json(spark().createDataset(rows, Encoders.STRING()));
  }

  static Map<String, Row> byEnvironment(Dataset<Row> impact) {
    Map<String, Row> out = new HashMap<>();
    impact.collectAsList().forEach(r -> out.put(r.getAs("environment_name"), r));
    return out;
  }

  @Test
  public void aSpikeAfterADeploymentIsDegradedAQuietChangeIsNotAndMissingMetricsAreNull() throws Exception {
    List<String> lines = new ArrayList<>(environment("shop-prod", true));
    lines.addAll(environment("api-prod", false));
    // Ignored: an instance-level series, another namespace, the same name in another region.
    lines.add(point(ACCOUNT, "eu-west-1", "api-prod", "ApplicationRequests5xx", Map.of("InstanceId", "i-0a"), CHANGE.plusSeconds(90), 999, 999, "Count"));
    lines.add(point(ACCOUNT, "us-east-1", "api-prod", "EnvironmentHealth", Map.of(), CHANGE.plusSeconds(90), 25, 25, "None"));
    lines.add(point(ACCOUNT, "eu-west-1", "api-prod", "EnvironmentHealth", Map.of(), CHANGE.plusSeconds(90), 25, 25, "None")
        .replace("AWS/ElasticBeanstalk", "Custom/Shop"));
    // Duplicates (the same minute from a second input) count once.
    lines.addAll(environment("shop-prod", true).subList(0, 200));
    Dataset<Row> impact = Impact.derive(changes("shop-prod", "deployment", "api-prod", "config_change", "worker", "restart"),
        metrics(lines), DEFAULTS);
    assertThat(columns(impact.schema())).isEqualTo(columns(Impact.IMPACT));
    Map<String, Row> rows = byEnvironment(impact);
    assertThat(rows).hasSize(3);

    Row spike = rows.get("shop-prod");
    assertThat((Integer) spike.getAs("window_minutes")).isEqualTo(60);
    assertThat((Double) spike.getAs("requests_before")).isEqualTo(6000.0); // 11:01..12:00, 60 points
    assertThat((Double) spike.getAs("requests_after")).isEqualTo(6000.0); // 12:01..13:00
    assertThat((Double) spike.getAs("rate_5xx_before")).isCloseTo(0.01, within(1e-9));
    assertThat((Double) spike.getAs("rate_5xx_after")).isCloseTo(0.12, within(1e-9));
    assertThat((Double) spike.getAs("p99_before_ms")).isCloseTo(200.0, within(1e-9));
    assertThat((Double) spike.getAs("p99_after_ms")).isCloseTo(1500.0, within(1e-9));
    assertThat((Double) spike.getAs("health_before")).isEqualTo(0.0);
    assertThat((Double) spike.getAs("health_after")).isEqualTo(20.0);
    assertThat((Double) spike.getAs("severe_before")).isEqualTo(0.0);
    assertThat((Double) spike.getAs("severe_after")).isEqualTo(1.0);
    assertThat((Boolean) spike.getAs("metrics_available")).isTrue();
    assertThat((Boolean) spike.getAs("degraded")).isTrue();
    assertThat(spike.<String>getList(spike.fieldIndex("degradation_reasons"))).containsExactly(
        "health OK (0) → Degraded (20)", "5xx rate 1.00% → 12.00% of 6000 requests", "p99 latency 200 ms → 1500 ms",
        "severe instances 0 → 1");

    Row quiet = rows.get("api-prod");
    assertThat((Boolean) quiet.getAs("metrics_available")).isTrue();
    assertThat((Boolean) quiet.getAs("degraded")).isFalse();
    assertThat(quiet.<String>getList(quiet.fieldIndex("degradation_reasons"))).isEmpty();
    assertThat((Double) quiet.getAs("health_after")).isEqualTo(0.0);
    assertThat((Double) quiet.getAs("rate_5xx_after")).isCloseTo(0.01, within(1e-9));

    Row none = rows.get("worker");
    assertThat((Boolean) none.getAs("metrics_available")).isFalse();
    assertThat(none.isNullAt(none.fieldIndex("degraded"))).isTrue();
    assertThat(none.isNullAt(none.fieldIndex("degradation_reasons"))).isTrue();
    for (String f : List.of("health_before", "health_after", "requests_before", "requests_after", "rate_5xx_before",
        "rate_5xx_after", "p99_before_ms", "p99_after_ms", "severe_before", "severe_after")) {
      assertThat(none.isNullAt(none.fieldIndex(f))).as(f).isTrue();
    }
    assertThat((String) none.getAs("change_kind")).isEqualTo("restart");

    // The finding, with the numbers in the evidence.
    List<Row> findings = RuleEngine.evaluateImpact(impact, RuleRegistry.all(), JSON.createObjectNode()).collectAsList();
    assertThat(findings).hasSize(1);
    Row f = findings.get(0);
    assertThat(columns(f.schema())).isEqualTo(columns(FindingSchema.FINDINGS));
    assertThat((String) f.getAs("rule_id")).isEqualTo("eb_change_degraded_health");
    assertThat((String) f.getAs("severity")).isEqualTo("medium");
    assertThat((String) f.getAs("environment")).isEqualTo("shop-prod");
    assertThat((String) f.getAs("resource_arn")).isEqualTo("arn:aws:elasticbeanstalk:eu-west-1:" + ACCOUNT + ":environment/shop/shop-prod");
    assertThat((String) f.getAs("principal_arn")).isEqualTo("arn:aws:iam::" + ACCOUNT + ":role/ci");
    assertThat((String) f.getAs("detail")).startsWith("deployment UpdateEnvironment on environment shop-prod by arn:aws:iam::")
        .contains("2026-11-20 12:00:30 UTC").contains("within 60 minutes").contains("5xx rate 1.00% → 12.00%");
    assertThat((String) f.getAs("evidence")).contains("\"rate_5xx_after\":0.12").contains("\"p99_after_ms\":1500.0")
        .contains("\"health_after\":20.0").contains("\"window_minutes\":60");
  }

  @Test
  public void thresholdsComeFromTheSettings() throws Exception {
    Impact.Thresholds lenient = Impact.Thresholds.of(Settings.defaults().with(List.of(
        "impact.health_level=25", "impact.rate_5xx_increase=0.2", "impact.p99_increase_ratio=10",
        "impact.severe_instances_increase=2")));
    Row r = Impact.derive(changes("shop-prod", "deployment"), metrics(environment("shop-prod", true)), lenient).first();
    assertThat((Boolean) r.getAs("degraded")).isFalse();
    Impact.Thresholds onlyP99 = Impact.Thresholds.of(Settings.defaults().with(List.of("impact.health_level=25",
        "impact.rate_5xx_increase=0.2", "impact.severe_instances_increase=2", "impact.p99_min_increase_ms=1000")));
    Row p = Impact.derive(changes("shop-prod", "deployment"), metrics(environment("shop-prod", true)), onlyP99).first();
    assertThat(p.<String>getList(p.fieldIndex("degradation_reasons"))).containsExactly("p99 latency 200 ms → 1500 ms");
  }

  @Test
  public void windowsAreExactAtTheirEdges() throws Exception {
    Impact.Thresholds tenMinutes = Impact.Thresholds.of(Settings.defaults().with(List.of("impact.window_minutes=10")));
    List<String> lines = new ArrayList<>();
    // [t-10m, t) before, [t, t+10m) after: the edges are in, one millisecond outside is out.
    lines.add(point(ACCOUNT, "eu-west-1", "e", "ApplicationRequestsTotal", Map.of(), CHANGE.minusSeconds(600), 1, 1, "Count"));
    lines.add(point(ACCOUNT, "eu-west-1", "e", "ApplicationRequestsTotal", Map.of(), CHANGE.minusSeconds(600).minusMillis(1), 1, 10, "Count"));
    lines.add(point(ACCOUNT, "eu-west-1", "e", "ApplicationRequestsTotal", Map.of(), CHANGE.minusMillis(1), 1, 100, "Count"));
    lines.add(point(ACCOUNT, "eu-west-1", "e", "ApplicationRequestsTotal", Map.of(), CHANGE, 1, 1000, "Count"));
    lines.add(point(ACCOUNT, "eu-west-1", "e", "ApplicationRequestsTotal", Map.of(), CHANGE.plusSeconds(600).minusMillis(1), 1, 10000, "Count"));
    lines.add(point(ACCOUNT, "eu-west-1", "e", "ApplicationRequestsTotal", Map.of(), CHANGE.plusSeconds(600), 1, 100000, "Count"));
    // Another account's environment of the same name is not this one.
    lines.add(point("999999999999", "eu-west-1", "e", "ApplicationRequestsTotal", Map.of(), CHANGE, 1, 1e6, "Count"));
    Row r = Impact.derive(changes("e", "config_change"), metrics(lines), tenMinutes).first();
    assertThat((Double) r.getAs("requests_before")).isEqualTo(101.0);
    assertThat((Double) r.getAs("requests_after")).isEqualTo(11000.0);
    // No 5xx series: the rate is unknown, not zero.
    assertThat(r.isNullAt(r.fieldIndex("rate_5xx_after"))).isTrue();
    assertThat((Boolean) r.getAs("metrics_available")).isTrue();
    assertThat((Boolean) r.getAs("degraded")).isFalse();
  }

  @Test
  public void theJoinIsAnEquiJoinOnEnvironmentAndBucketNeverACrossProduct() throws Exception {
    spark().conf().set("spark.sql.autoBroadcastJoinThreshold", "-1");
    try {
      Dataset<Row> impact = Impact.derive(changes("shop-prod", "deployment", "api-prod", "restart"),
          metrics(environment("shop-prod", true)), DEFAULTS);
      impact.collectAsList();
      String plan = impact.queryExecution().executedPlan().toString();
      assertThat(plan).doesNotContain("NestedLoopJoin").doesNotContain("CartesianProduct");
      assertThat(plan).containsPattern("SortMergeJoin \\[_c_region#\\d+, _c_env#\\d+, _bucket#\\d+L?\\]");
    } finally {
      spark().conf().unset("spark.sql.autoBroadcastJoinThreshold");
    }
  }

  @Test
  public void changesAreOnePerEnvironmentCallWithTheirKind() {
    List<String> rows = new ArrayList<>();
    rows.add(event("d", "UpdateEnvironment", "shop-prod", "{\"environmentName\":\"shop-prod\",\"versionLabel\":\"v2\"}", "success"));
    rows.add(event("c", "UpdateEnvironment", "shop-prod", "{\"environmentName\":\"shop-prod\",\"optionSettings\":[{\"namespace\":\"aws:autoscaling:asg\",\"optionName\":\"MaxSize\",\"value\":\"4\"}]}", "success"));
    rows.add(event("p", "UpdateEnvironment", "shop-prod", "{\"environmentName\":\"shop-prod\",\"platformArn\":\"arn:aws:elasticbeanstalk:eu-west-1::platform/Python 3.11 running on 64bit Amazon Linux 2023/4.1.0\",\"versionLabel\":\"v3\"}", "success"));
    rows.add(event("r", "RestartAppServer", "shop-prod", "{\"environmentName\":\"shop-prod\"}", "success"));
    rows.add(event("b", "RebuildEnvironment", null, "{\"environmentId\":\"e-abc\"}", "success")
        .replace("\"environment_id\":null", "\"environment_id\":\"e-abc\""));
    rows.add(event("m", "ApplyEnvironmentManagedAction", "shop-prod", "{\"environmentName\":\"shop-prod\",\"actionId\":\"x\"}", "success"));
    rows.add(event("s", "SwapEnvironmentCNAMEs", "shop-blue", "{\"sourceEnvironmentName\":\"shop-blue\",\"destinationEnvironmentName\":\"shop-green\"}", "success"));
    rows.add(event("x", "UpdateEnvironment", "shop-prod", "{\"environmentName\":\"shop-prod\",\"versionLabel\":\"v9\"}", "failed"));
    rows.add(event("n", "CreateEnvironment", "new-env", "{\"environmentName\":\"new-env\"}", "success"));
    rows.add(event("t", "TerminateEnvironment", "shop-prod", "{\"environmentName\":\"shop-prod\"}", "success"));
    rows.add(event("a", "UpdateTagsForResource", "shop-app", "{\"resourceArn\":\"arn:aws:elasticbeanstalk:eu-west-1:123456789012:application/shop-app\"}", "success"));
    rows.add(event("k", "DescribeEnvironments", "shop-prod", "{}", "success"));
    Dataset<Row> events = spark().read().schema(io.ebaudit.beanstalk.BeanstalkSchemas.BEANSTALK_EVENTS).option("mode", "FAILFAST")
        .json(spark().createDataset(rows, Encoders.STRING()));
    // "b" names only the id; another call ties the id to a name.
    events = events.unionByName(spark().read().schema(io.ebaudit.beanstalk.BeanstalkSchemas.BEANSTALK_EVENTS)
        .json(spark().createDataset(List.of(event("i", "DescribeEnvironments", "shop-prod", "{}", "success")
            .replace("\"environment_id\":null", "\"environment_id\":\"e-abc\"")), Encoders.STRING())));
    Dataset<Row> changes = Changes.derive(events);
    assertThat(columns(changes.schema())).isEqualTo(columns(Changes.CHANGES));
    Map<String, String> kinds = new HashMap<>();
    for (Row r : changes.collectAsList()) {
      kinds.put(r.<String>getAs("event_id") + "/" + r.getAs("environment_name"), r.getAs("change_kind"));
    }
    assertThat(kinds).containsExactlyInAnyOrderEntriesOf(Map.of(
        "d/shop-prod", "deployment", "c/shop-prod", "config_change", "p/shop-prod", "platform_update",
        "r/shop-prod", "restart", "b/shop-prod", "rebuild", "m/shop-prod", "platform_update",
        "s/shop-blue", "other", "s/shop-green", "other"));
    assertThat(changes.filter(col("event_id").equalTo("s")).select("environment_id").as(Encoders.STRING()).collectAsList())
        .containsOnlyNulls();
  }

  /** Names and types, in order (Spark decides nullability). */
  static List<String> columns(org.apache.spark.sql.types.StructType s) {
    return java.util.Arrays.stream(s.fields()).map(f -> f.name() + ":" + f.dataType().simpleString()).toList();
  }

  static String event(String id, String name, String env, String request, String outcome) {
    ObjectNode n = JSON.createObjectNode().put("event_id", id).put("event_time", CHANGE.toString()).put("event_date", "2026-11-20")
        .put("event_name", name).put("account_id", ACCOUNT).put("aws_region", "eu-west-1").put("application", "shop")
        .put("environment_name", env).putNull("environment_id")
        .put("principal_arn", "arn:aws:iam::" + ACCOUNT + ":role/ci").put("client_class", "sdk").put("outcome", outcome)
        .put("request_parameters", request);
    return n.toString();
  }
}
