package io.ebaudit.trail;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ebaudit.iam.ActionMapper;
import io.ebaudit.trail.Principals.Principal;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrincipalsTest {
  static final String TRAILSCRAPER_FILE =
      "/real/trailscraper/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json";

  /**
   * Columns: userType, userArn, accountId, principalId, sessionIssuerArn, sessionIssuerType,
   * invokedBy → expected arn, kind, sessionName. Empty cells are null.
   */
  @ParameterizedTest(name = "{0} {1} -> {7} {8}")
  @CsvSource(
      delimiter = '|',
      value = {
        // AssumedRole: the session issuer keeps the role path.
        "AssumedRole|arn:aws:sts::123456789012:assumed-role/deploy/jenkins|123456789012|AROAEXAMPLE:jenkins"
            + "|arn:aws:iam::123456789012:role/ci/deploy|Role|"
            + "|arn:aws:iam::123456789012:role/ci/deploy|assumed_role|jenkins",
        // AssumedRole without a session issuer: rebuilt from the session ARN.
        "AssumedRole|arn:aws:sts::123456789012:assumed-role/web-ec2/i-0abc123def4567890|123456789012|||||"
            + "arn:aws:iam::123456789012:role/web-ec2|assumed_role|i-0abc123def4567890",
        // GovCloud and China partitions.
        "AssumedRole|arn:aws-us-gov:sts::123456789012:assumed-role/Admin/alice@example.com||||||"
            + "arn:aws-us-gov:iam::123456789012:role/Admin|assumed_role|alice@example.com",
        "AssumedRole|arn:aws-cn:sts::123456789012:assumed-role/Ops/bob||||||"
            + "arn:aws-cn:iam::123456789012:role/Ops|assumed_role|bob",
        // Fake, non-12-digit account ids are accepted as they are.
        "AssumedRole|arn:aws:sts::111:assumed-role/someRole/sess||||||"
            + "arn:aws:iam::111:role/someRole|assumed_role|sess",
        "AssumedRole|arn:aws:sts::ACCOUNT:assumed-role/R/S||||||arn:aws:iam::ACCOUNT:role/R|assumed_role|S",
        // Session name from principalId when the ARN is missing.
        "AssumedRole||123456789012|AROAEXAMPLE:i-0fedcba|arn:aws:iam::123456789012:role/path/to/app|Role|"
            + "|arn:aws:iam::123456789012:role/path/to/app|assumed_role|i-0fedcba",
        // Unparseable ARN, no issuer: keep the raw value.
        "AssumedRole|not-an-arn||||||not-an-arn|assumed_role|",
        // IAMUser.
        "IAMUser|arn:aws:iam::123456789012:user/division/alice|123456789012|AIDAEXAMPLE||||"
            + "arn:aws:iam::123456789012:user/division/alice|iam_user|",
        "IAMUser|arn:aws-us-gov:iam::123456789012:user/bob||||||arn:aws-us-gov:iam::123456789012:user/bob|iam_user|",
        // Root, with and without its ARN.
        "Root|arn:aws:iam::123456789012:root|123456789012|123456789012||||arn:aws:iam::123456789012:root|root|",
        "Root|arn:aws-cn:iam::123456789012:root|||||"
            + "|arn:aws-cn:iam::123456789012:root|root|",
        "Root||999|||||arn:aws:iam::999:root|root|",
        "Root||||||||root|",
        // FederatedUser: the IAM user whose permissions apply.
        "FederatedUser|arn:aws:sts::123456789012:federated-user/carol|123456789012|123456789012:carol"
            + "|arn:aws:iam::123456789012:user/svc-broker|IAMUser|"
            + "|arn:aws:iam::123456789012:user/svc-broker|federated_user|carol",
        "FederatedUser|arn:aws-us-gov:sts::123456789012:federated-user/carol|||||"
            + "|arn:aws-us-gov:sts::123456789012:federated-user/carol|federated_user|carol",
        // AWSService: the service principal, not an ARN.
        "AWSService||||||elasticbeanstalk.amazonaws.com|elasticbeanstalk.amazonaws.com|aws_service|",
        "AWSService||||||||aws_service|",
        // AWSAccount: the account's root.
        "AWSAccount||444455556666|AIDAEXAMPLE||||arn:aws:iam::444455556666:root|aws_account|",
        "AWSAccount|arn:aws-us-gov:iam::444455556666:user/x|444455556666|||||"
            + "arn:aws-us-gov:iam::444455556666:root|aws_account|",
        "AWSAccount||||||||aws_account|",
        // IdentityCenterUser.
        "IdentityCenterUser|arn:aws:identitystore::123456789012:user/9067b3c4-00e1-7033-6cc4-1234567890ab|||||"
            + "|arn:aws:identitystore::123456789012:user/9067b3c4-00e1-7033-6cc4-1234567890ab|identity_center_user|",
        "IdentityCenterUser||||||||identity_center_user|",
        // Unknown, missing, or a type compared case-sensitively.
        "Unknown||||||||unknown|",
        "|arn:aws:iam::123456789012:user/x||||||arn:aws:iam::123456789012:user/x|unknown|",
        "SAMLUser||||||||unknown|",
        "iamuser|arn:aws:iam::123456789012:user/x||||||arn:aws:iam::123456789012:user/x|unknown|",
        "assumedrole|arn:aws:sts::1:assumed-role/R/S||||||arn:aws:sts::1:assumed-role/R/S|unknown|",
      })
  void resolves(
      String userType,
      String userArn,
      String accountId,
      String principalId,
      String issuerArn,
      String issuerType,
      String invokedBy,
      String arn,
      String kind,
      String session) {
    assertThat(
            Principals.resolve(
                userType, userArn, accountId, principalId, issuerArn, issuerType, invokedBy))
        .isEqualTo(new Principal(arn, kind, session));
  }

  @Test
  void kindsArePublicSnakeCase() {
    assertThat(
            new String[] {
              Principals.ROOT,
              Principals.IAM_USER,
              Principals.ASSUMED_ROLE,
              Principals.FEDERATED_USER,
              Principals.AWS_ACCOUNT,
              Principals.AWS_SERVICE,
              Principals.IDENTITY_CENTER_USER,
              Principals.UNKNOWN
            })
        .containsExactly(
            "root",
            "iam_user",
            "assumed_role",
            "federated_user",
            "aws_account",
            "aws_service",
            "identity_center_user",
            "unknown");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "AWSService|config.amazonaws.com|config.amazonaws.com|true",
        "AWSService|||true",
        "AssumedRole|config.amazonaws.com|config.amazonaws.com|true",
        "AssumedRole|AWS Internal|AWS Internal|true",
        "AssumedRole|AWS Internal||true",
        "AssumedRole|ec2.cn-north-1.amazonaws.com.cn||true",
        "AssumedRole|ELASTICBEANSTALK.AMAZONAWS.COM||true",
        // A person in the console: invokedBy alone is not enough (AWS docs UpdateEnvironment example).
        "IAMUser|255.255.255.54|signin.amazonaws.com|false",
        "AssumedRole|203.0.113.7|elasticbeanstalk.amazonaws.com|false",
        "IAMUser|198.51.100.1||false",
        "Root|2001:db8::1||false",
        "IAMUser|||false",
        "|||false",
        // Not a service host: only the suffix after a label counts.
        "IAMUser|amazonaws.com||false",
        "IAMUser|evil.amazonaws.com.example.org||false",
      })
  void serviceOriginated(String userType, String sourceIp, String invokedBy, boolean expected) {
    assertThat(Principals.serviceOriginated(userType, sourceIp, invokedBy)).isEqualTo(expected);
  }

  /** The two records of trailscraper's real CloudTrail log file. */
  @Test
  void realTrailscraperRecords() throws Exception {
    JsonNode records;
    try (InputStream in = getClass().getResourceAsStream(TRAILSCRAPER_FILE)) {
      assertThat(in).as(TRAILSCRAPER_FILE).isNotNull();
      records = new ObjectMapper().readTree(in).get("Records");
    }
    assertThat(records).hasSize(2);

    JsonNode first = records.get(0);
    assertThat(resolve(first))
        .isEqualTo(
            new Principal(
                "arn:aws:iam::111111111111:role/someRole",
                Principals.ASSUMED_ROLE,
                "AutoScalingDescribeHandlerSession"));
    // AWS Config read the launch configurations with the role: a service acted.
    assertThat(serviceOriginated(first)).isTrue();
    assertThat(action(first)).isEqualTo("autoscaling:DescribeLaunchConfigurations");

    JsonNode second = records.get(1);
    assertThat(resolve(second))
        .isEqualTo(new Principal("config.amazonaws.com", Principals.AWS_SERVICE, null));
    assertThat(serviceOriginated(second)).isTrue();
    assertThat(action(second)).isEqualTo("sts:AssumeRole");
  }

  /** The same resolution without the session issuer (older records) gives the same role. */
  @Test
  void realAssumedRoleWithoutSessionIssuer() throws Exception {
    JsonNode ui;
    try (InputStream in = getClass().getResourceAsStream(TRAILSCRAPER_FILE)) {
      ui = new ObjectMapper().readTree(in).get("Records").get(0).get("userIdentity");
    }
    Principal p =
        Principals.resolve(
            text(ui, "type"),
            text(ui, "arn"),
            text(ui, "accountId"),
            text(ui, "principalId"),
            null,
            null,
            text(ui, "invokedBy"));
    assertThat(p.arn()).isEqualTo("arn:aws:iam::111111111111:role/someRole");
    assertThat(p.sessionName()).isEqualTo("AutoScalingDescribeHandlerSession");
  }

  private static Principal resolve(JsonNode record) {
    JsonNode ui = record.get("userIdentity");
    JsonNode issuer = ui.path("sessionContext").path("sessionIssuer");
    return Principals.resolve(
        text(ui, "type"),
        text(ui, "arn"),
        text(ui, "accountId"),
        text(ui, "principalId"),
        text(issuer, "arn"),
        text(issuer, "type"),
        text(ui, "invokedBy"));
  }

  private static boolean serviceOriginated(JsonNode record) {
    JsonNode ui = record.get("userIdentity");
    return Principals.serviceOriginated(
        text(ui, "type"), text(record, "sourceIPAddress"), text(ui, "invokedBy"));
  }

  private static String action(JsonNode record) {
    return ActionMapper.standard()
        .iamAction(
            text(record, "eventSource"), text(record, "eventName"), text(record, "eventType"));
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() || v.isMissingNode() ? null : v.asText();
  }
}
