package io.ebaudit.jobs;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.config.IngestConfig;
import io.ebaudit.posture.Platforms;
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
import java.util.stream.Collectors;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The demo path: the sample trail analyzed with the exports the sample writes beside it — IAM authorization
 * details ({@code --iam}) and its platform catalog ({@code --platforms}); one analyze run for both tests.
 */
public class DemoIamTest extends SparkSuite {
  @org.junit.ClassRule public static TemporaryFolder tmp = new TemporaryFolder();

  private static SampleResult sample;
  private static Path out;
  private static AnalyzeJob.Result r;

  private synchronized void analyzeOnce() throws Exception {
    if (r != null) {
      return;
    }
    Path trail = tmp.newFolder("trail").toPath();
    sample = TrailGenerator.generate(SampleSpec.defaults(trail).withWindow(LocalDate.of(2026, 11, 20), 3));
    out = tmp.newFolder("out").toPath();
    Settings settings = Settings.defaults();
    IngestConfig config = IngestConfig.of(List.of(trail.toString()), null, null, Set.of(), Set.of(), out.toString(),
        1.0, settings);
    r = AnalyzeJob.run(spark(), config, List.of(), List.of(sample.platformsDir().toString()),
        List.of(sample.iamDir().toString()), List.of(), settings);
  }

  @Test
  public void theSamplesIamExportsMakeThePermissionFindingsFire() throws Exception {
    analyzeOnce();

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

  @Test
  public void theSamplesPlatformExportShowsEveryVerdict() throws Exception {
    analyzeOnce();
    Map<String, Row> byEnv = spark().read().schema(Platforms.PLATFORMS).parquet(out.resolve("platforms").toString())
        .collectAsList().stream().collect(Collectors.toMap(x -> x.getAs("environment_name"), x -> x));
    // shop-staging was downgraded to 4.0.3; the branch recommends 4.2.0 (4.1.0 and 4.1.1 between).
    Row staging = byEnv.get("shop-staging");
    assertThat((String) staging.getAs("finding_id")).isEqualTo("eb_platform_outdated");
    assertThat((String) staging.getAs("current_version")).isEqualTo("4.0.3");
    assertThat((String) staging.getAs("target_version")).isEqualTo("4.2.0");
    assertThat((Integer) staging.getAs("versions_behind")).isEqualTo(3);
    assertThat((String) staging.getAs("branch_lifecycle")).isEqualToIgnoringCase("supported");
    // web-dev was created on the Node.js 16 / Amazon Linux 2 branch, deprecated in the export.
    Row web = byEnv.get("web-dev");
    assertThat((String) web.getAs("finding_id")).isEqualTo("eb_platform_branch_deprecated");
    assertThat((String) web.getAs("branch")).isEqualTo("Node.js 16 running on 64bit Amazon Linux 2");
    Row api = byEnv.get("api-prod");
    assertThat((String) api.getAs("finding_id")).isEqualTo("eb_platform_branch_retired");
    // The export has no retirement dates; the reference catalog lends its date (Amazon Linux AMI: 2022-06-30),
    // so the 90-day deadline is known and long past.
    assertThat((java.sql.Date) api.getAs("retirement_date")).isNotNull();
    assertThat((String) api.getAs("severity")).isEqualTo("critical");
    assertThat((String) byEnv.get("reports-dev").getAs("finding_id")).isEqualTo("eb_platform_branch_retired");

    Set<String> fired = spark().read().schema(FindingSchema.FINDINGS).parquet(out.resolve("findings/parquet").toString())
        .filter(col("rule_id").isin(Platforms.RULE_IDS.toArray())).select("rule_id").distinct()
        .as(Encoders.STRING()).collectAsList().stream().collect(Collectors.toSet());
    assertThat(fired).containsAll(Platforms.RULE_IDS);
    // AWS's exports carry no date: the catalog is dated by the export file, and the summary says so.
    assertThat(r.platformCatalogAsOf()).isEqualTo(LocalDate.now(java.time.ZoneOffset.UTC));
    assertThat(AnalyzeJob.describe(r)).contains("platform catalog exports (dated by file time)")
        .contains("as of " + LocalDate.now(java.time.ZoneOffset.UTC));
  }
}
