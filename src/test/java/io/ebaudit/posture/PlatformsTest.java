package io.ebaudit.posture;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.platforms.PlatformCatalog;
import io.ebaudit.platforms.Staleness;
import io.ebaudit.report.FindingIds;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.testing.SparkSuite;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.Test;

public class PlatformsTest extends SparkSuite {
  static final LocalDate TODAY = LocalDate.of(2026, 11, 30);
  static final String AL2_PY = "Python 3.7 running on 64bit Amazon Linux 2";
  static final String NODE = "Node.js 14 running on 64bit Amazon Linux 2";
  static final String PY311 = "Python 3.11 running on 64bit Amazon Linux 2023";

  /** The reference catalog plus an export with a deprecated and a supported branch. */
  static PlatformCatalog catalog() throws Exception {
    String ref;
    try (InputStream in = PlatformCatalog.class.getClassLoader().getResourceAsStream(PlatformCatalog.REFERENCE_RESOURCE)) {
      ref = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String extra = "{\"PlatformBranchSummaryList\":["
        + "{\"BranchName\":\"" + NODE + "\",\"LifecycleState\":\"Deprecated\",\"RetirementDate\":\"2027-06-30\"},"
        + "{\"BranchName\":\"" + PY311 + "\",\"LifecycleState\":\"Supported\"}],"
        + "\"PlatformSummaryList\":["
        + arn(NODE, "5.8.0", null) + "," + arn(NODE, "5.9.0", "Recommended") + ","
        + arn(PY311, "4.0.0", null) + "," + arn(PY311, "4.0.1", null) + "," + arn(PY311, "4.1.0", "Recommended") + "]}";
    return PlatformCatalog.parse(ref, extra);
  }

  static String arn(String branch, String v, String state) {
    return "{\"PlatformArn\":\"arn:aws:elasticbeanstalk:us-east-1::platform/" + branch + "/" + v
        + "\",\"PlatformLifecycleState\":" + (state == null ? "null" : "\"" + state + "\"") + "}";
  }

  static Dataset<Row> state(org.apache.spark.sql.SparkSession spark) {
    String mgd = Platforms.MANAGED_ACTIONS;
    return new PostureFixture()
        .platform("current", "PlatformArn", "arn:aws:elasticbeanstalk:us-east-1::platform/" + AL2_PY + "/3.0.0",
            "2026-11-02 10:00:00")
        .platform("node", "PlatformArn", "arn:aws:elasticbeanstalk:us-east-1::platform/" + NODE + "/5.8.0",
            "2026-11-03 10:00:00")
        .platform("legacy", "SolutionStackName", "64bit Amazon Linux 2017.03 v2.5.0 running Docker 17.03.1-ce",
            "2026-11-04 10:00:00")
        .platform("py", "PlatformArn", "arn:aws:elasticbeanstalk:us-east-1::platform/" + PY311 + "/4.0.0",
            "2026-11-05 10:00:00")
        .set("py", mgd, "ManagedActionsEnabled", "true", "arn:aws:iam::111122223333:role/ops", "2026-11-05 11:00:00")
        .set("py", Platforms.PLATFORM_UPDATE, "UpdateLevel", "patch", "arn:aws:iam::111122223333:role/ops", "2026-11-05 11:00:00")
        .platform("mystery", "PlatformArn", "arn:aws:elasticbeanstalk:us-east-1::platform/Cobol 1 running on 64bit Amazon Linux 2/1.0.0",
            "2026-11-06 10:00:00")
        .set("nothing", mgd, "ManagedActionsEnabled", "false", "arn:aws:iam::111122223333:role/ops", "2026-11-06 11:00:00")
        .platform("gone", "PlatformArn", "arn:aws:elasticbeanstalk:us-east-1::platform/" + NODE + "/5.8.0", "2026-11-01 10:00:00")
        .platform("gone", "Status", "Terminated", "2026-11-07 10:00:00")
        .build(spark);
  }

  @Test
  public void eachLiveEnvironmentIsAssessedAgainstTheCatalog() throws Exception {
    PlatformCatalog catalog = catalog();
    Dataset<Row> p = Platforms.derive(state(spark()), catalog, TODAY);
    assertThat(p.schema()).isEqualTo(Platforms.PLATFORMS);
    Map<String, Row> byEnv = p.collectAsList().stream().collect(Collectors.toMap(r -> r.getAs("environment_name"), r -> r));
    assertThat(byEnv.keySet()).containsExactlyInAnyOrder("current", "node", "legacy", "py", "mystery", "nothing");

    Row current = byEnv.get("current");
    assertThat((String) current.getAs("finding_id")).isNull();
    assertThat((String) current.getAs("branch_lifecycle")).isEqualTo("beta");

    Row node = byEnv.get("node");
    assertThat((String) node.getAs("finding_id")).isEqualTo(Staleness.DEPRECATED);
    assertThat((String) node.getAs("severity")).isEqualTo("medium");
    assertThat(node.getAs("retirement_date").toString()).isEqualTo("2027-06-30");
    assertThat(node.getAs("on_version_since").toString()).startsWith("2026-11-03 10:00:00");

    Row legacy = byEnv.get("legacy");
    assertThat((String) legacy.getAs("branch")).isEqualTo("Docker running on 64bit Amazon Linux");
    assertThat((String) legacy.getAs("finding_id")).isEqualTo(Staleness.RETIRED);
    assertThat((String) legacy.getAs("severity")).isEqualTo("critical"); // 2022-06-30 + 90 days is long past
    assertThat(legacy.getAs("deadline").toString()).isEqualTo("2022-09-28");
    assertThat((String) legacy.getAs("current_version")).isEqualTo("2.5.0");

    Row py = byEnv.get("py");
    assertThat((String) py.getAs("finding_id")).isEqualTo(Staleness.OUTDATED);
    assertThat((String) py.getAs("target_version")).isEqualTo("4.1.0");
    assertThat((Integer) py.getAs("minor_behind")).isEqualTo(1);
    assertThat((Integer) py.getAs("versions_behind")).isEqualTo(2);
    assertThat((Boolean) py.getAs("managed_updates_enabled")).isTrue();
    assertThat((String) py.getAs("update_level")).isEqualTo("patch");
    assertThat((Boolean) py.getAs("managed_updates_reach")).isFalse(); // patch never applies a minor
    assertThat((String) py.getAs("severity")).isEqualTo("medium");

    assertThat((String) byEnv.get("mystery").getAs("finding_id")).isEqualTo(Staleness.UNKNOWN);
    assertThat((String) byEnv.get("mystery").getAs("severity")).isEqualTo("low");
    assertThat((String) byEnv.get("nothing").getAs("finding_id")).isEqualTo(Staleness.UNKNOWN);
    assertThat((String) byEnv.get("nothing").getAs("severity")).isEqualTo("info");
    assertThat((String) byEnv.get("nothing").getAs("platform_arn")).isNull();
    assertThat((String) p.first().getAs("catalog_source")).isEqualTo(catalog.source());
  }

  @Test
  public void theReferenceCatalogAloneKnowsTheRetiredDockerBranch() {
    Dataset<Row> p = Platforms.derive(state(spark()), PlatformCatalog.reference(), TODAY);
    Row legacy = p.filter(col("environment_name").equalTo("legacy")).first();
    assertThat((String) legacy.getAs("finding_id")).isEqualTo(Staleness.RETIRED);
    assertThat(legacy.getAs("catalog_as_of").toString()).isEqualTo("2023-06-15");
    // Not in the reference: the Node.js 14 branch is unknown there.
    assertThat((String) p.filter(col("environment_name").equalTo("node")).first().getAs("finding_id"))
        .isEqualTo(Staleness.UNKNOWN);
  }

  @Test
  public void findingsCarryTitlesRemediationAndStableIds() throws Exception {
    Dataset<Row> f = Platforms.findings(Platforms.derive(state(spark()), catalog(), TODAY));
    assertThat(f.schema().fieldNames()).isEqualTo(FindingSchema.FINDINGS.fieldNames());
    Map<String, Row> byEnv = f.collectAsList().stream().collect(Collectors.toMap(r -> r.getAs("environment"), r -> r));
    assertThat(byEnv.keySet()).containsExactlyInAnyOrder("node", "legacy", "py", "mystery", "nothing");

    Row py = byEnv.get("py");
    assertThat((String) py.getAs("title")).isEqualTo("Platform version behind its branch");
    assertThat((String) py.getAs("remediation")).isEqualTo("aws elasticbeanstalk update-environment --environment-name py"
        + " --platform-arn \"arn:aws:elasticbeanstalk:us-east-1::platform/" + PY311 + "/4.1.0\"");
    assertThat((String) py.getAs("detail")).contains("4.0.0").contains("target 4.1.0").contains("1 minor")
        .contains("2 catalog version(s) behind").contains("UpdateLevel patch");
    assertThat((String) py.getAs("finding_id"))
        .isEqualTo(FindingIds.findingId(Staleness.OUTDATED, PostureFixture.ACCOUNT, PostureFixture.REGION, "py"));
    assertThat(py.getList(py.fieldIndex("compliance"))).containsExactly("Security Hub ElasticBeanstalk.2", "NIST 800-53 SI-2");
    assertThat(py.getList(py.fieldIndex("event_ids"))).isEmpty();
    assertThat((String) py.getAs("status")).isEqualTo(FindingSchema.OPEN);
    assertThat((String) py.getAs("evidence")).contains("\"target_version\":\"4.1.0\"");

    Row legacy = byEnv.get("legacy");
    assertThat((String) legacy.getAs("rule_id")).isEqualTo(Staleness.RETIRED);
    assertThat((String) legacy.getAs("severity")).isEqualTo("critical");
    assertThat((String) legacy.getAs("remediation")).contains("--solution-stack-name");
    assertThat((String) byEnv.get("node").getAs("remediation")).contains("--platform-arn");
    assertThat((String) byEnv.get("mystery").getAs("title")).isNotBlank();
    List<String> ids = f.select("finding_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(ids).doesNotHaveDuplicates().allMatch(s -> s.length() == FindingIds.LENGTH);
    assertThat(BeanstalkSchemas.ENVIRONMENT_NAMESPACE).isNotNull();
  }
}
