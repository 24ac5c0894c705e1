package io.ebaudit.jobs;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.config.IngestConfig;
import io.ebaudit.config.Settings;
import io.ebaudit.permissions.EnvironmentRoles;
import io.ebaudit.permissions.Verdicts;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.sample.SampleResult;
import io.ebaudit.sample.SampleSpec;
import io.ebaudit.sample.TrailGenerator;
import io.ebaudit.testing.SparkSuite;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The demo path: the sample trail analyzed with the IAM exports the sample writes beside it. */
public class DemoIamTest extends SparkSuite {
  @org.junit.Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void theSamplesIamExportsMakeThePermissionFindingsFire() throws Exception {
    Path trail = tmp.newFolder("trail").toPath();
    SampleResult sample = TrailGenerator.generate(SampleSpec.defaults(trail).withWindow(LocalDate.of(2026, 11, 20), 3));
    Path out = tmp.newFolder("out").toPath();
    Settings settings = Settings.defaults();
    IngestConfig config = IngestConfig.of(List.of(trail.toString()), null, null, Set.of(), Set.of(), out.toString(),
        1.0, settings);
    AnalyzeJob.Result r = AnalyzeJob.run(spark(), config, List.of(), settings,
        List.of(sample.iamDir().toString()));

    // The IAM exports beside AWSLogs/ are not read as trail files.
    assertThat(r.ingest().recordsQuarantined()).isZero();
    List<String> rules = spark().read().schema(FindingSchema.FINDINGS).parquet(out.resolve("findings/parquet").toString())
        .select("rule_id").distinct().as(Encoders.STRING()).collectAsList();
    assertThat(rules).contains("iam_admin_like_grant", "iam_passrole_wildcard", "iam_unused_permissions",
        "iam_unused_principal");
    assertThat(r.permissionPrincipals()).isGreaterThanOrEqualTo(3L * 14);
    assertThat(r.permissionFindings()).isPositive();
    assertThat(AnalyzeJob.describe(r)).containsPattern("permissions: \\d+ principals evaluated, [\\d,]+ findings");

    String acct = sample.accountIds().get(0);
    Dataset<Row> roles = spark().read().schema(EnvironmentRoles.ENVIRONMENT_ROLES)
        .parquet(out.resolve("permissions/environment_roles").toString());
    Row shopStaging = roles.filter(col("account_id").equalTo(acct).and(col("environment_name").equalTo("shop-staging")))
        .first();
    assertThat(shopStaging.<String>getAs("instance_profile")).isEqualTo("aws-elasticbeanstalk-ec2-role");
    assertThat(shopStaging.<String>getAs("instance_profile_role_arn"))
        .isEqualTo("arn:aws:iam::" + acct + ":role/aws-elasticbeanstalk-ec2-role");
    assertThat(shopStaging.<String>getAs("service_role_arn"))
        .isEqualTo("arn:aws:iam::" + acct + ":role/aws-elasticbeanstalk-service-role");
    assertThat(shopStaging.<Boolean>getAs("service_role_resolved")).isTrue();
    // api-prod was moved to eb-admin-instance-profile, whose role is eb-admin-ec2-role.
    Row apiProd = roles.filter(col("account_id").equalTo(acct).and(col("environment_name").equalTo("api-prod"))).first();
    assertThat(apiProd.<String>getAs("instance_profile_role_arn")).isEqualTo("arn:aws:iam::" + acct + ":role/eb-admin-ec2-role");
    assertThat(r.environmentRoles()).isEqualTo(roles.count()).isPositive();

    // The verdicts of the EC2 role name the environments using it.
    long tagged = spark().read().schema(Verdicts.VERDICTS).parquet(out.resolve("permissions/verdicts").toString())
        .filter(col("principal_arn").equalTo("arn:aws:iam::" + acct + ":role/aws-elasticbeanstalk-ec2-role")
            .and(array_contains(col("environments"), "shop/shop-staging (" + shopStaging.getAs("aws_region") + ")")))
        .count();
    assertThat(tagged).isPositive();
  }
}
