package io.ebaudit.jobs;

import static io.ebaudit.trail.TrailFixture.envelope;
import static io.ebaudit.trail.TrailFixture.event;
import static io.ebaudit.trail.TrailFixture.logKey;
import static io.ebaudit.trail.TrailFixture.write;
import static io.ebaudit.trail.TrailFixture.writeBytes;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.split;
import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.config.IngestConfig;
import io.ebaudit.config.Settings;
import io.ebaudit.testing.SparkSuite;
import io.ebaudit.trail.EventSchema;
import io.ebaudit.trail.IngestSummary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The ingest stage end to end on local files, DataFrame-level checks with spark-testing-base. */
public class IngestJobTest extends SparkSuite {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final String[] REAL = {
    "trailscraper/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json.gz",
    "trailscraper/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json",
    "trailscraper/events-for-smoke-test.json",
    "panther/aws_cloudtrail_rules_test_events.json",
    "awsdocs/UpdateEnvironment_example_2023.json",
    "processing-library/SerializerAllFieldsNull.json",
    "processing-library/SerializerTestFile.json",
    "processing-library/SerializerTestFileBadFieldName.json",
    "processing-library/SerializerTestFileBadJsonFormat.json",
    "processing-library/SerializerTestFileCompact.json",
    "processing-library/SerializerTestFileCompact.json.gz",
    "processing-library/SerializerTestFileLocation.json",
    "processing-library/SerializerTestFileMissField.json",
    "processing-library/SerializerTestFileNewFieldAtRandomPlaces.json",
    "processing-library/SerializerTestFileNewFieldName.json",
    "processing-library/SerializerTestFileNewFieldsInRoot.json",
    "processing-library/SerializerTestFileNewFieldsInUserIdentity.json",
    "processing-library/SerializerVariousUserIdentityTestFile.json",
  };

  private IngestSummary ingest(Path trail, Path out, double maxReject, String... set) {
    IngestConfig config = IngestConfig.of(List.of(trail.toString()), null, null, Set.of(), Set.of(),
        out.toString(), maxReject, Settings.defaults().with(List.of(set)));
    return IngestJob.run(spark(), config);
  }

  private Dataset<Row> events(Path out) {
    return spark().read().schema(EventSchema.EVENTS).parquet(out.resolve("events").toString());
  }

  @Test
  public void everyRealRecordIsAccountedFor() throws IOException {
    Path trail = tmp.newFolder("real").toPath();
    for (String r : REAL) {
      try (InputStream in = getClass().getResourceAsStream("/real/" + r)) {
        writeBytes(trail, r, in.readAllBytes(), false);
      }
    }
    Path out = tmp.newFolder("out").toPath();
    IngestSummary s = ingest(trail, out, 1.0);

    // 2 + 2 + 3 + 451 + 1 + 41 records in the files, less those after the malformed file's break.
    assertThat(s.filesListed()).isEqualTo(REAL.length);
    assertThat(s.filesRead()).isEqualTo(REAL.length);
    assertThat(s.filesQuarantined()).isEqualTo(1); // SerializerTestFileBadJsonFormat.json
    assertThat(s.recordsRead()).isEqualTo(s.recordsKept() + s.recordsDuplicate() + s.recordsQuarantined());
    assertThat(s.recordsRead()).isBetween(490L, 500L);
    assertThat(s.recordsDuplicate()).isPositive(); // the .json and .json.gz copies, Panther's reused ids

    Dataset<Row> events = events(out);
    assertThat(events.count()).isEqualTo(s.recordsKept());
    assertThat(events.select("event_id").distinct().count()).isEqualTo(s.recordsKept());
    assertThat(events.filter(col("event_source").equalTo("elasticbeanstalk.amazonaws.com")).count()).isEqualTo(1);
    // Computed in Spark tasks (a deserialized mapper): calls needing no permission have no action.
    assertThat(events.filter(col("event_name").equalTo("ConsoleLogin")).count()).isPositive();
    assertThat(events.filter(col("event_name").equalTo("ConsoleLogin").and(col("iam_action").isNotNull())).count()).isZero();
    assertThat(events.filter(col("iam_action").startsWith("<")).count()).isZero();

    Dataset<Row> q = spark().read().schema(EventSchema.QUARANTINE).json(out.resolve("quarantine").toString());
    assertThat(q.filter(col("scope").equalTo("record")).count()).isEqualTo(s.recordsQuarantined());
    assertThat(q.filter(col("scope").equalTo("file")).count()).isEqualTo(s.filesQuarantined());
    assertThat(q.filter(col("reason").isNull().or(col("source_object").isNull())).count()).isZero();

    IngestSummary onDisk = IngestSummary.fromJson(Files.readString(out.resolve("ingest-summary.json")));
    assertThat(onDisk).isEqualTo(s);
  }

