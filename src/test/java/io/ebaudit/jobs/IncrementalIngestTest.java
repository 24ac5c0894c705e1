package io.ebaudit.jobs;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.config.IngestConfig;
import io.ebaudit.config.RunOptions;
import io.ebaudit.config.Settings;
import io.ebaudit.io.Manifest;
import io.ebaudit.io.Staging;
import io.ebaudit.sample.SampleResult;
import io.ebaudit.sample.SampleSpec;
import io.ebaudit.sample.TrailGenerator;
import io.ebaudit.testing.SparkSuite;
import static io.ebaudit.testing.TrailFiles.holdBack;
import static io.ebaudit.testing.TrailFiles.logFiles;
import static io.ebaudit.testing.TrailFiles.tree;
import io.ebaudit.trail.EventSchema;
import io.ebaudit.trail.IngestSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code --incremental}: merged runs equal one full run over the same objects, a second run with nothing
 * new changes nothing, a file delivered late into an earlier day is picked up, and the manifest only
 * learns objects whose events were committed.
 */
public class IncrementalIngestTest extends SparkSuite {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final LocalDate FROM = LocalDate.of(2026, 11, 16);

  private SampleResult sample(Path dir) throws IOException {
    // Many re-deliveries (a quarter of them UPDATED_DATA), so merges meet copies of earlier runs' events.
    return TrailGenerator.generate(SampleSpec.defaults(dir).withAccounts(2).withRegions(List.of("us-east-1"))
        .withWindow(FROM, 3).withDuplicateRatio(0.08));
  }

  private IngestSummary ingest(Path trail, Path out, boolean incremental, boolean verify) {
    IngestConfig config = IngestConfig.of(List.of(trail.toString()), FROM, FROM.plusDays(3), Set.of(), Set.of(),
        out.toString(), 1.0, Settings.defaults())
        .withRun(RunOptions.of(verify, null, incremental, Settings.defaults()));
    return IngestJob.run(spark(), config);
  }

  private Dataset<Row> events(Path out) {
    return spark().read().schema(EventSchema.EVENTS).parquet(out.resolve("events").toString());
  }

