package io.ebaudit.integrity;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ebaudit.config.IngestConfig;
import io.ebaudit.config.RunOptions;
import io.ebaudit.config.Settings;
import io.ebaudit.jobs.IngestJob;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.sample.SampleResult;
import io.ebaudit.sample.SampleSpec;
import io.ebaudit.sample.Tamper;
import io.ebaudit.sample.TrailGenerator;
import io.ebaudit.testing.SparkSuite;
import io.ebaudit.trail.IngestSummary;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@code --verify-digests} on intact and tampered sample trails (signed digests, the sample's key export). */
public class DigestVerificationTest extends SparkSuite {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final LocalDate FROM = LocalDate.of(2026, 11, 16);
  private static final ObjectMapper JSON = new ObjectMapper();

  private SampleResult sample(Path dir, Set<Tamper> tamper) throws IOException {
    return TrailGenerator.generate(SampleSpec.defaults(dir).withAccounts(2).withRegions(List.of("us-east-1"))
        .withWindow(FROM, 2).withTamper(tamper));
  }

  private IngestSummary verify(SampleResult s, Path out, String publicKeys, LocalDate from, LocalDate to) {
    IngestConfig config = IngestConfig.of(List.of(s.out().toString()), from, to, Set.of(), Set.of(), out.toString(),
        1.0, Settings.defaults()).withRun(RunOptions.of(true, publicKeys, false, Settings.defaults()));
    return IngestJob.run(spark(), config);
  }

  private Dataset<Row> table(Path out) {
    return spark().read().schema(DigestVerification.VERIFICATION)
        .parquet(out.resolve("integrity/digest_verification").toString());
  }

  private Dataset<Row> findings(Path out) {
    return spark().read().schema(FindingSchema.FINDINGS).parquet(out.resolve("findings/parquet").toString());
  }

  private static Map<String, Long> counts(Dataset<Row> t, String kind, String column) {
    return t.filter(col("object_kind").equalTo(kind)).groupBy(column).count().collectAsList().stream()
        .collect(Collectors.toMap(r -> String.valueOf(r.get(0)), r -> r.getLong(1), Long::sum, TreeMap::new));
  }

  @Test
  public void anIntactSignedTrailVerifies() throws IOException {
    SampleResult s = sample(tmp.newFolder("trail").toPath(), Set.of());
    Path out = tmp.newFolder("out").toPath();
    verify(s, out, s.publicKeys().toString(), null, null);

    Dataset<Row> t = table(out);
    // Every log file of the window is listed by a digest and hashes to what it lists.
    Map<String, Long> logs = counts(t, DigestVerification.LOG_FILE, "status");
    assertThat(logs).containsOnlyKeys("valid");
    assertThat(logs.get("valid")).isEqualTo(s.logFiles());
    // Every digest links to the one before; each chain's first has none before it.
    Map<String, Long> digests = counts(t, DigestVerification.DIGEST_FILE, "status");
    assertThat(digests).containsOnlyKeys("valid", "chain_start");
    assertThat(digests.get("chain_start")).isEqualTo(2);
    // Signatures: from the next digest; the newest of each chain has no object metadata on a local disk.
    Map<String, Long> sigs = counts(t, DigestVerification.DIGEST_FILE, "signature_status");
    assertThat(sigs).containsOnlyKeys("valid", "unavailable");
    assertThat(sigs.get("unavailable")).isEqualTo(2);
    assertThat(sigs.get("valid")).isEqualTo(digests.values().stream().mapToLong(Long::longValue).sum() - 2)
        .isEqualTo(s.digestFiles() - 2);
    assertThat(findings(out).count()).isZero();
    JsonNode summary = JSON.readTree(out.resolve("integrity/summary.json").toFile());
    assertThat(summary.get("findings").asLong()).isZero();
    assertThat(summary.get("signatures_checked").asBoolean()).isTrue();
    assertThat(summary.at("/log_file_status/valid").asLong()).isEqualTo(s.logFiles());
  }

  @Test
  public void withoutPublicKeysHashesAndTheChainAreStillChecked() throws IOException {
    SampleResult s = sample(tmp.newFolder("trail").toPath(), Set.of(Tamper.MODIFY_LOG));
    Path out = tmp.newFolder("out").toPath();
    verify(s, out, null, null, null);
    Dataset<Row> t = table(out);
    assertThat(counts(t, DigestVerification.DIGEST_FILE, "signature_status")).containsOnlyKeys("not_checked");
    assertThat(counts(t, DigestVerification.LOG_FILE, "status")).containsEntry("modified", 1L);
  }

  @Test
  public void aTamperedTrailGivesOneNamedFindingPerProblem() throws IOException {
    SampleResult s = sample(tmp.newFolder("trail").toPath(), EnumSet.allOf(Tamper.class));
    Path out = tmp.newFolder("out").toPath();
    verify(s, out, s.publicKeys().toString(), FROM, FROM.plusDays(1));
    Dataset<Row> t = table(out);
    Dataset<Row> f = findings(out);

    String deleted = s.tampered().get(Tamper.DELETE_LOG);
    String modified = s.tampered().get(Tamper.MODIFY_LOG);
    String added = s.tampered().get(Tamper.ADD_LOG);
    String digest = s.tampered().get(Tamper.DELETE_DIGEST);

    List<Row> missing = f.filter(col("rule_id").equalTo(DigestVerification.LOG_FILE_MISSING)).collectAsList();
    assertThat(missing).hasSize(1);
    assertThat(missing.get(0).<String>getAs("detail")).contains("s3://" + SampleSpec.DEFAULT_BUCKET + "/" + deleted)
        .contains("does not exist");
    assertThat(missing.get(0).<String>getAs("resource_arn")).isEqualTo("arn:aws:s3:::" + SampleSpec.DEFAULT_BUCKET + "/" + deleted);
    assertThat(missing.get(0).<String>getAs("severity")).isEqualTo("high");

    Row mod = t.filter(col("object").endsWith(modified)).collectAsList().get(0);
    assertThat(mod.<String>getAs("status")).isEqualTo("modified");
    assertThat(mod.<String>getAs("rule_id")).isEqualTo(DigestVerification.LOG_FILE_MODIFIED);
    assertThat(mod.<String>getAs("actual_sha256")).isNotEqualTo(mod.<String>getAs("expected_sha256"));

    Row forged = t.filter(col("object").endsWith(added)).collectAsList().get(0);
    assertThat(forged.<String>getAs("status")).isEqualTo("unlisted");
    assertThat(forged.<String>getAs("rule_id")).isEqualTo(DigestVerification.LOG_FILE_MODIFIED);

    // The deleted digest: its successor names it; the files it listed are now listed by nothing.
    Row gone = t.filter(col("object").endsWith(digest)).collectAsList().get(0);
    assertThat(gone.<String>getAs("status")).isEqualTo("missing");
    assertThat(gone.<String>getAs("rule_id")).isEqualTo(DigestVerification.DIGEST_CHAIN_BROKEN);
    assertThat(f.filter(col("rule_id").equalTo(DigestVerification.DIGEST_CHAIN_BROKEN)).count()).isEqualTo(1);
    List<Row> orphaned = t.filter(col("status").equalTo("unlisted").and(not(col("object").endsWith(added)))).collectAsList();
    assertThat(orphaned).isNotEmpty();
    assertThat(orphaned).allMatch(r -> r.<String>getAs("detail").contains("no digest lists it"));

    // One finding per failed row, each naming its object, ids stable.
    assertThat(f.count()).isEqualTo(t.filter(col("rule_id").isNotNull()).count());
    assertThat(f.select("finding_id").distinct().count()).isEqualTo(f.count());
    assertThat(f.filter(col("detail").isNull()).count()).isZero();
    assertThat(out.resolve("findings/findings.csv")).exists();
    Path again = tmp.newFolder("again").toPath();
    verify(s, again, s.publicKeys().toString(), FROM, FROM.plusDays(1));
    assertThat(findings(again).select("finding_id").except(f.select("finding_id")).count()).isZero();
  }

  @Test
  public void anAlteredDigestFailsItsSignatureAndItsSuccessorsHash() throws IOException {
    SampleResult s = sample(tmp.newFolder("trail").toPath(), Set.of());
    // An attacker who deleted a log file rewrites the digest that listed it, dropping the entry.
    Path digest;
    try (Stream<Path> files = Files.walk(s.out().resolve("AWSLogs"))) {
      digest = files.filter(p -> p.toString().contains("/CloudTrail-Digest/") && p.toString().contains("/2026/11/16/"))
          .sorted().skip(5).findFirst().orElseThrow();
    }
    ObjectNode d;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(digest))) {
      d = (ObjectNode) JSON.readTree(in);
    }
    com.fasterxml.jackson.databind.node.ArrayNode listed = (com.fasterxml.jackson.databind.node.ArrayNode) d.get("logFiles");
    assertThat(listed.size()).isPositive();
    String key = listed.get(0).get("s3Object").asText();
    listed.remove(0);
    Files.delete(s.out().resolve(key));
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(digest))) {
      JSON.writeValue(o, d);
    }
    Path out = tmp.newFolder("out").toPath();
    verify(s, out, s.publicKeys().toString(), FROM, FROM.plusDays(1));
    Row row = table(out).filter(col("object").endsWith(s.out().relativize(digest).toString())).collectAsList().get(0);
    assertThat(row.<String>getAs("status")).isEqualTo("modified");
    assertThat(row.<String>getAs("signature_status")).isEqualTo("invalid");
    assertThat(row.<String>getAs("rule_id")).isEqualTo(DigestVerification.DIGEST_CHAIN_BROKEN);
    // The deleted file is no longer listed anywhere, so it is not reported missing: the digest is.
    assertThat(table(out).filter(col("object").endsWith(key)).count()).isZero();
  }

  @Test
  public void keysThatDoNotMatchAreReportedAndBadKeyFilesAreConfigErrors() throws IOException {
    SampleResult s = sample(tmp.newFolder("trail").toPath(), Set.of());
    // Another seed's key: the fingerprints differ.
    SampleResult other = TrailGenerator.generate(SampleSpec.defaults(tmp.newFolder("other").toPath()).withAccounts(1)
        .withRegions(List.of("us-east-1")).withWindow(FROM, 1).withSeed(7));
    Path out = tmp.newFolder("out").toPath();
    verify(s, out, other.publicKeys().toString(), FROM, FROM);
    assertThat(counts(table(out), DigestVerification.DIGEST_FILE, "signature_status")).containsKey("unknown_key")
        .doesNotContainKey("valid");

    Path bad = tmp.newFile("keys.json").toPath();
    Files.writeString(bad, "{\"Keys\": []}");
    assertThatThrownBy(() -> verify(s, tmp.newFolder("bad").toPath(), bad.toString(), FROM, FROM))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot read public keys " + bad + ": expected the output of aws cloudtrail list-public-keys");
    assertThatThrownBy(() -> RunOptions.of(false, bad.toString(), false, Settings.defaults()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--public-keys goes with --verify-digests");
  }

  @Test
  public void aTrailWithoutDigestsIsOneFindingPerAccountAndRegion() throws IOException {
    SampleResult s = sample(tmp.newFolder("trail").toPath(), Set.of());
    try (Stream<Path> files = Files.walk(s.out().resolve("AWSLogs"))) {
      for (Path p : files.filter(p -> p.toString().contains("/CloudTrail-Digest/") && Files.isRegularFile(p)).toList()) {
        Files.delete(p);
      }
    }
    Path out = tmp.newFolder("out").toPath();
    verify(s, out, null, FROM, FROM.plusDays(1));
    assertThat(counts(table(out), DigestVerification.LOG_FILE, "status")).containsOnlyKeys("no_digest");
    List<Row> f = findings(out).collectAsList();
    assertThat(f).hasSize(2).allMatch(r -> r.<String>getAs("rule_id").equals(DigestVerification.DIGEST_CHAIN_BROKEN)
        && r.<String>getAs("detail").contains("no digest file for the"));
  }

  private static org.apache.spark.sql.Column not(org.apache.spark.sql.Column c) {
    return org.apache.spark.sql.functions.not(c);
  }
}
