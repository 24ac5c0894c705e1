package io.ebaudit.iam;

import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.iam.AuthorizationDetails.Kind;
import io.ebaudit.iam.AuthorizationDetails.Origin;
import io.ebaudit.iam.AuthorizationDetails.Principal;
import io.ebaudit.iam.Evaluation.Access;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthorizationDetailsTest {

  static String sample() throws Exception {
    try (InputStream in =
        AuthorizationDetailsTest.class.getResourceAsStream("/real/iam/iam.get-account-authorization-details.output1.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static final String ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess";

  @Test
  void awsCliSampleResolvesUsersGroupsRolesAndPolicies() throws Exception {
    AuthorizationDetails d = AuthorizationDetails.parse(sample());
    assertThat(d.principals()).extracting(Principal::name).containsExactly("Alice", "Bob", "Charlie", "EC2role");
    Principal bob = d.principalNamed(Kind.USER, "Bob");
    assertThat(bob.arn()).isEqualTo("arn:aws:iam::123456789012:user/Bob");
    assertThat(bob.accountId()).isEqualTo("123456789012");
    assertThat(bob.groups()).containsExactly("Admins");
    assertThat(bob.policies()).singleElement().satisfies(p -> {
      assertThat(p.origin()).isEqualTo(Origin.INLINE);
      assertThat(p.describe()).isEqualTo("inline DenyBillingAndIAMPolicy");
    });
    // the sample's groups attach AWS managed policies that are neither in its Policies nor shipped
    assertThat(bob.unresolved()).containsExactly(ADMIN_ARN);
    assertThat(d.principalNamed(Kind.USER, "Charlie").unresolved()).containsExactly("arn:aws:iam::aws:policy/PowerUserAccess");
    Principal role = d.principal("arn:aws:iam::123456789012:role/EC2role");
    assertThat(role.kind()).isEqualTo(Kind.ROLE);
    assertThat(role.instanceProfiles()).singleElement().satisfies(ip -> {
      assertThat(ip.name()).isEqualTo("EC2role");
      assertThat(ip.arn()).isEqualTo("arn:aws:iam::123456789012:instance-profile/EC2role");
    });
    assertThat(role.permissionsBoundaryAttached()).isFalse();
    assertThat(role.permissionsBoundaryEvaluated()).isFalse();
    assertThat(d.unresolvedPolicies()).containsExactlyInAnyOrder(ADMIN_ARN, "arn:aws:iam::aws:policy/PowerUserAccess",
        "arn:aws:iam::aws:policy/AmazonS3FullAccess", "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess");
    assertThat(d.policies()).containsOnlyKeys("arn:aws:iam::123456789012:policy/create-update-delete-set-managed-policies",
        "arn:aws:iam::123456789012:policy/S3-read-only-specific-bucket", "arn:aws:iam::aws:policy/AmazonEC2FullAccess");
    assertThat(d.policies().get("arn:aws:iam::aws:policy/AmazonEC2FullAccess").document().statements()).hasSize(4);
    assertThat(d.warnings()).anyMatch(w -> w.contains("IsTruncated"));
    Evaluation bobEval = Evaluation.of(bob, ActionCatalog.standard());
    assertThat(bobEval.access("iam:CreateUser")).isEqualTo(Access.DENIED);
    assertThat(bobEval.detail("iam:CreateUser").denies().get(0).origin()).isEqualTo("inline DenyBillingAndIAMPolicy");
  }

  /** A second account's export: URL-encoded documents, a boundary, a shipped AWS managed policy. */
  static String secondExport() {
    String inline = URLEncoder.encode(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"elasticbeanstalk:UpdateEnvironment\",\"Resource\":\"*\"}]}",
        StandardCharsets.UTF_8);
    String admin = URLEncoder.encode(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
        StandardCharsets.UTF_8);
    return "{\"UserDetailList\":[{\"UserName\":\"deployer\",\"Arn\":\"arn:aws:iam::210987654321:user/deployer\","
        + "\"UserPolicyList\":[{\"PolicyName\":\"eb\",\"PolicyDocument\":\"" + inline + "\"}],\"GroupList\":[\"ops\",\"gone\"],"
        + "\"AttachedManagedPolicies\":[],\"PermissionsBoundary\":{\"PermissionsBoundaryType\":\"Policy\","
        + "\"PermissionsBoundaryArn\":\"arn:aws:iam::210987654321:policy/boundary\"}}],"
        + "\"GroupDetailList\":[{\"GroupName\":\"ops\",\"Arn\":\"arn:aws:iam::210987654321:group/ops\",\"GroupPolicyList\":[],"
        + "\"AttachedManagedPolicies\":[{\"PolicyName\":\"AWSElasticBeanstalkReadOnly\",\"PolicyArn\":\"arn:aws:iam::aws:policy/AWSElasticBeanstalkReadOnly\"}]}],"
        + "\"RoleDetailList\":[{\"RoleName\":\"aws-elasticbeanstalk-ec2-role\",\"Arn\":\"arn:aws:iam::210987654321:role/aws-elasticbeanstalk-ec2-role\","
        + "\"RolePolicyList\":[],\"InstanceProfileList\":[{\"InstanceProfileName\":\"aws-elasticbeanstalk-ec2-role\",\"Arn\":\"arn:aws:iam::210987654321:instance-profile/aws-elasticbeanstalk-ec2-role\"}],"
        + "\"AttachedManagedPolicies\":[{\"PolicyName\":\"AWSElasticBeanstalkWebTier\",\"PolicyArn\":\"arn:aws:iam::aws:policy/AWSElasticBeanstalkWebTier\"},"
        + "{\"PolicyName\":\"AWSElasticBeanstalkEnhancedHealth\",\"PolicyArn\":\"arn:aws:iam::aws:policy/service-role/AWSElasticBeanstalkEnhancedHealth\"}]}],"
        + "\"Policies\":[{\"PolicyName\":\"AdministratorAccess\",\"Arn\":\"" + ADMIN_ARN + "\",\"DefaultVersionId\":\"v2\","
        + "\"PolicyVersionList\":[{\"VersionId\":\"v1\",\"IsDefaultVersion\":false,\"Document\":{\"Statement\":[]}},"
        + "{\"VersionId\":\"v2\",\"IsDefaultVersion\":true,\"Document\":\"" + admin + "\"}]}],\"IsTruncated\":false}";
  }

  @Test
  void exportsCombineAndShippedManagedPoliciesFillGaps() throws Exception {
    AuthorizationDetails d = AuthorizationDetails.parseAll(List.of(sample(), secondExport()));
    assertThat(d.principals()).hasSize(6);
    // AdministratorAccess comes from the second export's Policies (default version v2) and now resolves Alice
    Principal alice = d.principalNamed(Kind.USER, "Alice");
    assertThat(alice.unresolved()).isEmpty();
    assertThat(alice.policies()).singleElement().satisfies(p -> {
      assertThat(p.origin()).isEqualTo(Origin.GROUP_MANAGED);
      assertThat(p.describe()).isEqualTo("via group Admins: managed " + ADMIN_ARN);
    });
    assertThat(Evaluation.of(alice, ActionCatalog.standard()).isAdminLike()).isTrue();
    assertThat(d.unresolvedPolicies()).doesNotContain(ADMIN_ARN).hasSize(3);

    Principal deployer = d.principalNamed(Kind.USER, "deployer");
    assertThat(deployer.accountId()).isEqualTo("210987654321");
    assertThat(deployer.permissionsBoundaryAttached()).isTrue();
    assertThat(deployer.permissionsBoundaryArn()).isEqualTo("arn:aws:iam::210987654321:policy/boundary");
    assertThat(deployer.unresolved()).containsExactly("group/gone");
    assertThat(deployer.policies()).extracting(AuthorizationDetails.AttachedPolicy::describe)
        .containsExactly("inline eb", "via group ops: managed arn:aws:iam::aws:policy/AWSElasticBeanstalkReadOnly");
    Evaluation de = Evaluation.of(deployer, ActionCatalog.standard());
    assertThat(de.access("elasticbeanstalk:UpdateEnvironment")).isEqualTo(Access.GRANTED);
    assertThat(de.access("elasticbeanstalk:DescribeEnvironments")).isEqualTo(Access.GRANTED);
    assertThat(de.access("elasticbeanstalk:TerminateEnvironment")).isEqualTo(Access.NOT_GRANTED);

    Principal role = d.principalNamed(Kind.ROLE, "aws-elasticbeanstalk-ec2-role");
    assertThat(role.unresolved()).isEmpty();
    assertThat(d.policies().get("arn:aws:iam::aws:policy/service-role/AWSElasticBeanstalkEnhancedHealth").source()).isEqualTo("shipped");
    Evaluation re = Evaluation.of(role, ActionCatalog.standard());
    assertThat(re.access("s3:PutObject")).isEqualTo(Access.GRANTED);
    assertThat(re.detail("s3:PutObject").allows()).allSatisfy(g -> assertThat(g.onAllResources()).isFalse());
    assertThat(re.isAdminLike()).isFalse();

    // without the shipped library the Beanstalk policies stay unresolved
    AuthorizationDetails bare = AuthorizationDetails.builder(ManagedPolicyLibrary.empty()).add(secondExport()).build();
    assertThat(bare.unresolvedPolicies()).hasSize(3);
  }

  @Test
  void catalogCountsAndObservability() {
    ActionCatalog c = ActionCatalog.standard();
    assertThat(c.size()).isGreaterThan(7_000);
    assertThat(c.contains("ELASTICBEANSTALK:updateenvironment")).isTrue();
    assertThat(c.isObservable("elasticbeanstalk:UpdateEnvironment")).isTrue();
    // IAM-only action that CloudTrail does not record (not in cloudtracker's list)
    assertThat(c.isObservable("elasticbeanstalk:PutInstanceStatistics")).isFalse();
    // cloudtracker's list does include iam:PassRole, though CloudTrail never logs it as an event
    // of its own: the column is the list, verbatim (see reference/README.md)
    assertThat(c.isObservable("iam:PassRole")).isTrue();
    assertThat(c.expand("elasticbeanstalk:*")).hasSizeGreaterThanOrEqualTo(50);
    System.out.printf("catalog: %d actions, %d cloudtrail-observable (%.1f%%)%n",
        c.size(), c.observableCount(), 100.0 * c.observableCount() / c.size());
  }

  @Test
  void notActionExpansionOverTenThousandActionsIsFast() {
    List<String> actions = new ArrayList<>(ActionCatalog.standard().actions());
    for (int i = 0; actions.size() < 10_000; i++) actions.add("synthetic" + (i % 50) + ":Action" + i);
    ActionCatalog big = ActionCatalog.of(actions);
    PolicyDocument doc = PolicyDocument.parse(
        "{\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":[\"iam:*\",\"organizations:*\",\"account:*\",\"s3:Delete*\",\"*:Put?ucketPolicy\"],\"Resource\":\"*\"}]}");
    Evaluation.of(List.of(doc), big); // warm-up
    long t0 = System.nanoTime();
    BitSet b = big.matchNone(List.of(Glob.action("iam:*"), Glob.action("organizations:*"), Glob.action("account:*"),
        Glob.action("s3:Delete*"), Glob.action("*:Put?ucketPolicy")));
    long t1 = System.nanoTime();
    Evaluation e = Evaluation.of(List.of(doc), big);
    long t2 = System.nanoTime();
    System.out.printf("NotAction over %d actions: expand %.2f ms, full evaluation %.2f ms, %d granted%n",
        big.size(), (t1 - t0) / 1e6, (t2 - t1) / 1e6, e.grantedActions().size());
    assertThat(e.grantedActions()).hasSize(b.cardinality());
    assertThat(e.access("iam:PassRole")).isEqualTo(Access.NOT_GRANTED);
    assertThat(e.access("s3:PutBucketPolicy")).isEqualTo(Access.NOT_GRANTED);
    assertThat(e.access("synthetic3:Action3")).isEqualTo(Access.GRANTED);
  }
}
