package io.ebaudit.jobs;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.config.IngestConfig;
import io.ebaudit.config.Settings;
import io.ebaudit.posture.Platforms;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.sample.SampleResult;
import io.ebaudit.sample.SampleSpec;
import io.ebaudit.sample.TrailGenerator;
import io.ebaudit.testing.SparkSuite;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The demo path for platforms: the sample trail analyzed with the platform export the sample writes beside it. */
public class DemoPlatformsTest extends SparkSuite {
  @org.junit.Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void theSamplesPlatformExportShowsEveryVerdict() throws Exception {
    Path trail = tmp.newFolder("trail").toPath();
    SampleResult sample = TrailGenerator.generate(SampleSpec.defaults(trail).withWindow(LocalDate.of(2026, 11, 20), 3));
    Path out = tmp.newFolder("out").toPath();
    Settings settings = Settings.defaults();
    IngestConfig config = IngestConfig.of(List.of(trail.toString()), null, null, Set.of(), Set.of(), out.toString(),
        1.0, settings);
    AnalyzeJob.Result r = AnalyzeJob.run(spark(), config, List.of(), List.of(sample.platformsDir().toString()),
        List.of(), List.of(), settings);

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
