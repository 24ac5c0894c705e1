package io.ebaudit.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.junit.jupiter.api.Test;

/** ASFF batching and resources, OCSF classes, on hand-made finding rows. */
class SecurityExportsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-11-30T06:00:00Z");

  static Row finding(String id, String rule, String account, String region, String env, String principal, String title) {
    Object[] v = {id, rule, "high", "open", account, region, env == null ? null : "app", env, null, principal,
        scala.collection.JavaConverters.asScalaBuffer(List.of("ev-" + id)).toSeq(),
        Timestamp.from(Instant.parse("2026-11-24T10:00:00Z")), Timestamp.from(Instant.parse("2026-11-25T10:00:00Z")),
        title, "detail", "{\"k\":\"v\"}", "aws elasticbeanstalk update-environment",
        scala.collection.JavaConverters.asScalaBuffer(List.of("Security Hub EC2.8", "NIST 800-53 AC-3")).toSeq(),
        null, null};
    return new GenericRowWithSchema(v, FindingSchema.FINDINGS);
  }

  private static SecurityExports.Input input(List<Row> rows) {
    return new SecurityExports.Input(rows, List.of(), Map.of(), NOW, "2026-11-29", "test", "us-east-1");
  }

  @Test
  void asffBatchesHoldAtMostAHundredFindingsOfOneAccountAndRegion() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      rows.add(finding(String.format("%032d", i), "eb_imdsv1_enabled", "111122223333", "us-east-1", "env-" + i, null, "t"));
    }
    rows.add(finding(String.format("%032d", 900), "iam_admin_like_grant", "444455556666", null, null,
        "arn:aws:iam::444455556666:role/ci", "x".repeat(400)));
    rows.add(finding(String.format("%032d", 901), "eb_x", null, "us-east-1", "e", null, "no account"));
    List<SecurityExports.Document> docs = SecurityExports.asff(input(rows));
    assertThat(docs).extracting(SecurityExports.Document::name).containsExactly(
        "111122223333-us-east-1-0001.json", "111122223333-us-east-1-0002.json", "111122223333-us-east-1-0003.json",
        "444455556666-us-east-1-0001.json");
    assertThat(docs).extracting(SecurityExports.Document::findings).containsExactly(100, 100, 50, 1);
    JsonNode iam = JSON.readTree(docs.get(3).content()).get(0);
    assertThat(iam.path("Region").asText()).isEqualTo("us-east-1");
    assertThat(iam.path("Title").asText()).hasSize(256);
    assertThat(iam.path("Resources").get(0).path("Type").asText()).isEqualTo("AwsIamRole");
    assertThat(iam.path("Resources").get(0).path("Id").asText()).isEqualTo("arn:aws:iam::444455556666:role/ci");
    JsonNode env = JSON.readTree(docs.get(0).content()).get(0);
    assertThat(env.path("Resources").get(0).path("Id").asText())
        .isEqualTo("arn:aws:elasticbeanstalk:us-east-1:111122223333:environment/app/env-0");
    assertThat(env.path("Compliance").path("RelatedRequirements")).hasSize(2);
    assertThat(env.path("Types").toString()).contains("NIST 800-53 Controls");
    assertThat(env.path("CreatedAt").asText()).isEqualTo("2026-11-24T10:00:00Z");
    assertThat(env.path("UpdatedAt").asText()).isEqualTo("2026-11-30T06:00:00Z");
  }

  @Test
  void changesAreDetectionFindingsAndStatesAreComplianceFindings() throws Exception {
    List<Row> rows = List.of(
        finding("a".repeat(32), "eb_change_by_root", "111122223333", "eu-west-1", "api-prod", "arn:aws:iam::111122223333:root", "root"),
        finding("b".repeat(32), "eb_imdsv2_not_enforced", "111122223333", "eu-west-1", "api-prod", null, "imds"));
    List<SecurityExports.Document> docs = SecurityExports.ocsf(input(rows));
    assertThat(docs).extracting(SecurityExports.Document::name).containsExactly(
        "compliance_finding-111122223333-eu-west-1-0001.json", "detection_finding-111122223333-eu-west-1-0001.json");
    JsonNode compliance = JSON.readTree(docs.get(0).content().trim());
    JsonNode detection = JSON.readTree(docs.get(1).content().trim());
    assertThat(detection.path("class_uid").asInt()).isEqualTo(2004);
    assertThat(detection.path("type_uid").asLong()).isEqualTo(200401);
    assertThat(detection.path("finding_info").path("related_events").get(0).path("uid").asText()).isEqualTo("ev-" + "a".repeat(32));
    assertThat(compliance.path("class_uid").asInt()).isEqualTo(2003);
    assertThat(compliance.path("compliance").path("control").asText()).isEqualTo("EC2.8");
    assertThat(compliance.path("compliance").path("standards").toString())
        .contains("AWS Foundational Security Best Practices", "NIST SP 800-53 Rev. 5");
    assertThat(compliance.path("severity_id").asInt()).isEqualTo(4);
  }
}