  @Test
  public void duplicatesKeepOneRowAndUpdatedDataWins() {
    Path trail = tmp.getRoot().toPath().resolve("dups");
    String a = event("id-a", "2026-11-20T10:00:00Z", "ec2.amazonaws.com", "RunInstances");
    String b = event("id-b", "2026-11-20T10:01:00Z", "s3.amazonaws.com", "ListBuckets");
    String bUpdated = b.replace("\"eventType\"", "\"addendum\":{\"reason\":\"UPDATED_DATA\",\"updatedFields\":\"userAgent\","
        + "\"originalRequestID\":\"r\",\"originalEventID\":\"id-b\"},\"eventType\"");
    String c = event("id-c", "2026-11-21T23:59:59Z", "iam.amazonaws.com", "CreateUser");
    // The account trail and the organization trail deliver the same events; an update arrives late.
    write(trail, logKey(null, "111122223333", "us-east-1", "2026/11/20", "A1"), envelope(List.of(a, b)), true);
    write(trail, logKey("o-aaaaaaaaaa", "111122223333", "us-east-1", "2026/11/20", "A2"), envelope(List.of(a, b)), true);
    write(trail, logKey(null, "111122223333", "us-east-1", "2026/11/22", "A3"), envelope(List.of(bUpdated, c)), true);
    Path out = tmp.getRoot().toPath().resolve("dups-out");
    IngestSummary s = ingest(trail, out, 0.0);

    assertThat(s.recordsRead()).isEqualTo(6);
    assertThat(s.recordsKept()).isEqualTo(3);
    assertThat(s.recordsDuplicate()).isEqualTo(3);
    assertThat(s.recordsQuarantined()).isZero();

    StructType schema = new StructType()
        .add("event_id", DataTypes.StringType, false)
        .add("event_date", DataTypes.DateType, true)
        .add("file", DataTypes.StringType, true)
        .add("addendum_reason", DataTypes.StringType, true);
    Dataset<Row> expected = spark().createDataFrame(List.of(
        RowFactory.create("id-a", java.sql.Date.valueOf("2026-11-20"), "111122223333_CloudTrail_us-east-1_20261120T0005Z_A1.json.gz", null),
        RowFactory.create("id-b", java.sql.Date.valueOf("2026-11-20"), "111122223333_CloudTrail_us-east-1_20261122T0005Z_A3.json.gz", "UPDATED_DATA"),
        RowFactory.create("id-c", java.sql.Date.valueOf("2026-11-21"), "111122223333_CloudTrail_us-east-1_20261122T0005Z_A3.json.gz", null)),
        schema);
    Dataset<Row> actual = events(out)
        .select(col("event_id"), col("event_date"),
            element_at(split(col("source_object"), "/"), -1).as("file"), col("addendum.reason").as("addendum_reason"))
        .orderBy("event_id");
    assertFramesEqual(expected, spark().createDataFrame(actual.collectAsList(), schema));
    // Hive-style partitions by event date.
    assertThat(out.resolve("events/event_date=2026-11-20")).isDirectory();
    assertThat(out.resolve("events/event_date=2026-11-21")).isDirectory();
  }

  @Test
  public void badInputIsQuarantinedWithItsReasonAndNeverKillsTheRun() throws IOException {
    Path trail = tmp.newFolder("bad").toPath();
    String good = envelope(List.of(event("g-1", "2026-11-20T10:00:00Z", "ec2.amazonaws.com", "DescribeInstances"),
        event("g-2", "2026-11-20T10:00:01Z", "ec2.amazonaws.com", "DescribeInstances")));
    write(trail, logKey(null, "111122223333", "us-east-1", "2026/11/20", "G1"), good, true);
    // Corrupt gzip: a valid header, then garbage.
    byte[] gz = Files.readAllBytes(write(trail, "x/tmp.json.gz", good, true));
    Files.delete(trail.resolve("x/tmp.json.gz"));
    byte[] corrupt = java.util.Arrays.copyOf(gz, gz.length);
    for (int i = 12; i < corrupt.length - 8; i++) {
      corrupt[i] = (byte) (corrupt[i] ^ 0x5a);
    }
    writeBytes(trail, logKey(null, "111122223333", "us-east-1", "2026/11/20", "C1"), corrupt, false);
    // Truncated gzip.
    writeBytes(trail, logKey(null, "111122223333", "us-east-1", "2026/11/20", "T1"), java.util.Arrays.copyOf(gz, gz.length / 2), false);
    // Truncated JSON in a valid gzip.
    write(trail, logKey(null, "111122223333", "us-east-1", "2026/11/20", "T2"), good.substring(0, good.length() - 30), true);
    // JSON that is not CloudTrail; a record without eventTime.
    write(trail, logKey(null, "111122223333", "us-east-1", "2026/11/20", "N1"), "{\"hello\":\"world\"}", true);
    write(trail, logKey(null, "111122223333", "us-east-1", "2026/11/20", "M1"),
        envelope(List.of("{\"eventID\":\"m-1\",\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":\"X\"}")), true);
    Path out = tmp.newFolder("bad-out").toPath();
    IngestSummary s = ingest(trail, out, 0.5);

    assertThat(s.filesRead()).isEqualTo(6);
    assertThat(s.filesQuarantined()).isEqualTo(4); // corrupt, truncated gzip, truncated JSON, not CloudTrail
    assertThat(s.recordsKept()).isEqualTo(2);
    assertThat(s.recordsRead()).isEqualTo(s.recordsKept() + s.recordsDuplicate() + s.recordsQuarantined());
    List<String> reasons = spark().read().schema(EventSchema.QUARANTINE).json(out.resolve("quarantine").toString())
        .select("reason").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(reasons).anyMatch(r -> r.startsWith("corrupt gzip"))
        .anyMatch(r -> r.startsWith("malformed JSON at byte"))
        .anyMatch(r -> r.startsWith("not CloudTrail"))
        .contains("missing eventTime");
    // Read: g-1, g-2, g-1 again (before the truncated file's break) and m-1. Rejected: m-1 and 4 files
    // of 4 records and 4 files: over half, so the run fails (after writing all of it).
    assertThat(s.recordsDuplicate()).isEqualTo(1);
    assertThat(s.rejectRatio()).isEqualTo(5.0 / 8.0);
    assertThat(s.overThreshold()).isTrue();
    java.io.StringWriter err = new java.io.StringWriter();
    assertThat(IngestCommand.exitCode(s, new java.io.PrintWriter(err))).isEqualTo(1);
    assertThat(err.toString()).startsWith("ebaudit: Cannot finish ingest: 0.6250 of what was read was quarantined");
  }