  private static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
    assertThat(actual.count()).isEqualTo(expected.count());
    assertThat(expected.except(actual).count()).isZero();
    assertThat(actual.except(expected).count()).isZero();
  }

  @Test
  public void incrementalRunsEqualOneFullRunAndASecondRunChangesNothing() throws IOException {
    SampleResult s = sample(tmp.newFolder("trail").toPath());
    Path trail = s.out();
    Path full = tmp.newFolder("full").toPath();
    IngestSummary all = ingest(trail, full, false, false);

    // Every third file arrives only later: re-deliveries and UPDATED_DATA copies of events already merged.
    List<Path> files = logFiles(trail);
    List<Path> later = new ArrayList<>();
    for (int i = 0; i < files.size(); i += 3) {
      later.add(files.get(i));
    }
    Runnable back = holdBack(trail, later, tmp.newFolder().toPath());
    Path inc = tmp.newFolder("inc").toPath();
    IngestSummary first = ingest(trail, inc, true, false);
    assertThat(first.incremental().objectsNew()).isEqualTo(files.size() - later.size());
    back.run();
    IngestSummary second = ingest(trail, inc, true, false);
    assertThat(second.incremental().objectsKnown()).isEqualTo(files.size() - later.size());
    assertThat(second.incremental().objectsNew()).isEqualTo(later.size());
    assertThat(second.filesRead()).isEqualTo(later.size());
    assertThat(second.incremental().duplicatesAcrossRuns()).isPositive();
    assertThat(IngestSummary.fromJson(Files.readString(inc.resolve("ingest-summary.json"))).incremental())
        .isEqualTo(second.incremental());

    assertSameRows(events(full), events(inc));
    assertThat(events(inc).count()).isEqualTo(all.recordsKept());
    // The UPDATED_DATA copies won where the full run has them win.
    assertSameRows(events(full).filter(col("addendum.reason").equalTo("UPDATED_DATA")).select("event_id", "source_object"),
        events(inc).filter(col("addendum.reason").equalTo("UPDATED_DATA")).select("event_id", "source_object"));

    // Nothing new: nothing read, no day rewritten, the events and the manifest untouched.
    TreeMap<String, Long> eventsBefore = tree(inc.resolve("events"));
    TreeMap<String, Long> manifestBefore = tree(inc.resolve(Manifest.DIR));
    IngestSummary third = ingest(trail, inc, true, false);
    assertThat(third.filesRead()).isZero();
    assertThat(third.incremental().objectsNew()).isZero();
    assertThat(third.incremental().daysRewritten()).isEmpty();
    assertThat(tree(inc.resolve("events"))).isEqualTo(eventsBefore);
    assertThat(tree(inc.resolve(Manifest.DIR))).isEqualTo(manifestBefore);
    assertSameRows(events(full), events(inc));
    assertThat(Staging.isCommitted(spark().sparkContext().hadoopConfiguration(), inc.toString(), IngestJob.MARKER)).isTrue();
  }

  @Test
  public void aFileDeliveredLateIntoAnEarlierDayIsPickedUp() throws IOException {
    SampleResult s = sample(tmp.newFolder("trail").toPath());
    Path trail = s.out();
    Path full = tmp.newFolder("full").toPath();
    ingest(trail, full, false, false);
    // A file of the first day turns up after the run that read that day.
    Path late = logFiles(trail).stream().filter(p -> p.toString().contains("/2026/11/16/")).skip(40).findFirst().orElseThrow();
    Runnable back = holdBack(trail, List.of(late), tmp.newFolder().toPath());
    Path inc = tmp.newFolder("inc").toPath();
    ingest(trail, inc, true, false);
    back.run();
    IngestSummary second = ingest(trail, inc, true, false);
    assertThat(second.filesRead()).isEqualTo(1);
    assertThat(second.incremental().daysRewritten()).contains("2026-11-16");
    assertThat(events(inc).filter(col("source_object").endsWith(late.getFileName().toString())).count()).isPositive();
    assertSameRows(events(full), events(inc));
  }

  @Test
  public void reportDatedRunsPublishTheirOwnPartitionsAndKeepTheEventsStoreApart() throws IOException {
    SampleResult s = sample(tmp.newFolder("trail").toPath());
    Path root = tmp.newFolder("weekly").toPath();
    org.apache.hadoop.conf.Configuration hadoop = spark().sparkContext().hadoopConfiguration();
    long total = 0;
    for (String date : List.of("2026-11-17", "2026-11-19")) {
      LocalDate to = LocalDate.parse(date);
      IngestConfig config = IngestConfig.of(List.of(s.out().toString()), FROM, to, Set.of(), Set.of(), root.toString(),
          1.0, Settings.defaults()).withRun(RunOptions.of(true, s.publicKeys().toString(), true, Settings.defaults()));
      // One staging for the report date's outputs and the events store, committed once.
      try (Staging staging = Staging.open(hadoop, root.toString())) {
        IngestJob.Staged in = IngestJob.stage(spark(), config, staging, "report_date=" + date);
        assertThat(in.events().count()).isEqualTo(in.summary().incremental().rowsAfter());
        staging.commit("report_date=" + date);
        total = in.summary().incremental().objectsListed();
      }
      assertThat(Staging.isCommitted(hadoop, root.toString(), "report_date=" + date)).isTrue();
      assertThat(root.resolve("ingest-summary/report_date=" + date + "/ingest-summary.json")).exists();
      assertThat(root.resolve("integrity/summary/report_date=" + date + "/summary.json")).exists();
    }
    // Both report dates are there, each complete; the cumulative table holds every object read once.
    Dataset<Row> checks = spark().read().parquet(root.resolve("integrity/digest_verification").toString());
    assertThat(checks.select("report_date").distinct().count()).isEqualTo(2);
    assertThat(checks.filter(col("rule_id").isNotNull()).count()).isZero();
    assertThat(spark().read().parquet(root.resolve("events").toString()).select("report_date").distinct().count())
        .isEqualTo(2);
    Path full = tmp.newFolder("full").toPath();
    IngestJob.run(spark(), IngestConfig.of(List.of(s.out().toString()), FROM, LocalDate.parse("2026-11-19"), Set.of(),
        Set.of(), full.toString(), 1.0, Settings.defaults()));
    // The second date's window is the full run's; the store holds each object's rows once.
    assertSameRows(events(full), spark().read().schema(EventSchema.EVENTS).parquet(root.resolve("events/report_date=2026-11-19").toString()));
    Dataset<Row> store = spark().read().schema(io.ebaudit.trail.EventsState.SCHEMA).parquet(root.resolve(IngestJob.STATE_EVENTS).toString());
    assertThat(store.count()).isEqualTo(store.select("source_object", "event_id").distinct().count());
    assertThat(total).isEqualTo(logFiles(s.out()).stream().filter(p -> !p.toString().contains("/2026/11/20/")).count());
  }

  @Test
  public void theManifestLearnsObjectsOnlyOnceTheirEventsAreCommitted() throws IOException {
    SampleResult s = sample(tmp.newFolder("trail").toPath());
    Path inc = tmp.newFolder("inc").toPath();
    IngestConfig config = IngestConfig.of(List.of(s.out().toString()), FROM, FROM.plusDays(3), Set.of(), Set.of(),
        inc.toString(), 1.0, Settings.defaults()).withRun(RunOptions.of(true, null, true, Settings.defaults()));
    // A run that stages everything and then fails before its commit.
    try (Staging staging = Staging.open(spark().sparkContext().hadoopConfiguration(), inc.toString())) {
      IngestJob.Staged staged = IngestJob.stage(spark(), config, staging);
      assertThat(staged.summary().filesRead()).isPositive();
    }
    assertThat(inc.resolve(Manifest.DIR)).doesNotExist();
    assertThat(inc.resolve("events")).doesNotExist();
    assertThat(inc.resolve("_staging")).doesNotExist();

    // The same run committed: the manifest holds every object read, with its hash.
    IngestSummary done = IngestJob.run(spark(), config);
    Manifest m = Manifest.read(spark().sparkContext().hadoopConfiguration(), inc.toString(),
        new io.ebaudit.trail.TrailDiscovery(spark().sparkContext().hadoopConfiguration(), config.filter(), 4, null)
            .discover(config.trails()).logs());
    assertThat((long) m.size()).isEqualTo(done.filesRead());
    // Hashes were kept, so a later verified run need not read old objects again.
    IngestSummary again = IngestJob.run(spark(), config);
    assertThat(again.filesRead()).isZero();
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(inc.resolve("integrity/summary.json").toFile())
        .at("/log_file_status/valid").asLong()).isEqualTo(done.filesRead());
  }
}
