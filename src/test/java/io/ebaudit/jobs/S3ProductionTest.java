package io.ebaudit.jobs;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import com.amazonaws.services.s3.model.ListObjectsV2Request;
import com.amazonaws.services.s3.model.ListObjectsV2Result;
import com.amazonaws.services.s3.model.ObjectMetadata;
import com.amazonaws.services.s3.model.PutObjectRequest;
import com.amazonaws.services.s3.model.S3ObjectSummary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ebaudit.config.IngestConfig;
import io.ebaudit.config.RunOptions;
import io.ebaudit.config.Settings;
import io.ebaudit.integrity.DigestVerification;
import io.ebaudit.io.Staging;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.sample.SampleResult;
import io.ebaudit.sample.SampleSpec;
import io.ebaudit.sample.TrailGenerator;
import io.ebaudit.testing.FaultProxy;
import io.ebaudit.testing.FaultProxy.Fault;
import io.ebaudit.testing.S3ProxyServer;
import io.ebaudit.testing.S3aTestSupport;
import io.ebaudit.testing.SparkSuite;
import io.ebaudit.trail.EventSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Production runs on S3: ingest and analyze with the trail and the outputs on {@code s3a://} (S3Proxy on
 * 127.0.0.1) through a {@link FaultProxy} that throttles, fails and resets requests. With faults a few
 * retries absorb, the run succeeds and writes what a run without faults writes; with faults that do not
 * stop, it fails with one clear line and leaves nothing behind.
 */
