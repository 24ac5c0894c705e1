package io.ebaudit.jobs;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.config.IngestConfig;
import io.ebaudit.config.RunOptions;
import io.ebaudit.config.Settings;
import io.ebaudit.integrity.DigestVerification;
import io.ebaudit.io.Staging;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.sample.SampleResult;
import io.ebaudit.sample.SampleSpec;
import io.ebaudit.sample.Tamper;
import io.ebaudit.sample.TrailGenerator;
import io.ebaudit.testing.SparkSuite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** analyze as a production run: digest findings among the others, incremental = full, atomic outputs. */
public class AnalyzeProductionTest extends SparkSuite {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final LocalDate FROM = LocalDate.of(2026, 11, 16);

  private AnalyzeJob.Result analyze(Path trail, Path out, RunOptions run, List<String> snapshots) {
    IngestConfig config = IngestConfig.of(List.of(trail.toString()), FROM, FROM.plusDays(2), Set.of(), Set.of(),
        out.toString(), 1.0, Settings.defaults()).withRun(run);
    return AnalyzeJob.run(spark(), config, snapshots, Settings.defaults());
  }

  private Dataset<Row> findings(Path out) {
    return spark().read().schema(FindingSchema.FINDINGS).parquet(out.resolve("findings/parquet").toString());
  }

  /** Maps (the environment tags) cannot be compared by set operations: as sorted entry arrays they can. */
  private static Dataset<Row> comparable(Dataset<Row> d) {
    for (var f : d.schema().fields()) {
      if (f.dataType() instanceof org.apache.spark.sql.types.MapType) {
        d = d.withColumn(f.name(), org.apache.spark.sql.functions.array_sort(org.apache.spark.sql.functions.map_entries(col(f.name()))));
      }
    }
    return d;
  }

  private static void assertSameRows(Dataset<Row> expectedRows, Dataset<Row> actualRows) {
    Dataset<Row> expected = comparable(expectedRows);
    Dataset<Row> actual = comparable(actualRows);
    assertThat(actual.count()).isEqualTo(expected.count());
    assertThat(expected.except(actual).count()).isZero();
    assertThat(actual.except(expected).count()).isZero();
  }

  @Test
  public void digestFindingsJoinTheOthersAndAnIncrementalAnalyzeEqualsAFullOne() throws IOException {
    SampleResult s = TrailGenerator.generate(SampleSpec.defaults(tmp.newFolder("trail").toPath()).withAccounts(1)
        .withRegions(List.of("us-east-1")).withWindow(FROM, 2).withTamper(Set.of(Tamper.DELETE_LOG)));
    Path full = tmp.newFolder("full").toPath();
    AnalyzeJob.Result r = analyze(s.out(), full, RunOptions.of(true, s.publicKeys().toString(), false, Settings.defaults()),
        List.of());
    Dataset<Row> f = findings(full);
    assertThat(f.filter(col("rule_id").equalTo(DigestVerification.LOG_FILE_MISSING)).count()).isEqualTo(1);
    assertThat(f.filter(col("rule_id").startsWith("eb_")).count()).isPositive();
    assertThat(r.openFindingsBySeverity().get("high")).isPositive();
    assertThat(full.resolve("integrity/digest_verification")).isDirectory();
    assertThat(Staging.isCommitted(spark().sparkContext().hadoopConfiguration(), full.toString(), IngestJob.MARKER)).isTrue();
    assertThat(full.resolve("_staging")).doesNotExist();
    assertThat(r.out()).isEqualTo(full.toUri().toString().replaceAll("/$", "").replace("file:///", "file:/"));

    // The same trail, the first day's files only at first, then the rest: two incremental runs.
    List<Path> secondDay;
    try (Stream<Path> p = Files.walk(s.out().resolve("AWSLogs"))) {
      secondDay = p.filter(x -> x.toString().contains("/CloudTrail/") && x.toString().contains("/2026/11/17/")
          && Files.isRegularFile(x)).toList();
    }
    Path aside = tmp.newFolder("aside").toPath();
    for (Path x : secondDay) {
      Files.move(x, aside.resolve(x.getFileName()));
    }
    Path inc = tmp.newFolder("inc").toPath();
    RunOptions incremental = RunOptions.of(true, s.publicKeys().toString(), true, Settings.defaults());
    analyze(s.out(), inc, incremental, List.of());
    for (Path x : secondDay) {
      Files.move(aside.resolve(x.getFileName()), x);
    }
    AnalyzeJob.Result second = analyze(s.out(), inc, incremental, List.of());
    assertThat(second.ingest().incremental().objectsNew()).isEqualTo(secondDay.size());

    for (String table : List.of("beanstalk_events", "config_changes", "environment_state", "platforms", "coverage", "imds")) {
      assertSameRows(spark().read().parquet(full.resolve(table).toString()), spark().read().parquet(inc.resolve(table).toString()));
    }
    assertSameRows(f.select("finding_id", "rule_id", "severity", "status", "detail", "evidence"),
        findings(inc).select("finding_id", "rule_id", "severity", "status", "detail", "evidence"));
  }

  @Test
  public void aFailedAnalyzeLeavesThePreviousOutputsAsTheyWere() throws IOException {
    SampleResult s = TrailGenerator.generate(SampleSpec.defaults(tmp.newFolder("trail").toPath()).withAccounts(1)
        .withRegions(List.of("us-east-1")).withWindow(FROM, 1));
    Path out = tmp.newFolder("out").toPath();
    analyze(s.out(), out, RunOptions.defaults(), List.of());
    long changes = spark().read().schema(BeanstalkSchemas.CONFIG_CHANGES).parquet(out.resolve("config_changes").toString()).count();
    byte[] marker = Files.readAllBytes(out.resolve("_commits/latest.json"));
    byte[] csv = Files.readAllBytes(out.resolve("findings/findings.csv"));

    // This run fails after ingest has staged its tables (the snapshot is read later).
    String missing = tmp.getRoot().toPath().resolve("no-such-snapshot.json").toString();
    assertThatThrownBy(() -> analyze(s.out(), out, RunOptions.defaults(), List.of(missing)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-snapshot.json");
    assertThat(out.resolve("_staging")).doesNotExist();
    assertThat(Files.readAllBytes(out.resolve("_commits/latest.json"))).isEqualTo(marker);
    assertThat(Files.readAllBytes(out.resolve("findings/findings.csv"))).isEqualTo(csv);
    assertThat(spark().read().schema(BeanstalkSchemas.CONFIG_CHANGES).parquet(out.resolve("config_changes").toString()).count())
        .isEqualTo(changes);
  }
}
