package io.ebaudit.permissions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.testing.SparkSuite;
import io.ebaudit.trail.EventSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Usage, denied, verdicts, findings and policies on a small events fixture and export (ours). */
public class PermissionsStageTest extends SparkSuite {
  @org.junit.Rule public TemporaryFolder tmp = new TemporaryFolder();

  static final String ACCOUNT = "111122223333";
  static final String DEPLOYER = "arn:aws:iam::" + ACCOUNT + ":role/deployer";
  static final String EC2_ROLE = "arn:aws:iam::" + ACCOUNT + ":role/aws-elasticbeanstalk-ec2-role";
  private static final ObjectMapper JSON = new ObjectMapper();

  static String event(String id, String time, String principal, String source, String name, String action,
      String region, String errorCode, String requestParameters, String resourceArn) {
    Map<String, Object> e = new HashMap<>();
    e.put("event_id", id);
    e.put("event_time", time);
    e.put("event_source", source);
    e.put("event_name", name);
    e.put("aws_region", region);
    e.put("principal_arn", principal);
    e.put("principal_kind", principal.contains(":role/") ? "role" : "user");
    e.put("iam_action", action);
    e.put("failed", errorCode != null);
    e.put("error_code", errorCode);
    e.put("request_parameters", requestParameters);
    e.put("resources", resourceArn == null ? List.of() : List.of(Map.of("arn", resourceArn, "type", "x")));
    e.put("source_object", "fixture");
    e.put("event_date", time.substring(0, 10));
    try {
      return JSON.writeValueAsString(e);
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }

  static String update(String namespace, String option, String value) {
    return "{\"environmentName\":\"shop-prod\",\"optionSettings\":[{\"namespace\":\"" + namespace
        + "\",\"optionName\":\"" + option + "\",\"value\":\"" + value + "\"}]}";
  }

  Dataset<Row> events() {
    String eb = "elasticbeanstalk.amazonaws.com";
    List<String> lines = List.of(
        event("e1", "2026-11-01T10:00:00Z", DEPLOYER, "s3.amazonaws.com", "ListBuckets", "s3:ListAllMyBuckets", "us-east-1", null, null, null),
        event("e2", "2026-11-02T10:00:00Z", DEPLOYER, eb, "DescribeEnvironments", "elasticbeanstalk:DescribeEnvironments", "us-east-1", null, null, null),
        event("e3", "2026-11-03T10:00:00Z", DEPLOYER, eb, "DescribeEnvironments", "elasticbeanstalk:DescribeEnvironments", "eu-west-1", null, null, null),
        // Not granted by the export: used_not_granted. Sets the instance profile: PassRole inferred.
        event("e4", "2026-11-04T10:00:00Z", DEPLOYER, eb, "UpdateEnvironment", "elasticbeanstalk:UpdateEnvironment", "us-east-1", null,
            update("aws:autoscaling:launchconfiguration", "IamInstanceProfile", "aws-elasticbeanstalk-ec2-profile"),
            "arn:aws:elasticbeanstalk:us-east-1:" + ACCOUNT + ":environment/shop/shop-prod"),
        // Denied: never use.
        event("e5", "2026-11-05T10:00:00Z", DEPLOYER, "s3.amazonaws.com", "CreateBucket", "s3:CreateBucket", "us-east-1", "AccessDenied", null, null),
        event("e6", "2026-11-05T10:01:00Z", DEPLOYER, "s3.amazonaws.com", "CreateBucket", "s3:CreateBucket", "us-east-1", "AccessDenied", null, null),
        // A failed UpdateEnvironment setting a role: no PassRole use.
        event("e7", "2026-11-06T10:00:00Z", DEPLOYER, eb, "UpdateEnvironment", "elasticbeanstalk:UpdateEnvironment", "us-east-1",
            "InvalidParameterValue", update("aws:elasticbeanstalk:environment", "ServiceRole", "other-role"), null),
        // Throttled: neither used nor denied.
        event("e8", "2026-11-07T10:00:00Z", DEPLOYER, "s3.amazonaws.com", "DeleteBucket", "s3:DeleteBucket", "us-east-1", "Throttling", null, null));
    return spark().read().schema(EventSchema.EVENTS).json(spark().createDataset(lines, Encoders.STRING()));
  }

  static final String EXPORT = """
      {"UserDetailList":[
        {"UserName":"idle","Arn":"arn:aws:iam::111122223333:user/idle","GroupList":[],"AttachedManagedPolicies":[],
         "UserPolicyList":[{"PolicyName":"ro","PolicyDocument":{"Version":"2012-10-17","Statement":[
           {"Effect":"Allow","Action":"elasticbeanstalk:Describe*","Resource":"*"}]}}]},
        {"UserName":"boss","Arn":"arn:aws:iam::111122223333:user/boss","GroupList":[],"AttachedManagedPolicies":[],
         "UserPolicyList":[{"PolicyName":"all","PolicyDocument":{"Version":"2012-10-17","Statement":[
           {"Effect":"Allow","Action":"*","Resource":"*"}]}}]}],
       "GroupDetailList":[],
       "RoleDetailList":[
        {"RoleName":"deployer","Arn":"arn:aws:iam::111122223333:role/deployer","AttachedManagedPolicies":[],"InstanceProfileList":[],
         "RolePolicyList":[{"PolicyName":"deploy","PolicyDocument":{"Version":"2012-10-17","Statement":[
           {"Effect":"Allow","Action":"s3:*","Resource":"*"},
           {"Effect":"Allow","Action":"iam:PassRole","Resource":"*"},
           {"Effect":"Allow","Action":"elasticbeanstalk:Describe*","Resource":"*"}]}}]},
        {"RoleName":"aws-elasticbeanstalk-ec2-role","Arn":"arn:aws:iam::111122223333:role/aws-elasticbeanstalk-ec2-role",
         "AttachedManagedPolicies":[],"RolePolicyList":[],
         "InstanceProfileList":[{"InstanceProfileName":"aws-elasticbeanstalk-ec2-profile",
           "Arn":"arn:aws:iam::111122223333:instance-profile/aws-elasticbeanstalk-ec2-profile"}]}],
       "Policies":[]}
      """;

  private Map<String, Row> byAction(Dataset<Row> df, String principal) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : df.where(df.col("principal_arn").equalTo(principal)).collectAsList()) {
      out.put(r.getAs("iam_action"), r);
    }
    return out;
  }

  @Test
  public void deniedCallsAreNotUseAndPassRoleIsInferred() {
    Dataset<Row> events = events();
    Map<String, Row> usage = byAction(Usage.derive(events), DEPLOYER);
    assertThat(usage).doesNotContainKeys("s3:CreateBucket", "s3:DeleteBucket");
    assertThat(usage).containsKeys("s3:ListAllMyBuckets", "elasticbeanstalk:UpdateEnvironment", "iam:PassRole");
    Row describe = usage.get("elasticbeanstalk:DescribeEnvironments");
    assertThat(describe.<Long>getAs("count")).isEqualTo(2L);
    assertThat(describe.getList(describe.fieldIndex("regions"))).containsExactly("eu-west-1", "us-east-1");
    Row pass = usage.get("iam:PassRole");
    assertThat(pass.<Long>getAs("count")).isEqualTo(1L); // the failed ServiceRole change is not a use
    assertThat(pass.getList(pass.fieldIndex("resources"))).containsExactly("aws-elasticbeanstalk-ec2-profile");
    assertThat(pass.<Boolean>getAs("inferred")).isTrue();
    Row update = usage.get("elasticbeanstalk:UpdateEnvironment");
    assertThat(update.getList(update.fieldIndex("resources")))
        .containsExactly("arn:aws:elasticbeanstalk:us-east-1:" + ACCOUNT + ":environment/shop/shop-prod");

    Map<String, Row> denied = byAction(Usage.denied(events), DEPLOYER);
    assertThat(denied).containsOnlyKeys("s3:CreateBucket");
    Row d = denied.get("s3:CreateBucket");
    assertThat(d.<Long>getAs("count")).isEqualTo(2L);
    assertThat(d.getList(d.fieldIndex("error_codes"))).containsExactly("AccessDenied");
  }

  @Test
  public void stageWritesVerdictsFindingsAndPolicies() throws Exception {
    Path iam = tmp.newFolder("iam").toPath();
    Files.writeString(iam.resolve("account.json"), EXPORT);
    Path out = tmp.newFolder("out").toPath();
    Dataset<Row> findings = PermissionsJob.run(spark(), out.toString(), events(), List.of(iam.toString()));

    Dataset<Row> verdicts = spark().read().schema(Verdicts.VERDICTS).parquet(out.resolve("permissions/verdicts").toString());
    Map<String, Row> v = byAction(verdicts, DEPLOYER);
    assertThat(v.get("s3:ListAllMyBuckets").<String>getAs("state")).isEqualTo(Verdicts.USED);
    assertThat(v.get("s3:ListAllMyBuckets").<String>getAs("granted_access")).isEqualTo("GRANTED");
    assertThat(v.get("elasticbeanstalk:DescribeEnvironments").<String>getAs("state")).isEqualTo(Verdicts.USED);
    assertThat(v.get("elasticbeanstalk:DescribeEvents").<String>getAs("state")).isEqualTo(Verdicts.UNUSED);
    assertThat(v.get("elasticbeanstalk:UpdateEnvironment").<String>getAs("state")).isEqualTo(Verdicts.USED_NOT_GRANTED);
    assertThat(v.get("s3:CreateBucket").<String>getAs("state")).isEqualTo(Verdicts.UNUSED); // denied ≠ used
    assertThat(v.get("s3:GetObject").<String>getAs("state")).isEqualTo(Verdicts.UNOBSERVABLE);
    assertThat(v.get("iam:PassRole").<String>getAs("state")).isEqualTo(Verdicts.USED);
    assertThat(v.get("s3:GetObject").<String>getAs("notes")).contains("permission boundaries and SCPs were not evaluated");
    // Unobservable actions are never unused.
    for (Row r : verdicts.where("state = 'unused'").collectAsList()) {
      assertThat(Verdicts.unobservable(io.ebaudit.iam.ActionCatalog.standard(), r.getAs("iam_action")))
          .as("%s", (Object) r.getAs("iam_action")).isFalse();
    }
    assertThat(verdicts.where("principal_arn like '%user/idle' and principal_active").count()).isZero();

    Map<String, List<String>> byRule = new HashMap<>();
    for (Row f : findings.collectAsList()) {
      byRule.computeIfAbsent(f.getAs("rule_id"), k -> new ArrayList<>()).add(f.getAs("principal_arn"));
    }
    assertThat(byRule.get("iam_passrole_wildcard")).contains(DEPLOYER);
    assertThat(byRule.get("iam_admin_like_grant")).containsExactly("arn:aws:iam::" + ACCOUNT + ":user/boss");
    assertThat(byRule.get("iam_unused_permissions")).containsExactly(DEPLOYER);
    assertThat(byRule.get("iam_unused_principal")).contains("arn:aws:iam::" + ACCOUNT + ":user/idle")
        .doesNotContain(DEPLOYER);
    assertThat(byRule.get("iam_used_not_granted")).containsExactly(DEPLOYER);
    Row idle = findings.where("rule_id = 'iam_unused_principal' and principal_arn like '%user/idle'").first();
    assertThat(idle.<String>getAs("remediation")).isEqualTo("aws iam get-user --user-name idle --query User.PasswordLastUsed");
    Row unused = findings.where("rule_id = 'iam_unused_permissions'").first();
    assertThat(unused.<String>getAs("detail")).contains("% unused");
    assertThat(unused.<String>getAs("remediation")).contains("put-role-policy --role-name deployer")
        .contains("/deployer.json");
    assertThat(findings.select("finding_id").distinct().count()).isEqualTo(findings.count());
    assertThat(findings.schema()).isEqualTo(FindingSchema.FINDINGS);

    Path policies = out.resolve("permissions/policies");
    String text = Files.readString(policies.resolve(ACCOUNT + "/deployer.json"));
    assertThat(text.length()).isLessThanOrEqualTo(RecommendedPolicy.MAX_CHARS);
    JsonNode doc = JSON.readTree(text);
    assertThat(doc.path("Version").asText()).isEqualTo("2012-10-17");
    List<String> actions = new ArrayList<>();
    for (JsonNode s : doc.path("Statement")) {
      assertThat(s.path("Effect").asText()).isEqualTo("Allow");
      List<String> services = new ArrayList<>();
      s.path("Action").forEach(a -> {
        actions.add(a.asText());
        services.add(a.asText().substring(0, a.asText().indexOf(':')));
      });
      assertThat(services.stream().distinct().count()).as("one service per statement").isEqualTo(1);
      if (s.path("Action").toString().contains("iam:PassRole")) {
        assertThat(s.path("Resource").asText()).isEqualTo(EC2_ROLE);
      }
    }
    assertThat(actions).contains("s3:ListAllMyBuckets", "elasticbeanstalk:DescribeEnvironments", "iam:PassRole",
        "s3:GetObject", "s3:PutObject");
    assertThat(actions).doesNotContain("elasticbeanstalk:DescribeEvents", "s3:CreateBucket",
        "elasticbeanstalk:UpdateEnvironment");
    JsonNode notes = JSON.readTree(Files.readString(policies.resolve(ACCOUNT + "/deployer.notes.json")));
    List<String> removed = new ArrayList<>();
    notes.path("removed_actions").forEach(a -> removed.add(a.asText()));
    assertThat(removed).contains("s3:CreateBucket", "elasticbeanstalk:DescribeEvents").doesNotContain("s3:GetObject", "iam:PassRole");
    assertThat(notes.path("unobservable_kept").toString()).contains("s3:GetObject");
    assertThat(notes.path("window").path("from").asText()).startsWith("2026-11-01");
    assertThat(Files.exists(policies.resolve(ACCOUNT + "/idle.json"))).isFalse(); // no usage, no policy
    assertThat(Files.exists(policies.resolve(ACCOUNT + "/idle.notes.json"))).isFalse();
  }

  @Test
  public void withoutIamExportsOnlyUsageAndDeniedAreWritten() throws Exception {
    Path out = tmp.newFolder("plain").toPath();
    Dataset<Row> findings = PermissionsJob.run(spark(), out.toString(), events(), List.of());
    assertThat(findings.count()).isZero();
    assertThat(Files.isDirectory(out.resolve("permissions/usage"))).isTrue();
    assertThat(Files.isDirectory(out.resolve("permissions/denied"))).isTrue();
    assertThat(Files.exists(out.resolve("permissions/verdicts"))).isFalse();
    assertThat(Files.exists(out.resolve("permissions/policies"))).isFalse();
  }
}
