package io.ebaudit.permissions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ebaudit.iam.ActionCatalog;
import io.ebaudit.iam.AuthorizationDetails;
import io.ebaudit.permissions.Verdicts.PrincipalVerdicts;
import io.ebaudit.permissions.Verdicts.Use;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Recommended policies: valid, grouped, under IAM's size limit even for hundreds of actions; safe file names. */
class RecommendedPolicyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ARN = "arn:aws:iam::111122223333:role/ci";
  private static final Instant FROM = Instant.parse("2026-08-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-11-01T00:00:00Z");

  private static AuthorizationDetails export(String action) {
    return AuthorizationDetails.parse("""
        {"UserDetailList":[],"GroupDetailList":[],"Policies":[],"RoleDetailList":[
          {"RoleName":"ci","Arn":"%s","AttachedManagedPolicies":[],"InstanceProfileList":[],
           "RolePolicyList":[{"PolicyName":"p","PolicyDocument":{"Version":"2012-10-17","Statement":[
             {"Effect":"Allow","Action":"%s","Resource":"*"}]}}]}]}
        """.formatted(ARN, action));
  }

  private static Use use(String action, List<String> resources) {
    Timestamp t = Timestamp.from(Instant.parse("2026-10-01T00:00:00Z"));
    return new Use(ARN, action, 3, t, t, List.of("us-east-1"), resources);
  }

  private static List<JsonNode> check(RecommendedPolicy.Result r) throws Exception {
    List<JsonNode> docs = new ArrayList<>();
    for (String d : r.documents()) {
      assertThat(d.length()).isLessThanOrEqualTo(RecommendedPolicy.MAX_CHARS);
      JsonNode doc = JSON.readTree(d);
      assertThat(doc.path("Version").asText()).isEqualTo("2012-10-17");
      assertThat(doc.path("Statement").isArray() && doc.path("Statement").size() > 0).isTrue();
      Set<String> sids = new HashSet<>();
      for (JsonNode s : doc.path("Statement")) {
        assertThat(sids.add(s.path("Sid").asText())).as("unique Sid").isTrue();
        assertThat(s.path("Sid").asText()).matches("[A-Za-z0-9]+");
        Set<String> services = new HashSet<>();
        s.path("Action").forEach(a -> services.add(a.asText().substring(0, a.asText().indexOf(':'))));
        assertThat(services).hasSize(1);
        assertThat(s.has("Resource")).isTrue();
      }
      docs.add(doc);
    }
    JSON.readTree(r.notes());
    return docs;
  }

  @Test
  void hundredsOfUsedActionsStayUnderTheLimit() throws Exception {
    ActionCatalog catalog = ActionCatalog.standard();
    List<Use> usage = new ArrayList<>();
    for (String a : catalog.actions()) {
      if (usage.size() >= 600) break;
      if (catalog.isObservable(a) && !Verdicts.unobservable(catalog, a)) {
        usage.add(use(a, List.of("arn:aws:" + a.substring(0, a.indexOf(':')) + ":us-east-1:111122223333:thing/"
            + a.substring(a.indexOf(':') + 1) + "-resource-with-a-long-name")));
      }
    }
    assertThat(usage).hasSizeGreaterThanOrEqualTo(300);
    AuthorizationDetails details = export("*");
    PrincipalVerdicts pv = Verdicts.evaluate(details, usage, catalog).get(0);
    RecommendedPolicy.Result r = RecommendedPolicy.build(pv, details, catalog, FROM, TO);
    assertThat(r.collapsed()).isTrue();
    List<JsonNode> docs = check(r);
    JsonNode notes = JSON.readTree(r.notes());
    assertThat(notes.path("collapsed_to_prefixes").asBoolean()).isTrue();
    assertThat(notes.path("policy_files").size()).isEqualTo(docs.size());
    // Every used action is still allowed by some statement (a prefix group or the action itself).
    List<String> patterns = new ArrayList<>();
    docs.forEach(d -> d.path("Statement").forEach(s -> s.path("Action").forEach(a -> patterns.add(a.asText()))));
    for (Use u : usage) {
      assertThat(patterns.stream().anyMatch(p -> io.ebaudit.iam.Glob.action(p).matches(u.action())))
          .as("%s allowed", u.action()).isTrue();
    }
  }

  @Test
  void smallPolicyIsScopedAndKeepsUnobservableActions() throws Exception {
    ActionCatalog catalog = ActionCatalog.standard();
    String bucket = "arn:aws:s3:::artifacts";
    List<Use> usage = List.of(use("s3:CreateBucket", List.of(bucket)), use("s3:ListAllMyBuckets", List.of()));
    AuthorizationDetails details = export("s3:*");
    PrincipalVerdicts pv = Verdicts.evaluate(details, usage, catalog).get(0);
    RecommendedPolicy.Result r = RecommendedPolicy.build(pv, details, catalog, FROM, TO);
    assertThat(r.collapsed()).isFalse();
    assertThat(r.documents()).hasSize(1);
    JsonNode doc = check(r).get(0);
    String text = doc.toString();
    assertThat(text).contains("\"Action\":[\"s3:CreateBucket\"],\"Resource\":\"" + bucket + "\"");
    assertThat(text).contains("s3:GetObject").contains("s3:PutObject").doesNotContain("s3:DeleteBucket\"");
    JsonNode notes = JSON.readTree(r.notes());
    List<String> removed = new ArrayList<>();
    notes.path("removed_actions").forEach(a -> removed.add(a.asText()));
    assertThat(removed).contains("s3:DeleteBucket").doesNotContain("s3:GetObject", "s3:PutObject", "s3:ListBucket");
    assertThat(notes.path("unobservable_kept").toString()).contains("data event");
    assertThat(notes.path("confidence").asText()).startsWith("medium");
  }

  @Test
  void fileNamesAreSanitized() {
    assertThat(RecommendedPolicy.fileName("deployer")).isEqualTo("deployer");
    assertThat(RecommendedPolicy.fileName("svc+ci=x,y@corp_1-2.prod")).isEqualTo("svc+ci=x,y@corp_1-2.prod");
    for (String evil : List.of("../../etc/passwd", "..", ".hidden", "a/b", "a\\b", "x\u0000y", "名前", "", "a b",
        "C:\\Windows", "x".repeat(300))) {
      String f = RecommendedPolicy.fileName(evil);
      assertThat(f).as(evil).matches("[A-Za-z0-9+=,@_.-]{1,90}").doesNotStartWith(".").doesNotContain("..");
    }
    assertThat(RecommendedPolicy.fileName("a/b")).isNotEqualTo(RecommendedPolicy.fileName("a\\b"));
    assertThat(RecommendedPolicy.fileName("a b")).isNotEqualTo("a_b");
  }
}
