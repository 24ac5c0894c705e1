package io.ebaudit.posture;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.io.MetricStreams;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.testing.SparkSuite;
import io.ebaudit.trail.EventSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** IMDS verdicts from hand-built environment state, RunInstances/CreateTags events and metric stream lines (ours). */
public class ImdsTest extends SparkSuite {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  static final String OPS = "arn:aws:iam::111122223333:role/ops";
  static final String EB_ROLE = "arn:aws:sts::111122223333:assumed-role/aws-elasticbeanstalk-service-role/ElasticBeanstalk";

  private Dataset<Row> state() {
    return new PostureFixture()
        .set("hardened", Coverage.LAUNCH, "DisableIMDSv1", "true", OPS, "2026-11-02 10:00:00")
        .byDefault("quiet", Coverage.LAUNCH, "DisableIMDSv1", "false")
        .set("chatty", Coverage.LAUNCH, "DisableIMDSv1", "false", OPS, "2026-11-03 09:30:00")
        .byDefault("dark", Coverage.LAUNCH, "DisableIMDSv1", "false")
        .byDefault("scaled", Coverage.LAUNCH, "DisableIMDSv1", "false")
        .build(spark());
  }

  static String tags(String... kv) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < kv.length; i += 2) {
      sb.append(i == 0 ? "" : ",").append("{\"key\":\"").append(kv[i]).append("\",\"value\":\"").append(kv[i + 1]).append("\"}");
    }
    return sb.append("]").toString();
  }

  static String event(String id, String time, String name, String request, String response) {
    Map<String, Object> e = new HashMap<>();
    e.put("event_id", id);
    e.put("event_time", time);
    e.put("event_source", "ec2.amazonaws.com");
    e.put("event_name", name);
    e.put("aws_region", PostureFixture.REGION);
    e.put("recipient_account_id", PostureFixture.ACCOUNT);
    e.put("principal_arn", EB_ROLE);
    e.put("principal_kind", "assumed_role");
    e.put("service_originated", false);
    e.put("failed", false);
    e.put("source_object", "s3://trail/x.json.gz");
    e.put("request_parameters", request);
    e.put("response_elements", response);
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(e);
    } catch (Exception x) {
      throw new IllegalStateException(x);
    }
  }

  static String runInstances(String... idsAndTags) {
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < idsAndTags.length; i += 2) {
      items.append(i == 0 ? "" : ",").append("{\"instanceId\":\"").append(idsAndTags[i])
          .append("\",\"tagSet\":{\"items\":").append(idsAndTags[i + 1]).append("}}");
    }
    return "{\"reservationId\":\"r-1\",\"instancesSet\":{\"items\":[" + items + "]}}";
  }

  Dataset<Row> events() {
    List<String> lines = List.of(
        // Response tags, two instances.
        event("r1", "2026-11-01T10:00:00Z", "RunInstances", "{\"instanceType\":\"t3.micro\"}",
            runInstances("i-q1", tags(Instances.ENV_NAME_TAG, "quiet", Instances.ENV_ID_TAG, "e-quiet"),
                "i-q2", tags(Instances.ENV_NAME_TAG, "quiet"))),
        // Request tags only (tagSpecificationSet), response without tags.
        event("r2", "2026-11-01T11:00:00Z", "RunInstances",
            "{\"tagSpecificationSet\":{\"items\":[{\"resourceType\":\"instance\",\"tags\":"
                + tags(Instances.ENV_NAME_TAG, "chatty") + "},{\"resourceType\":\"volume\",\"tags\":"
                + tags(Instances.ENV_NAME_TAG, "dark") + "}]}}",
            runInstances("i-c1", "[]", "i-c2", "[]")),
        // Tagged afterwards.
        event("t1", "2026-11-01T12:00:00Z", "CreateTags",
            "{\"resourcesSet\":{\"items\":[{\"resourceId\":\"i-d1\"},{\"resourceId\":\"sg-123\"}]},\"tagSet\":{\"items\":"
                + tags(Instances.ENV_NAME_TAG, "dark") + "}}", null),
        // Only the Auto Scaling group name, carrying the environment id.
        event("r3", "2026-11-01T13:00:00Z", "RunInstances", "{}",
            runInstances("i-s1", tags(Instances.ASG_TAG, "awseb-e-scaled-stack-AWSEBAutoScalingGroup-ABC123"))),
        // Not Beanstalk.
        event("r4", "2026-11-01T14:00:00Z", "RunInstances", "{}", runInstances("i-x1", tags("Name", "bastion"))),
        event("r5", "2026-11-01T14:00:00Z", "RunInstances", "{}",
            runInstances("i-h1", tags(Instances.ENV_NAME_TAG, "hardened"))));
    return spark().read().schema(EventSchema.EVENTS).json(spark().createDataset(lines, Encoders.STRING()));
  }

  static String metric(String instance, String metric, long ts, double sum) {
    return "{\"metric_stream_name\":\"s\",\"account_id\":\"111122223333\",\"region\":\"us-east-1\",\"namespace\":\"AWS/EC2\","
        + "\"metric_name\":\"" + metric + "\",\"dimensions\":{\"InstanceId\":\"" + instance + "\"},\"timestamp\":" + ts
        + ",\"value\":{\"max\":" + sum + ",\"min\":0.0,\"sum\":" + sum + ",\"count\":1.0},\"unit\":\"Count\"}";
  }

  static final long T = Instant.parse("2026-11-10T00:00:00Z").toEpochMilli();

  Dataset<Row> metrics() throws Exception {
    Path f = tmp.newFile("metrics.json").toPath();
    Files.write(f, List.of(
        metric("i-q1", "MetadataNoToken", T, 0), metric("i-q2", "MetadataNoToken", T, 0),
        metric("i-q1", "CPUUtilization", T, 55),
        metric("i-c1", "MetadataNoToken", T, 0), metric("i-c2", "MetadataNoToken", T, 7),
        metric("i-c2", "MetadataNoToken", T + 60_000, 5),
        // Outside the window: ignored.
        metric("i-q2", "MetadataNoToken", T - 86_400_000L * 30, 99),
        metric("i-s1", "MetadataNoToken", T, 0), metric("i-h1", "MetadataNoToken", T, 3)));
    return MetricStreams.read(spark(), List.of(f.toString()));
  }

  @Test
  public void instancesFromRunInstancesAndCreateTags() {
    Map<String, Row> byId = new HashMap<>();
    for (Row r : Instances.derive(events()).collectAsList()) byId.put(r.getAs("instance_id"), r);
    assertThat(byId.keySet()).containsExactlyInAnyOrder("i-q1", "i-q2", "i-c1", "i-c2", "i-d1", "i-s1", "i-h1");
    assertThat((String) byId.get("i-q1").getAs("environment_name")).isEqualTo("quiet");
    assertThat((String) byId.get("i-q1").getAs("environment_id")).isEqualTo("e-quiet");
    assertThat((String) byId.get("i-q1").getAs("account_id")).isEqualTo(PostureFixture.ACCOUNT);
    assertThat((String) byId.get("i-q1").getAs("first_event_id")).isEqualTo("r1");
    assertThat((String) byId.get("i-c2").getAs("environment_name")).isEqualTo("chatty");
    assertThat((String) byId.get("i-d1").getAs("environment_name")).isEqualTo("dark");
    assertThat((String) byId.get("i-s1").getAs("environment_name")).isNull();
    assertThat((String) byId.get("i-s1").getAs("environment_id")).isEqualTo("e-scaled");
    assertThat((String) byId.get("i-s1").getAs("auto_scaling_group")).startsWith("awseb-e-scaled-stack-AWSEBAutoScalingGroup");
  }

  @Test
  public void eachVerdict() throws Exception {
    Dataset<Row> imds = Imds.derive(state(), Instances.derive(events()), metrics(),
        Instant.parse("2026-11-05T00:00:00Z"), Instant.parse("2026-11-20T00:00:00Z"));
    Map<String, Row> byEnv = new HashMap<>();
    for (Row r : imds.collectAsList()) byEnv.put(r.getAs("environment_name"), r);
    assertThat(byEnv).hasSize(5);
    assertThat((String) byEnv.get("hardened").getAs("verdict")).isEqualTo(Imds.ENFORCED);
    assertThat((String) byEnv.get("hardened").getAs("imdsv1_disabled_changed_by")).isEqualTo(OPS);
    assertThat((String) byEnv.get("quiet").getAs("verdict")).isEqualTo(Imds.SAFE);
    assertThat((Double) byEnv.get("quiet").getAs("metadata_no_token_sum")).isEqualTo(0.0);
    assertThat((String) byEnv.get("scaled").getAs("verdict")).isEqualTo(Imds.SAFE);
    assertThat((String) byEnv.get("dark").getAs("verdict")).isEqualTo(Imds.UNKNOWN);
    assertThat(byEnv.get("dark").<String>getList(byEnv.get("dark").fieldIndex("instances"))).containsExactly("i-d1");
    Row chatty = byEnv.get("chatty");
    assertThat((String) chatty.getAs("verdict")).isEqualTo(Imds.BLOCKED);
    List<Row> callers = chatty.getList(chatty.fieldIndex("imdsv1_callers"));
    assertThat(callers).hasSize(1);
    assertThat(callers.get(0).getString(0)).isEqualTo("i-c2");
    assertThat(callers.get(0).getLong(1)).isEqualTo(12L);

    // No metrics at all: unknown everywhere but where enforced.
    Dataset<Row> none = Imds.derive(state(), Instances.derive(events()),
        spark().createDataFrame(List.of(), MetricStreams.METRICS), null, null);
    assertThat(none.filter(col("verdict").equalTo(Imds.UNKNOWN)).count()).isEqualTo(4);

    Dataset<Row> f = Imds.findings(imds);
    assertThat(f.schema().fieldNames()).isEqualTo(FindingSchema.FINDINGS.fieldNames());
    assertThat(f.filter(col("rule_id").equalTo(Coverage.IMDSV2_NOT_ENFORCED)).count()).isEqualTo(4);
    assertThat(f.filter(col("environment").equalTo("hardened")).count()).isZero();
    Row c = f.filter(col("environment").equalTo("chatty")).first();
    assertThat((String) c.getAs("severity")).isEqualTo("high");
    assertThat((String) c.getAs("detail")).contains("blocked_by_imdsv1_callers").contains("i-c2 (12)")
        .contains("last changed by " + OPS);
    assertThat((String) c.getAs("evidence")).contains("\"verdict\":\"blocked_by_imdsv1_callers\"").contains("\"calls\":12");
    assertThat(c.getList(c.fieldIndex("compliance"))).contains("Security Hub EC2.8");
    Row q = f.filter(col("environment").equalTo("quiet")).first();
    assertThat((String) q.getAs("detail")).contains("verdict safe_to_enforce").contains("never set: default");
    Row d = f.filter(col("environment").equalTo("dark")).first();
    assertThat((String) d.getAs("evidence")).contains("\"verdict\":\"unknown\"");
  }
}