  @Test
  public void splittingAnAccountRegionGroupAcrossTasksGivesTheSameTable() throws IOException {
    Path trail = tmp.newFolder("split").toPath();
    List<String> all = new java.util.ArrayList<>();
    for (int f = 0; f < 12; f++) {
      List<String> records = new java.util.ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int id = f * 20 + i;
        records.add(event(String.format("00000000-0000-4000-8000-%012d", id), "2026-11-2" + (f % 3) + "T10:00:00Z",
            "ec2.amazonaws.com", "DescribeInstances"));
      }
      all.addAll(records);
      String day = "2026/11/2" + (f % 3);
      write(trail, logKey(null, "111122223333", "us-east-1", day, "F" + f), envelope(records), true);
      // Every third file is delivered again by an organization trail, half an hour later.
      if (f % 3 == 0) {
        String late = logKey("o-aaaaaaaaaa", "111122223333", "us-east-1", day, "L" + f).replace("T0005Z", "T0035Z");
        write(trail, late, envelope(records), true);
      }
    }
    Path whole = tmp.newFolder("whole-out").toPath();
    Path split = tmp.newFolder("split-out").toPath();
    IngestSummary a = ingest(trail, whole, 0.0);
    IngestSummary b = ingest(trail, split, 0.0, "ingest.target_task_bytes=100", "ingest.max_task_bytes=600");
    assertThat(a.recordsKept()).isEqualTo(240);
    assertThat(a.recordsDuplicate()).isEqualTo(80);
    assertThat(b.recordsKept()).isEqualTo(a.recordsKept());
    assertThat(b.recordsDuplicate()).isEqualTo(a.recordsDuplicate());
    Dataset<Row> keptWhole = events(whole).select("event_id", "source_object").orderBy("event_id");
    Dataset<Row> keptSplit = events(split).select("event_id", "source_object").orderBy("event_id");
    assertFramesEqual(keptWhole, keptSplit);
    // The later (organization trail) delivery is the copy kept.
    assertThat(events(whole).filter(col("source_object").contains("o-aaaaaaaaaa")).count()).isEqualTo(80);
  }

  @Test
  public void anUpdateWinsEvenWhenAnotherTrailDeliversTheOriginalLater() throws IOException {
    Path trail = tmp.newFolder("late-org").toPath();
    String orig = event("00000000-0000-4000-8000-00000000000a", "2026-11-20T10:00:00Z", "s3.amazonaws.com", "ListBuckets");
    String updated = orig.replace("\"eventType\"", "\"addendum\":{\"reason\":\"UPDATED_DATA\",\"updatedFields\":\"userAgent\"},\"eventType\"");
    // Account trail: original at 10:05, update at 11:05; the organization trail's original comes at 12:05.
    write(trail, logKey(null, "111122223333", "us-east-1", "2026/11/20", "A").replace("T0005Z", "T1005Z"), envelope(List.of(orig)), true);
    write(trail, logKey(null, "111122223333", "us-east-1", "2026/11/20", "B").replace("T0005Z", "T1105Z"), envelope(List.of(updated)), true);
    write(trail, logKey("o-aaaaaaaaaa", "111122223333", "us-east-1", "2026/11/20", "C").replace("T0005Z", "T1205Z"), envelope(List.of(orig)), true);
    Path out = tmp.newFolder("late-org-out").toPath();
    IngestSummary s = ingest(trail, out, 0.0);
    assertThat(s.recordsKept()).isEqualTo(1);
    assertThat(s.recordsDuplicate()).isEqualTo(2);
    assertThat(events(out).select("addendum.reason").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactly("UPDATED_DATA");
  }
}
