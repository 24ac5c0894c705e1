package io.ebaudit.permissions;

import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.iam.AuthorizationDetails;
import io.ebaudit.permissions.EnvironmentRoles.EnvironmentRole;
import io.ebaudit.testing.SparkSuite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.Test;

/** The roles of each Beanstalk environment, from its state and the authorization details. */
public class EnvironmentRolesTest extends SparkSuite {
  static final String ACCT = "111122223333";
  static final String EXPORT = """
      {"UserDetailList": [], "GroupDetailList": [], "Policies": [],
       "RoleDetailList": [
        {"RoleName": "web-ec2", "Path": "/app/", "Arn": "arn:aws:iam::111122223333:role/app/web-ec2",
         "InstanceProfileList": [{"InstanceProfileName": "web-profile",
           "Arn": "arn:aws:iam::111122223333:instance-profile/web-profile"}],
         "RolePolicyList": [], "AttachedManagedPolicies": []},
        {"RoleName": "aws-elasticbeanstalk-service-role", "Path": "/",
         "Arn": "arn:aws:iam::111122223333:role/aws-elasticbeanstalk-service-role",
         "InstanceProfileList": [], "RolePolicyList": [], "AttachedManagedPolicies": []}
       ]}
      """;

  private static Row opt(String env, String ns, String name, String value) {
    return RowFactory.create(ACCT, "us-east-1", "shop", env, "e-" + env, ns, name, null, value, "trail", false, false,
        null, null, null);
  }

  private static Row opt(String env, String ns, String name, String resource, String value, String changed) {
    return RowFactory.create(ACCT, "us-east-1", "shop", env, "e-" + env, ns, name, resource, value, "trail", false, false,
        java.sql.Timestamp.valueOf(changed), null, null);
  }

  @Test
  public void theLastChangedRowOfAnOptionWins() {
    List<EnvironmentRole> roles = resolve(
        opt("prod", EnvironmentRoles.LAUNCH, "IamInstanceProfile", null, "web-profile", "2026-11-21 10:00:00"),
        opt("prod", EnvironmentRoles.LAUNCH, "IamInstanceProfile", "AWSEBAutoScalingLaunchConfiguration",
            "old-profile", "2026-11-20 10:00:00"));
    assertThat(roles).hasSize(1);
    assertThat(roles.get(0).instanceProfile()).isEqualTo("web-profile");
    assertThat(roles.get(0).instanceProfileResolved()).isTrue();
  }

  private List<EnvironmentRole> resolve(Row... rows) {
    List<Row> all = new ArrayList<>(List.of(rows));
    all.add(opt("prod", "aws:autoscaling:launchconfiguration", "InstanceType", "t3.small"));
    return EnvironmentRoles.resolve(spark().createDataFrame(all, BeanstalkSchemas.ENVIRONMENT_STATE),
        AuthorizationDetails.parse(EXPORT));
  }

  @Test
  public void anInstanceProfileNameOrArnResolvesToItsRole() {
    List<EnvironmentRole> roles = resolve(
        opt("prod", EnvironmentRoles.LAUNCH, "IamInstanceProfile", "web-profile"),
        opt("prod", EnvironmentRoles.ENVIRONMENT, "ServiceRole", "aws-elasticbeanstalk-service-role"),
        opt("staging", EnvironmentRoles.LAUNCH, "IamInstanceProfile",
            "arn:aws:iam::111122223333:instance-profile/web-profile"),
        opt("staging", EnvironmentRoles.ENVIRONMENT, "ServiceRole", "arn:aws:iam::111122223333:role/eb-custom"),
        opt("dev", EnvironmentRoles.LAUNCH, "IamInstanceProfile", "missing-profile"));
    assertThat(roles).extracting(EnvironmentRole::environment).containsExactly("dev", "prod", "staging");
    EnvironmentRole dev = roles.get(0);
    EnvironmentRole prod = roles.get(1);
    EnvironmentRole staging = roles.get(2);
    assertThat(prod.instanceProfile()).isEqualTo("web-profile");
    assertThat(prod.instanceProfileRoleArn()).isEqualTo("arn:aws:iam::111122223333:role/app/web-ec2");
    assertThat(prod.instanceProfileResolved()).isTrue();
    assertThat(prod.serviceRoleArn()).isEqualTo("arn:aws:iam::111122223333:role/aws-elasticbeanstalk-service-role");
    assertThat(prod.serviceRoleResolved()).isTrue();
    assertThat(staging.instanceProfileRoleArn()).isEqualTo("arn:aws:iam::111122223333:role/app/web-ec2");
    // A service role the export lacks keeps the ARN it names, unresolved.
    assertThat(staging.serviceRoleArn()).isEqualTo("arn:aws:iam::111122223333:role/eb-custom");
    assertThat(staging.serviceRoleResolved()).isFalse();
    assertThat(dev.instanceProfileResolved()).isFalse();
    assertThat(dev.instanceProfileRoleArn()).isNull();
    assertThat(dev.serviceRole()).isNull();

    Map<String, List<String>> byRole = EnvironmentRoles.environmentsByRole(roles);
    assertThat(byRole.get("arn:aws:iam::111122223333:role/app/web-ec2"))
        .containsExactly("shop/prod (us-east-1)", "shop/staging (us-east-1)");
    assertThat(byRole).doesNotContainKey("arn:aws:iam::111122223333:role/eb-custom");
    assertThat(EnvironmentRoles.toDataset(spark(), roles).count()).isEqualTo(3);
  }

  @Test
  public void withoutExportsNothingResolves() {
    List<Row> rows = List.of(opt("prod", EnvironmentRoles.LAUNCH, "IamInstanceProfile", "web-profile"),
        opt("prod", EnvironmentRoles.ENVIRONMENT, "ServiceRole", "aws-elasticbeanstalk-service-role"));
    List<EnvironmentRole> roles =
        EnvironmentRoles.resolve(spark().createDataFrame(rows, BeanstalkSchemas.ENVIRONMENT_STATE), null);
    assertThat(roles).hasSize(1);
    assertThat(roles.get(0).instanceProfileResolved()).isFalse();
    assertThat(roles.get(0).serviceRoleResolved()).isFalse();
    assertThat(roles.get(0).serviceRoleArn()).isEqualTo("arn:aws:iam::111122223333:role/aws-elasticbeanstalk-service-role");
  }
}
