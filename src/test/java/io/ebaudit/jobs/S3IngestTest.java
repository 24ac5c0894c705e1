package io.ebaudit.jobs;

import static io.ebaudit.trail.TrailFixture.envelope;
import static io.ebaudit.trail.TrailFixture.event;
import static io.ebaudit.trail.TrailFixture.logKey;
import static io.ebaudit.trail.TrailFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ebaudit.config.IngestConfig;
import io.ebaudit.config.Settings;
import io.ebaudit.testing.S3ProxyServer;
import io.ebaudit.testing.S3aTestSupport;
import io.ebaudit.testing.SparkSuite;
import io.ebaudit.trail.EventSchema;
import io.ebaudit.trail.IngestSummary;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Ingest through hadoop-aws s3a against a real S3-compatible server (S3Proxy) on 127.0.0.1. */
public class S3IngestTest extends SparkSuite {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void readsAnOrganizationTrailFromS3aAndWritesBackToS3a() throws Exception {
    S3ProxyServer server = S3ProxyServer.shared();
    S3aTestSupport.configure(spark(), server);
    String bucket = server.createBucket("ebaudit-ingest-test");

    Path local = tmp.newFolder("trail").toPath();
    List<String> days = List.of("2026/11/19", "2026/11/20", "2026/11/21");
    int n = 0;
    for (String day : days) {
      for (String account : List.of("111122223333", "444455556666")) {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          records.add(event("ev-" + (n++), day.replace('/', '-') + "T0" + i + ":00:00Z", "ec2.amazonaws.com", "DescribeInstances"));
        }
        write(local, "logs/" + logKey("o-abc123def4", account, "us-east-1", day, "S" + n), envelope(records), true);
      }
    }
    write(local, "logs/AWSLogs/o-abc123def4/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/d.json.gz", "{}", true);
    write(local, "logs/AWSLogs/o-abc123def4/111122223333/CloudTrail/us-east-1/2026/11/20/broken.json.gz", "{\"Records\":[", true);
    S3aTestSupport.upload(local, S3aTestSupport.s3aUri(bucket, ""), spark().sparkContext().hadoopConfiguration());

    String out = S3aTestSupport.s3aUri(bucket, "ebaudit-out");
    IngestConfig config = IngestConfig.of(List.of(S3aTestSupport.s3aUri(bucket, "logs/")),
        LocalDate.of(2026, 11, 20), LocalDate.of(2026, 11, 21), Set.of(), Set.of(), out, 0.5, Settings.defaults());
    IngestSummary s = IngestJob.run(spark(), config);

    assertThat(s.filesRead()).isEqualTo(5); // 2 accounts x 2 days + the broken file
    assertThat(s.filesSkippedByReason()).containsEntry("digest", 1L);
    assertThat(s.filesQuarantined()).isEqualTo(1);
    assertThat(s.recordsKept()).isEqualTo(20);
    assertThat(s.recordsRead()).isEqualTo(s.recordsKept() + s.recordsDuplicate() + s.recordsQuarantined());
    assertThat(s.eventsPath()).startsWith("s3a://" + bucket + "/ebaudit-out/events");
    assertThat(spark().read().schema(EventSchema.EVENTS).parquet(s.eventsPath()).count()).isEqualTo(20);
    assertThat(spark().read().text(out + "/ingest-summary.json").count()).isPositive();
  }

  @Test
  public void aMissingBucketPrefixIsAOneLineConfigError() {
    S3ProxyServer server = S3ProxyServer.shared();
    S3aTestSupport.configure(spark(), server);
    String bucket = server.createBucket("ebaudit-empty");
    String missing = S3aTestSupport.s3aUri(bucket, "no/such/prefix");
    IngestConfig config = IngestConfig.of(List.of(missing), null, null, Set.of(), Set.of(),
        tmp.getRoot().toString(), null, Settings.defaults());
    assertThatThrownBy(() -> IngestJob.run(spark(), config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot read trail s3a://" + bucket + "/no/such/prefix: no such file or folder");
  }
}
