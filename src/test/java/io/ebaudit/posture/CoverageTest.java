package io.ebaudit.posture;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.report.FindingIds;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.testing.SparkSuite;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.Test;

public class CoverageTest extends SparkSuite {
  static final String OPS = "arn:aws:iam::111122223333:role/ops";
  static final String DOC = "{\"Version\":1,\"CloudWatchMetrics\":{\"Environment\":{\"ApplicationRequests5xx\":60,"
      + "\"ApplicationLatencyP99\":60}}}";

  private Dataset<Row> state() {
    return new PostureFixture()
        // Everything on.
        .set("hardened", Coverage.HEALTH, "SystemType", "enhanced", OPS, "2026-11-02 10:00:00")
        .set("hardened", Platforms.MANAGED_ACTIONS, "ManagedActionsEnabled", "true", OPS, "2026-11-02 10:00:00")
        .set("hardened", Coverage.LOGS, "StreamLogs", "TRUE", OPS, "2026-11-02 10:00:00")
        .set("hardened", Coverage.LOGS, "RetentionInDays", "365", OPS, "2026-11-02 10:00:00")
        .set("hardened", Coverage.HEALTH_LOGS, "HealthStreamingEnabled", "true", OPS, "2026-11-02 10:00:00")
        .set("hardened", Coverage.HEALTH, "ConfigDocument", DOC, OPS, "2026-11-02 10:00:00")
        .set("hardened", Coverage.LAUNCH, "DisableIMDSv1", "true", OPS, "2026-11-02 10:00:00")
        // Turned off by someone, defaults left alone, a document without the metrics.
        .set("loose", Coverage.HEALTH, "SystemType", "basic", OPS, "2026-11-03 09:30:00")
        .set("loose", Platforms.MANAGED_ACTIONS, "ManagedActionsEnabled", "false", OPS, "2026-11-03 09:30:00")
        .byDefault("loose", Coverage.LAUNCH, "DisableIMDSv1", "false")
        .set("loose", Coverage.HEALTH, "ConfigDocument", "{\"Version\":1,\"Rules\":{}}", OPS, "2026-11-03 09:30:00")
        // Nothing known at all but its platform.
        .platform("bare", "PlatformArn", "arn:aws:elasticbeanstalk:us-east-1::platform/Docker running on 64bit Amazon Linux 2/3.0.0",
            "2026-11-04 10:00:00")
        // Terminated: no coverage.
        .set("gone", Coverage.HEALTH, "SystemType", "basic", OPS, "2026-11-03 09:30:00")
        .platform("gone", "Status", "Terminated", "2026-11-05 10:00:00")
        .build(spark());
  }

  @Test
  public void coverageReadsEachSettingWithWhoChangedIt() {
    Map<String, Row> c = Coverage.derive(state()).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getAs("environment_name"), r -> r));
    assertThat(c.keySet()).containsExactlyInAnyOrder("hardened", "loose", "bare");
    Row h = c.get("hardened");
    for (String s : new String[] {"enhanced_health", "managed_updates", "log_streaming", "health_streaming",
        "health_metrics_configured", "imdsv1_disabled"}) {
      assertThat((Boolean) h.getAs(s)).as(s).isTrue();
      assertThat((Boolean) c.get("bare").getAs(s)).as(s).isFalse();
    }
    assertThat((Integer) h.getAs("retention_days")).isEqualTo(365);
    assertThat((String) h.getAs("log_streaming_changed_by")).isEqualTo(OPS);
    Row l = c.get("loose");
    assertThat((Boolean) l.getAs("enhanced_health")).isFalse();
    assertThat((Boolean) l.getAs("health_metrics_configured")).isFalse();
    assertThat((String) l.getAs("enhanced_health_changed_by")).isEqualTo(OPS);
    assertThat(l.getAs("enhanced_health_changed_time").toString()).startsWith("2026-11-03 09:30:00");
    // A default nobody set has no author.
    assertThat((String) l.getAs("imdsv1_disabled_value")).isEqualTo("false");
    assertThat((String) l.getAs("imdsv1_disabled_changed_by")).isNull();
    assertThat((Object) l.getAs("retention_days")).isNull();
  }

  @Test
  public void findingsNameWhoTurnedASettingOffOrThatItWasNeverSet() {
    Dataset<Row> f = Coverage.findings(Coverage.derive(state()));
    assertThat(f.schema().fieldNames()).isEqualTo(FindingSchema.FINDINGS.fieldNames());
    assertThat(f.filter(col("environment").equalTo("hardened")).count()).isZero();
    assertThat(f.filter(col("environment").equalTo("bare")).select("rule_id").as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList()).containsExactlyInAnyOrderElementsOf(Coverage.RULE_IDS.stream()
            .filter(id -> !id.equals(Coverage.IMDSV2_NOT_ENFORCED)).toList());
    assertThat(f.filter(col("environment").equalTo("loose")).count()).isEqualTo(4);
    // IMDSv2 is Imds.findings' (with its verdict): none here, so no duplicate.
    assertThat(f.filter(col("rule_id").equalTo(Coverage.IMDSV2_NOT_ENFORCED)).count()).isZero();

    Row health = f.filter(col("environment").equalTo("loose").and(col("rule_id").equalTo(Coverage.ENHANCED_HEALTH_OFF))).first();
    assertThat((String) health.getAs("severity")).isEqualTo("low");
    assertThat((String) health.getAs("detail")).contains("health reporting is basic")
        .contains("last changed by " + OPS + " at 2026-11-03T09:30:00Z");
    assertThat((String) health.getAs("principal_arn")).isEqualTo(OPS);
    assertThat(health.getList(health.fieldIndex("compliance"))).contains("Security Hub ElasticBeanstalk.1");
    assertThat((String) health.getAs("remediation")).startsWith("aws elasticbeanstalk update-environment --environment-name loose ");
    assertThat((String) health.getAs("finding_id"))
        .isEqualTo(FindingIds.findingId(Coverage.ENHANCED_HEALTH_OFF, PostureFixture.ACCOUNT, PostureFixture.REGION, "loose"));

    Row logs = f.filter(col("environment").equalTo("bare").and(col("rule_id").equalTo(Coverage.LOG_STREAMING_OFF))).first();
    assertThat((String) logs.getAs("severity")).isEqualTo("high");
    assertThat((String) logs.getAs("detail")).contains("StreamLogs=false, default").contains("never set: default");
    assertThat(logs.getList(logs.fieldIndex("compliance"))).contains("Security Hub ElasticBeanstalk.3");
    Row updates = f.filter(col("environment").equalTo("loose").and(col("rule_id").equalTo(Coverage.MANAGED_UPDATES_OFF))).first();
    assertThat(updates.getList(updates.fieldIndex("compliance"))).contains("Security Hub ElasticBeanstalk.2");
    Row metrics = f.filter(col("environment").equalTo("loose").and(col("rule_id").equalTo(Coverage.HEALTH_METRICS_MISSING))).first();
    assertThat((String) metrics.getAs("detail")).contains("does not publish both");
    assertThat(BeanstalkSchemas.ENVIRONMENT_NAMESPACE).isNotNull();
  }
}