public class S3ProductionTest extends SparkSuite {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final LocalDate FROM = LocalDate.of(2026, 11, 16);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static AmazonS3 client(S3ProxyServer server) {
    return AmazonS3ClientBuilder.standard()
        .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(server.endpoint(), "us-east-1"))
        .withPathStyleAccessEnabled(true)
        .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(server.accessKey(), server.secretKey())))
        .build();
  }

  /** Uploads the sample as CloudTrail delivers it: each digest with its signature in the object's metadata. */
  private static void upload(AmazonS3 s3, SampleResult s, String bucket) throws IOException {
    Map<String, String> signatures = new HashMap<>();
    for (String line : Files.readAllLines(s.out().resolve(TrailGenerator.DIGEST_SIGNATURES))) {
      JsonNode n = JSON.readTree(line);
      signatures.put(n.get("key").asText(), n.get("signature").asText());
    }
    try (Stream<Path> files = Files.walk(s.out())) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String key = s.out().relativize(f).toString();
        ObjectMetadata md = new ObjectMetadata();
        if (signatures.containsKey(key)) {
          md.addUserMetadata("signature", signatures.get(key));
          md.addUserMetadata("signature-algorithm", "SHA256withRSA");
        }
        s3.putObject(new PutObjectRequest(bucket, key, f.toFile()).withMetadata(md));
      }
    }
  }

  /** Keys in a bucket, directory markers left out. */
  private static List<String> keys(AmazonS3 s3, String bucket) {
    List<String> out = new ArrayList<>();
    ListObjectsV2Request req = new ListObjectsV2Request().withBucketName(bucket);
    ListObjectsV2Result r;
    do {
      r = s3.listObjectsV2(req);
      for (S3ObjectSummary o : r.getObjectSummaries()) {
        if (!o.getKey().endsWith("/")) {
          out.add(o.getKey());
        }
      }
      req.setContinuationToken(r.getNextContinuationToken());
    } while (r.isTruncated());
    return out;
  }

  /** s3a for {@code bucket} goes through the proxy, retrying as production does (see README), only faster. */
  private void throughProxy(String bucket, FaultProxy proxy) {
    throughProxy(bucket, proxy, 8);
  }

  private void throughProxy(String bucket, FaultProxy proxy, int throttleRetries) {
    Configuration c = spark().sparkContext().hadoopConfiguration();
    String p = "fs.s3a.bucket." + bucket + ".";
    c.set(p + "endpoint", proxy.endpoint());
    c.set(p + "attempts.maximum", "3");
    c.set(p + "retry.limit", "6");
    c.set(p + "retry.interval", "50ms");
    c.set(p + "retry.throttle.limit", String.valueOf(throttleRetries));
    c.set(p + "retry.throttle.interval", "50ms");
    c.set(p + "connection.establish.timeout", "2000");
  }

  private static SampleResult sample(Path dir) throws IOException {
    return TrailGenerator.generate(SampleSpec.defaults(dir).withAccounts(1).withRegions(List.of("us-east-1"))
        .withWindow(FROM, 1));
  }

  private IngestConfig config(String trail, String out, RunOptions run) {
    return IngestConfig.of(List.of(trail), FROM, FROM.plusDays(1), Set.of(), Set.of(), out, 1.0, Settings.defaults())
        .withRun(run);
  }

  /** The shared S3Proxy, a client, a trail bucket holding a fresh sample trail and an empty output bucket. */
  private record Buckets(S3ProxyServer server, AmazonS3 s3, String trail, String out, SampleResult sample) {}

  private Buckets buckets(String suffix) throws IOException {
    S3ProxyServer server = S3ProxyServer.shared();
    S3aTestSupport.configure(spark(), server);
    AmazonS3 s3 = client(server);
    String trail = server.createBucket("ebaudit-prod-trail-" + suffix);
    String out = server.createBucket("ebaudit-prod-out-" + suffix);
    SampleResult sample = sample(tmp.newFolder("trail").toPath());
    upload(s3, sample, trail);
    return new Buckets(server, s3, trail, out, sample);
  }

  @Test
  public void analyzeOnS3RetriesThrottlingErrorsAndResetsAndWritesWhatACleanRunWrites() throws IOException {
    Buckets b = buckets("a");

    try (FaultProxy proxy = new FaultProxy(b.server().port())) {
      proxy.fail("first listing", FaultProxy.Request::isList, Fault.SLOW_DOWN, 1, 1)
          .fail("get 503", FaultProxy.Request::isGetObject, Fault.SLOW_DOWN, 5, 15)
          .fail("get reset", FaultProxy.Request::isGetObject, Fault.RESET, 7, 4)
          .fail("get cut short", FaultProxy.Request::isGetObject, Fault.RESET_MID_RESPONSE, 11, 3)
          .fail("head 503", r -> r.method().equals("HEAD"), Fault.SLOW_DOWN, 9, 10)
          .fail("put 500", FaultProxy.Request::isPut, Fault.INTERNAL_ERROR, 6, 10)
          .fail("put reset", FaultProxy.Request::isPut, Fault.RESET, 13, 4)
          .fail("list 503", FaultProxy.Request::isList, Fault.SLOW_DOWN, 10, 10);
      throughProxy(b.trail(), proxy);
      throughProxy(b.out(), proxy);

      String out = S3aTestSupport.s3aUri(b.out(), "audit");
      RunOptions run = RunOptions.of(true, S3aTestSupport.s3aUri(b.trail(), TrailGenerator.PUBLIC_KEYS), false,
          Settings.defaults());
      AnalyzeJob.Result r = AnalyzeJob.run(spark(), config(S3aTestSupport.s3aUri(b.trail(), ""), out, run), List.of(),
          Settings.defaults());

      for (String rule : List.of("first listing", "get 503", "get reset", "put 500", "put reset", "head 503")) {
        assertThat(proxy.injected(rule)).as("faults injected by %s: %s", rule, proxy.describe()).isPositive();
      }
      proxy.heal();
      // What a run on the local copy, without S3 or faults, writes.
      Path local = tmp.newFolder("local").toPath();
      AnalyzeJob.Result clean = AnalyzeJob.run(spark(), config(b.sample().out().toString(), local.toString(),
          RunOptions.of(true, b.sample().publicKeys().toString(), false, Settings.defaults())), List.of(), Settings.defaults());
      assertThat(r.ingest().recordsKept()).isEqualTo(clean.ingest().recordsKept()).isPositive();
      assertThat(spark().read().schema(EventSchema.EVENTS).parquet(out + "/events").count()).isEqualTo(r.ingest().recordsKept());
      Dataset<Row> f = spark().read().schema(FindingSchema.FINDINGS).parquet(out + "/findings/parquet");
      Dataset<Row> g = spark().read().schema(FindingSchema.FINDINGS).parquet(local.resolve("findings/parquet").toString());
      assertThat(f.select("finding_id").except(g.select("finding_id")).count()).isZero();
      assertThat(g.select("finding_id").except(f.select("finding_id")).count()).isZero();
      // On S3 the newest digest of each chain is checked too: its signature is in the object's metadata.
      Dataset<Row> v = spark().read().schema(DigestVerification.VERIFICATION).parquet(out + "/integrity/digest_verification");
      assertThat(v.filter(col("object_kind").equalTo("digest_file")).select("signature_status").distinct()
          .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactly("valid");
      assertThat(v.filter(col("rule_id").isNotNull()).count()).isZero();
      assertThat(Staging.isCommitted(spark().sparkContext().hadoopConfiguration(), out, IngestJob.MARKER)).isTrue();
      assertThat(keys(b.s3(), b.out())).noneMatch(k -> k.contains("/_staging/")).anyMatch(k -> k.startsWith("audit/config_changes/"));
    }
  }

  @Test
  public void incrementalWeeklyRunsOnS3WithFaultsPublishWhatALocalRunPublishes() throws IOException {
    Buckets b = buckets("w");
    String out = S3aTestSupport.s3aUri(b.out(), "weekly");
    try (FaultProxy proxy = new FaultProxy(b.server().port())) {
      proxy.fail("first listing", FaultProxy.Request::isList, Fault.SLOW_DOWN, 1, 1)
          .fail("get 503", FaultProxy.Request::isGetObject, Fault.SLOW_DOWN, 5, 10)
          .fail("get reset", FaultProxy.Request::isGetObject, Fault.RESET, 7, 4)
          .fail("put 500", FaultProxy.Request::isPut, Fault.INTERNAL_ERROR, 6, 10)
          .fail("copy 503", FaultProxy.Request::isCopy, Fault.SLOW_DOWN, 3, 5)
          .fail("list 503", FaultProxy.Request::isList, Fault.SLOW_DOWN, 10, 10);
      throughProxy(b.trail(), proxy);
      throughProxy(b.out(), proxy);
      WeeklyJob.Result r = WeeklyJob.run(spark(), weeklyConfig(S3aTestSupport.s3aUri(b.trail(), ""), out, true), Settings.defaults(),
          WeeklyFixture.CLOCK);
      for (String rule : List.of("first listing", "get 503", "put 500", "copy 503")) {
        assertThat(proxy.injected(rule)).as("faults injected by %s: %s", rule, proxy.describe()).isPositive();
      }
      proxy.heal();
      checkWeekly(b, out, r);
    }
  }

  private void checkWeekly(Buckets b, String out, WeeklyJob.Result r) throws IOException {
    assertThat(r.published()).isTrue();
    var hadoop = spark().sparkContext().hadoopConfiguration();
    assertThat(Staging.isCommitted(hadoop, out, "report_date=" + FROM)).isTrue();
    assertThat(Staging.isCommitted(hadoop, out, WeeklyJob.STORE_MARKER)).isTrue();
    assertThat(keys(b.s3(), b.out())).noneMatch(k -> k.contains("/_staging/"))
        .anyMatch(k -> k.startsWith("weekly/_ebaudit/events/day=" + FROM + "/"))
        .anyMatch(k -> k.startsWith("weekly/_ebaudit/manifest/day=" + FROM + "/"));

    // What a full run on the local copy publishes.
    Path local = tmp.newFolder("local").toPath();
    WeeklyJob.run(spark(), weeklyConfig(b.sample().out().toString(), local.toString(), false), Settings.defaults(),
        WeeklyFixture.CLOCK);
    String partition = "/report_date=" + FROM;
    // The same events and findings (the events name their objects by path: compared by id).
    for (String[] t : List.of(new String[] {"events", "event_id"}, new String[] {"findings/parquet", "finding_id"})) {
      Dataset<Row> s3 = spark().read().parquet(out + "/" + t[0] + partition).select(t[1]);
      Dataset<Row> disk = spark().read().parquet(local.resolve(t[0] + partition).toString()).select(t[1]);
      assertThat(s3.count()).as(t[0]).isEqualTo(disk.count()).isPositive();
      assertThat(s3.except(disk).count()).as(t[0]).isZero();
      assertThat(disk.except(s3).count()).as(t[0]).isZero();
    }

    // Run again: nothing is read, and the report date is published again.
    WeeklyJob.Result again = WeeklyJob.run(spark(), weeklyConfig(S3aTestSupport.s3aUri(b.trail(), ""), out, true),
        Settings.defaults(), WeeklyFixture.CLOCK);
    assertThat(again.ingest().filesRead()).isZero();
    assertThat(again.ingest().incremental().objectsKnown()).isEqualTo(r.ingest().filesRead()).isPositive();
    assertThat(spark().read().parquet(out + "/findings/parquet" + partition).count())
        .isEqualTo(spark().read().parquet(local.resolve("findings/parquet" + partition).toString()).count());
  }

  private static WeeklyJob.Config weeklyConfig(String trail, String out, boolean incremental) {
    return new WeeklyJob.Config(List.of(trail), Set.of(), Set.of(), List.of(), List.of(), List.of(), List.of(), out,
        FROM, 1.0, new RunOptions(false, null, incremental, 60));
  }

  @Test
  public void throttlingThatDoesNotStopFailsTheRunWithOneLineAndLeavesNothingBehind() throws IOException {
    Buckets b = buckets("b");

    try (FaultProxy proxy = new FaultProxy(b.server().port())) {
      // Every write of the events table is throttled, for good.
      proxy.fail("events put 503", req -> req.isPut() && req.target().contains("/events/"), Fault.SLOW_DOWN, 1,
          Integer.MAX_VALUE);
      throughProxy(b.trail(), proxy);
      throughProxy(b.out(), proxy, 2);
      String out = S3aTestSupport.s3aUri(b.out(), "audit");
      IngestConfig config = config(S3aTestSupport.s3aUri(b.trail(), ""), out, RunOptions.defaults());
      assertThatThrownBy(() -> IngestJob.run(spark(), config))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageStartingWith("Cannot write the ingest run ")
          .hasMessageContaining("to " + out)
          .hasMessageContaining("nothing was published")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
      // Retried (SDK attempts times s3a's throttle retries) before giving up.
      assertThat(proxy.injected("events put 503")).isGreaterThanOrEqualTo(3);
      assertThat(keys(b.s3(), b.out())).isEmpty();
    }
  }

  @Test
  public void aCommitThatCannotBeWrittenTakesBackWhatItPublished() throws IOException {
    Buckets b = buckets("c");

    try (FaultProxy proxy = new FaultProxy(b.server().port())) {
      // The commit marker is the last thing written; here it never can be.
      proxy.fail("marker", req -> req.isPut() && req.target().contains("/_commits/"), Fault.INTERNAL_ERROR, 1,
          Integer.MAX_VALUE);
      throughProxy(b.trail(), proxy);
      throughProxy(b.out(), proxy);
      String out = S3aTestSupport.s3aUri(b.out(), "audit");
      IngestConfig config = config(S3aTestSupport.s3aUri(b.trail(), ""), out, RunOptions.defaults());
      assertThatThrownBy(() -> IngestJob.run(spark(), config))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageStartingWith("Cannot publish run ")
          .hasMessageContaining("latest is not committed")
          .hasMessageContaining("published before the failure were removed");
      assertThat(proxy.injected("marker")).isPositive();
      assertThat(keys(b.s3(), b.out())).isEmpty();
      assertThat(Staging.isCommitted(spark().sparkContext().hadoopConfiguration(), out, IngestJob.MARKER)).isFalse();
    }
  }
}
