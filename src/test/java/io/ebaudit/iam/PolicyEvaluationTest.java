package io.ebaudit.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ebaudit.iam.Evaluation.Access;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyEvaluationTest {

  private static final ActionCatalog CAT =
      ActionCatalog.of(
          List.of(
              "s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetBucketPolicy", "s3:DeleteObject",
              "ec2:DescribeInstances", "ec2:RunInstances", "iam:PassRole", "iam:GetRole",
              "iam:CreateUser", "elasticbeanstalk:UpdateEnvironment", "elasticbeanstalk:DescribeEnvironments",
              "sts:AssumeRole"));

  private static Evaluation eval(String... docs) {
    List<PolicyDocument> ds = new ArrayList<>();
    for (String d : docs) ds.add(PolicyDocument.parse(d));
    return Evaluation.of(ds, CAT);
  }

  @Test
  void globMatcher() {
    assertThat(Glob.action("s3:Get?bject").matches("S3:GETOBJECT")).isTrue();
    assertThat(Glob.action("s3:Get?bject").matches("s3:GetObjectAcl")).isFalse();
    assertThat(Glob.action("s3:G*t*").matches("s3:GetObject")).isTrue();
    assertThat(Glob.action("s3:G*t*x").matches("s3:GetObject")).isFalse();
    assertThat(Glob.action("*:Describe*").matches("ec2:describeinstances")).isTrue();
    assertThat(Glob.action("ec2:*").matches("ec2")).isFalse();
    assertThat(Glob.action("a*b*c").matches("aXbYbZc")).isTrue();
    assertThat(Glob.action("a*b?c").matches("abbc")).isTrue();
    assertThat(Glob.resource("arn:aws:s3:::B/*").matches("arn:aws:s3:::b/x")).isFalse();
  }

  @Test
  void singleStatementObjectAndStringFields() {
    PolicyDocument d =
        PolicyDocument.parse("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}}");
    assertThat(d.statements()).hasSize(1);
    assertThat(d.statements().get(0).actions()).containsExactly("s3:GetObject");
    assertThat(d.statements().get(0).resources()).containsExactly("*");
    PolicyDocument arr =
        PolicyDocument.parse("{\"Statement\":[{\"Sid\":\"x\",\"Effect\":\"Deny\",\"Action\":[\"s3:GetObject\",\"s3:PutObject\"],\"Resource\":[\"a\",\"b\"]}]}");
    assertThat(arr.statements().get(0).actions()).containsExactly("s3:GetObject", "s3:PutObject");
    assertThat(arr.statements().get(0).resources()).containsExactly("a", "b");
    assertThat(arr.statements().get(0).effect()).isEqualTo(PolicyDocument.Effect.DENY);
    assertThat(arr.statements().get(0).sid()).isEqualTo("x");
    assertThatThrownBy(() -> PolicyDocument.parse("{\"Statement\":{\"Effect\":\"Maybe\",\"Action\":\"*\"}}"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void urlEncodedDocument() {
    String json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ec2:Describe*\",\"Resource\":\"*\"}]}";
    String enc = URLEncoder.encode(json, StandardCharsets.UTF_8).replace("+", "%20");
    assertThat(enc).startsWith("%7B");
    Evaluation e = eval(enc);
    assertThat(e.access("ec2:DescribeInstances")).isEqualTo(Access.GRANTED);
    assertThat(e.access("ec2:RunInstances")).isEqualTo(Access.NOT_GRANTED);
    // a JSON string node holding the encoded text, as some exports carry it
    assertThat(PolicyDocument.parse(new com.fasterxml.jackson.databind.node.TextNode(enc))).isEqualTo(PolicyDocument.parse(json));
  }

  @Test
  void caseInsensitiveAndQuestionMark() {
    Evaluation e = eval("{\"Statement\":{\"Effect\":\"Allow\",\"Action\":[\"S3:getobj?ct\",\"EC2:describe*\"],\"Resource\":\"*\"}}");
    assertThat(e.grantedActions()).containsExactlyInAnyOrder("s3:GetObject", "ec2:DescribeInstances");
    assertThat(e.access("s3:getobject")).isEqualTo(Access.GRANTED);
  }

  @Test
  void notActionGrantsEverythingElse() {
    Evaluation e = eval("{\"Statement\":{\"Effect\":\"Allow\",\"NotAction\":[\"iam:*\",\"sts:*\"],\"Resource\":\"*\"}}");
    assertThat(e.grantedActions()).hasSize(CAT.size() - 4).doesNotContain("iam:PassRole", "sts:AssumeRole").contains("s3:GetObject");
    // an action outside the catalog is matched directly
    assertThat(e.access("lambda:InvokeFunction")).isEqualTo(Access.GRANTED);
    assertThat(e.access("iam:DeleteRole")).isEqualTo(Access.NOT_GRANTED);
    assertThat(e.isAdminLike()).isFalse();
  }

  @Test
  void notResourceIsKeptOnTheGrant() {
    Evaluation e = eval("{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"NotResource\":\"arn:aws:s3:::secret/*\"}}");
    Evaluation.ActionAccess a = e.detail("s3:GetObject");
    assertThat(a.access()).isEqualTo(Access.GRANTED);
    assertThat(a.allows()).singleElement().satisfies(g -> {
      assertThat(g.notResource()).isTrue();
      assertThat(g.resources()).containsExactly("arn:aws:s3:::secret/*");
      assertThat(g.onAllResources()).isFalse();
    });
    assertThat(e.serviceWildcards()).isEmpty();
  }

  @Test
  void denyWinsOverAllowAndConditionalAllow() {
    Evaluation e =
        eval(
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},"
                + "{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"iam:PassedToService\":\"ec2.amazonaws.com\"}}}]}",
            "{\"Statement\":{\"Effect\":\"Deny\",\"Action\":[\"iam:*\"],\"Resource\":\"*\"}}");
    assertThat(e.access("iam:PassRole")).isEqualTo(Access.DENIED);
    assertThat(e.access("iam:CreateUser")).isEqualTo(Access.DENIED);
    assertThat(e.access("s3:GetObject")).isEqualTo(Access.GRANTED);
    assertThat(e.count(Access.DENIED)).isEqualTo(3);
    assertThat(e.passRoleWildcard()).isFalse();
    assertThat(e.isAdminLike()).isTrue();
  }

  @Test
  void scopedDenyRemovesOnlyCoveredAllows() {
    Evaluation e =
        eval(
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"},"
                + "{\"Effect\":\"Allow\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\"},"
                + "{\"Effect\":\"Deny\",\"Action\":\"s3:*Object\",\"Resource\":\"arn:aws:s3:::b/*\"}]}");
    assertThat(e.access("s3:GetObject")).isEqualTo(Access.DENIED);
    assertThat(e.detail("s3:PutObject").access()).isEqualTo(Access.GRANTED);
    assertThat(e.detail("s3:PutObject").denies()).hasSize(1);
    assertThat(e.access("s3:DeleteObject")).isEqualTo(Access.NOT_GRANTED);
  }

  @Test
  void conditionalGrantsAndConditionalDeny() {
    Evaluation e =
        eval(
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ec2:RunInstances\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}},"
                + "{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:PutObject\"],\"Resource\":\"*\"},"
                + "{\"Effect\":\"Deny\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}},"
                + "{\"Effect\":\"Deny\",\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}");
    assertThat(e.access("ec2:RunInstances")).isEqualTo(Access.GRANTED_CONDITIONAL);
    assertThat(e.detail("ec2:RunInstances").allows().get(0).conditionJson()).contains("MultiFactorAuthPresent");
    assertThat(e.access("s3:GetObject")).isEqualTo(Access.GRANTED);
    // a conditional Deny never makes DENIED; it makes the grant conditional
    assertThat(e.access("s3:PutObject")).isEqualTo(Access.GRANTED_CONDITIONAL);
    assertThat(e.access("sts:AssumeRole")).isEqualTo(Access.NOT_GRANTED);
    assertThat(e.actions(Access.GRANTED_CONDITIONAL)).containsExactlyInAnyOrder("ec2:RunInstances", "s3:PutObject");
  }

  @Test
  void flags() {
    Evaluation admin = eval("{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*:*\",\"Resource\":\"*\"}}");
    assertThat(admin.isAdminLike()).isTrue();
    assertThat(admin.passRoleWildcard()).isTrue();
    assertThat(admin.grantedActions()).hasSize(CAT.size());
    Evaluation scoped = eval("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"iam:PassRole\",\"elasticbeanstalk:*\"],\"Resource\":\"arn:aws:iam::1:role/app\"},"
        + "{\"Effect\":\"Allow\",\"Action\":\"EC2:*\",\"Resource\":\"*\"}]}");
    assertThat(scoped.isAdminLike()).isFalse();
    assertThat(scoped.passRoleWildcard()).isFalse();
    assertThat(scoped.serviceWildcards()).containsExactly("ec2");
    assertThat(scoped.serviceWildcard()).isTrue();
    Evaluation pr = eval("{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"iam:Pass*\",\"Resource\":\"*\"}}");
    assertThat(pr.passRoleWildcard()).isTrue();
    assertThat(pr.serviceWildcard()).isFalse();
  }
}
