package io.ebaudit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.ebaudit.trail.EventsState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code weekly --incremental}: report dates whose windows overlap, each run reading only the objects no
 * earlier run read, publish the tables a full run publishes; running a date again reads nothing and changes
 * nothing; files delivered late are picked up by the next run whose window covers their day.
 */
public class WeeklyIncrementalTest extends SparkSuite {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final LocalDate START = LocalDate.of(2026, 11, 9);
  private static final LocalDate D1 = LocalDate.of(2026, 11, 15);
  /** Its window (11-12 to 11-18) overlaps D1's by four days. */
  private static final LocalDate D2 = LocalDate.of(2026, 11, 18);

  private WeeklyJob.Result weekly(SampleResult s, Path root, LocalDate date, boolean incremental) {
    return WeeklyJob.run(spark(), new WeeklyJob.Config(List.of(s.out().toString()), Set.of(), Set.of(), List.of(),
        List.of(), List.of(s.iamDir().toString()), List.of(), root.toString(), date, 1.0,
        new RunOptions(true, s.publicKeys().toString(), incremental, 60)), Settings.defaults(), WeeklyFixture.CLOCK);
  }

  @Test
  public void overlappingIncrementalWeeksPublishWhatFullRunsPublish() throws IOException {
    SampleResult s = TrailGenerator.generate(SampleSpec.defaults(tmp.newFolder("trail").toPath()).withAccounts(1)
        .withWindow(START, 10).withDuplicateRatio(0.08));
    List<Path> files = logFiles(s.out());
    // Files delivered late: every fifth one, and one of 11-13 (inside both windows).
    List<Path> late = new ArrayList<>();
    for (int i = 0; i < files.size(); i += 5) {
      late.add(files.get(i));
    }
    // The largest of 11-13: it holds events no other file has.
    Path lateIn1113 = files.stream().filter(p -> p.toString().contains("/2026/11/13/") && !late.contains(p))
        .max(java.util.Comparator.comparingLong(WeeklyIncrementalTest::size)).orElseThrow();
    late.add(lateIn1113);
    Runnable back = holdBack(s.out(), late, tmp.newFolder().toPath());

    Path inc = tmp.newFolder("inc").toPath();
    WeeklyJob.Result first = weekly(s, inc, D1, true);
    assertThat(first.published()).isTrue();
    long inWindow1 = files.stream().filter(p -> inWindow(p, START, D1)).count();
    long late1 = late.stream().filter(p -> inWindow(p, START, D1)).count();
    assertThat(first.ingest().filesRead()).isEqualTo(inWindow1 - late1);
    assertThat(first.ingest().incremental().objectsKnown()).isZero();

    back.run();
    WeeklyJob.Result second = weekly(s, inc, D2, true);
    // Read: the window's objects that D1's run did not read (days 11-16 to 11-18, and the late ones of 11-12 to 11-15).
    long expected2 = files.stream().filter(p -> inWindow(p, D2.minusDays(6), D2)
        && (!inWindow(p, START, D1) || late.contains(p))).count();
    assertThat(second.ingest().filesRead()).isEqualTo(expected2);
    assertThat(second.ingest().incremental().objectsKnown())
        .isEqualTo(files.stream().filter(p -> inWindow(p, D2.minusDays(6), D1) && !late.contains(p)).count());
    assertThat(second.ingest().incremental().duplicatesAcrossRuns()).isPositive();
    assertThat(eventsFrom(inc, D2, lateIn1113)).isPositive();
    // The report's data quality section says how much earlier runs read.
    assertThat(Files.readString(inc.resolve("report/report_date=" + D2 + "/index.html")))
        .contains("read by earlier runs (incremental)")
        .contains(String.format(java.util.Locale.ROOT, "%,d", second.ingest().incremental().objectsKnown()));

    Path full = tmp.newFolder("full").toPath();
    weekly(s, full, D2, false);
    assertSameTables(full, inc, D2);

    // The same date again: nothing read, the store and the manifest untouched, the same tables.
    TreeMap<String, Long> store = tree(inc.resolve(io.ebaudit.jobs.IngestJob.STATE_EVENTS));
    TreeMap<String, Long> manifest = tree(inc.resolve(Manifest.DIR));
    WeeklyJob.Result again = weekly(s, inc, D2, true);
    assertThat(again.ingest().filesRead()).isZero();
    assertThat(again.ingest().incremental().objectsNew()).isZero();
    assertThat(tree(inc.resolve(io.ebaudit.jobs.IngestJob.STATE_EVENTS))).isEqualTo(store);
    assertThat(tree(inc.resolve(Manifest.DIR))).isEqualTo(manifest);
    assertSameTables(full, inc, D2);

    // D1 again: only its late files of 11-09 to 11-11 (outside D2's window) are new; then it equals a full D1.
    WeeklyJob.Result rerun = weekly(s, inc, D1, true);
    assertThat(rerun.ingest().filesRead())
        .isEqualTo(late.stream().filter(p -> inWindow(p, START, D2.minusDays(7))).count());
    weekly(s, full, D1, false);
    assertSameTables(full, inc, D1);

    // The store holds each object's rows once: no object was read twice.
    Dataset<Row> rows = spark().read().schema(EventsState.SCHEMA).parquet(inc.resolve(IngestJob.STATE_EVENTS).toString());
    assertThat(rows.count()).isEqualTo(rows.select("source_object", "event_id").distinct().count());
    assertThat(Staging.isCommitted(spark().sparkContext().hadoopConfiguration(), inc.toString(), WeeklyJob.STORE_MARKER))
        .isTrue();
  }

