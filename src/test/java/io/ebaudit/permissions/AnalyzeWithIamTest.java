package io.ebaudit.permissions;

import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.config.IngestConfig;
import io.ebaudit.config.Settings;
import io.ebaudit.jobs.AnalyzeJob;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.testing.SparkSuite;
import io.ebaudit.trail.TrailFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Encoders;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** analyze with IAM exports: the permissions outputs are written and their findings reach findings/. */
public class AnalyzeWithIamTest extends SparkSuite {
  @org.junit.Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void iamFindingsAreUnionedIntoTheFindingsTable() throws Exception {
    Path trail = tmp.newFolder("trail").toPath();
    TrailFixture.write(trail, TrailFixture.logKey(null, PermissionsStageTest.ACCOUNT, "us-east-1", "2026/11/20", "P1"),
        TrailFixture.envelope(List.of(TrailFixture.event("p1", "2026-11-20T08:00:00Z", "s3.amazonaws.com", "ListBuckets"))),
        false);
    Path iam = tmp.newFolder("iam").toPath();
    Files.writeString(iam.resolve("export.json"), PermissionsStageTest.EXPORT);
    Path out = tmp.newFolder("out").toPath();
    Settings settings = Settings.defaults();
    IngestConfig config = IngestConfig.of(List.of(trail.toString()), null, null, Set.of(), Set.of(), out.toString(),
        1.0, settings);
    AnalyzeJob.run(spark(), config, List.of(), settings, List.of(iam.toString()));

    List<String> rules = spark().read().schema(FindingSchema.FINDINGS).parquet(out.resolve("findings/parquet").toString())
        .select("rule_id").distinct().as(Encoders.STRING()).collectAsList();
    assertThat(rules).contains("iam_admin_like_grant", "iam_passrole_wildcard", "iam_unused_principal");
    assertThat(Files.isDirectory(out.resolve("permissions/usage"))).isTrue();
    assertThat(Files.isDirectory(out.resolve("permissions/denied"))).isTrue();
    assertThat(Files.isDirectory(out.resolve("permissions/verdicts"))).isTrue();
  }
}