  @Test
  public void aRunThatPublishesNothingLeavesTheStoreAndTheManifestAlone() throws IOException {
    SampleResult s = TrailGenerator.generate(SampleSpec.defaults(tmp.newFolder("trail").toPath()).withAccounts(1)
        .withWindow(START, 7));
    // A log file that is not gzip: quarantined, over a zero reject limit.
    Path bad = logFiles(s.out()).get(3);
    Files.writeString(bad, "not a log file");
    Path inc = tmp.newFolder("inc").toPath();
    WeeklyJob.Result r = WeeklyJob.run(spark(), new WeeklyJob.Config(List.of(s.out().toString()), Set.of(), Set.of(),
        List.of(), List.of(), List.of(), List.of(), inc.toString(), START.plusDays(6), 0.0,
        new RunOptions(false, null, true, 60)), Settings.defaults(), WeeklyFixture.CLOCK);
    assertThat(r.published()).isFalse();
    assertThat(r.ingest().filesRead()).isPositive();
    assertThat(inc.resolve(Manifest.DIR)).doesNotExist();
    assertThat(inc.resolve(IngestJob.STATE_EVENTS)).doesNotExist();
    try (Stream<Path> st = Files.list(inc.resolve(Staging.STAGING))) {
      assertThat(st.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".store"));
    }
  }

  @Test
  public void flatAndReportDatedIncrementalRunsDoNotShareARoot() throws IOException {
    SampleResult s = TrailGenerator.generate(SampleSpec.defaults(tmp.newFolder("trail").toPath()).withAccounts(1)
        .withWindow(START, 2));
    Path flat = tmp.newFolder("flat").toPath();
    io.ebaudit.config.IngestConfig ingest = io.ebaudit.config.IngestConfig.of(List.of(s.out().toString()), START,
        START.plusDays(1), Set.of(), Set.of(), flat.toString(), 1.0, Settings.defaults())
        .withRun(new RunOptions(false, null, true, 60));
    IngestJob.run(spark(), ingest);
    // The flat run's manifest would make the weekly run skip objects its store never held.
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> WeeklyJob.run(spark(), new WeeklyJob.Config(
        List.of(s.out().toString()), Set.of(), Set.of(), List.of(), List.of(), List.of(), List.of(), flat.toString(),
        START.plusDays(1), 1.0, new RunOptions(false, null, true, 60)), Settings.defaults(), WeeklyFixture.CLOCK)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot read incrementally into a report-dated root: it holds the outputs of ingest")
        .hasMessageEndingWith("/flat");
    assertThat(flat.resolve("run")).doesNotExist();

    Path weekly = tmp.newFolder("weekly").toPath();
    Files.createDirectories(weekly.resolve(IngestJob.STATE_EVENTS));
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> IngestJob.run(spark(),
        io.ebaudit.config.IngestConfig.of(List.of(s.out().toString()), START, START.plusDays(1), Set.of(), Set.of(),
            weekly.toString(), 1.0, Settings.defaults()).withRun(new RunOptions(false, null, true, 60)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot read incrementally into a flat root: it holds the weekly job's events store");
    assertThat(weekly.resolve(Manifest.DIR)).doesNotExist();
  }

  /** Every Parquet table of report date {@code date}, and the findings, are the same in both roots. */
  private void assertSameTables(Path expectedRoot, Path actualRoot, LocalDate date) throws IOException {
    String partition = "report_date=" + date;
    TreeSet<String> tables = new TreeSet<>();
    try (Stream<Path> st = Files.walk(expectedRoot)) {
      st.filter(p -> p.getFileName().toString().equals(partition) && !expectedRoot.relativize(p).startsWith("_staging"))
          .filter(WeeklyIncrementalTest::holdsParquet)
          .forEach(p -> tables.add(expectedRoot.relativize(p).toString()));
    }
    assertThat(tables).contains("events/" + partition, "findings/parquet/" + partition,
        "config_changes/" + partition, "permissions/verdicts/" + partition,
        "integrity/digest_verification/" + partition);
    for (String t : tables) {
      if (t.startsWith("quarantine/")) {
        continue; // an incremental run's quarantine holds what it read
      }
      Dataset<Row> e = comparable(spark().read().parquet(expectedRoot.resolve(t).toString()));
      Dataset<Row> a = comparable(spark().read().parquet(actualRoot.resolve(t).toString()));
      assertThat(a.count()).as(t).isEqualTo(e.count());
      assertThat(e.exceptAll(a).count()).as(t).isZero();
      assertThat(a.exceptAll(e).count()).as(t).isZero();
    }
    assertThat(Files.readString(actualRoot.resolve("report/" + partition + "/findings.jsonl")))
        .isEqualTo(Files.readString(expectedRoot.resolve("report/" + partition + "/findings.jsonl")));
  }

  /** Map columns as sorted entry arrays: set operations do not take maps. */
  private static Dataset<Row> comparable(Dataset<Row> table) {
    for (var f : table.schema().fields()) {
      if (f.dataType() instanceof org.apache.spark.sql.types.MapType) {
        table = table.withColumn(f.name(),
            org.apache.spark.sql.functions.array_sort(org.apache.spark.sql.functions.map_entries(table.col(f.name()))));
      }
    }
    return table;
  }

  private long eventsFrom(Path root, LocalDate date, Path file) {
    return spark().read().parquet(root.resolve("events/report_date=" + date).toString())
        .filter(org.apache.spark.sql.functions.col("source_object").endsWith(file.getFileName().toString())).count();
  }

  private static boolean holdsParquet(Path dir) {
    try (Stream<Path> st = Files.walk(dir)) {
      return st.anyMatch(p -> p.toString().endsWith(".parquet"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean inWindow(Path file, LocalDate from, LocalDate to) {
    String p = file.toString();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      if (p.contains(String.format("/%04d/%02d/%02d/", d.getYear(), d.getMonthValue(), d.getDayOfMonth()))) {
        return true;
      }
    }
    return false;
  }

}
