package io.ebaudit.trail;

import static io.ebaudit.trail.TrailFixture.logKey;
import static io.ebaudit.trail.TrailFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrailDiscoveryTest {
  @TempDir Path bucket;
  private Path trail;

  @BeforeEach
  void layout() {
    trail = bucket.resolve("org-trail");
    String e = TrailFixture.envelope(List.of());
    // A standard and an organization layout side by side under one prefix.
    for (String day : List.of("2026/11/19", "2026/11/20", "2026/11/21")) {
      write(trail, logKey(null, "111122223333", "us-east-1", day, "AAAA"), e, true);
      write(trail, logKey(null, "111122223333", "eu-west-1", day, "BBBB"), e, true);
      write(trail, logKey("o-abc123def4", "444455556666", "us-east-1", day, "CCCC"), e, true);
    }
    write(trail, "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261120T010000Z.json.gz", "{}", true);
    write(trail, "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/21/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261121T010000Z.json.gz", "{}", true);
    write(trail, "AWSLogs/o-abc123def4/444455556666/CloudTrail-Insight/us-east-1/2026/11/20/x_CloudTrail-Insight_us-east-1.json.gz", "{}", true);
    write(trail, "AWSLogs/111122223333/Config/ConfigWritabilityCheckFile", "check", false);
    write(trail, "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/README.txt", "not a log", false);
    write(trail, "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/empty.json.gz", "", false);
    write(trail, "AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/20/flow.log.gz", "x", true);
  }

  private TrailDiscovery.Result discover(TrailDiscovery.Filter filter, String... roots) {
    return new TrailDiscovery(new Configuration(), filter, 4, null).discover(List.of(roots));
  }

  private static List<String> relative(TrailDiscovery.Result r) {
    return r.logs().stream().map(l -> l.path().substring(l.path().indexOf("AWSLogs/"))).toList();
  }

  @Test
  void findsStandardAndOrganizationLayoutsUnderAPrefixAndCountsWhatItSkips() {
    TrailDiscovery.Result r = discover(TrailDiscovery.Filter.all(), bucket.toString());
    assertThat(r.logs()).hasSize(9);
    assertThat(relative(r)).contains("AWSLogs/o-abc123def4/444455556666/CloudTrail/us-east-1/2026/11/20/"
        + "444455556666_CloudTrail_us-east-1_20261120T0005Z_CCCC.json.gz");
    assertThat(r.skippedByReason()).containsEntry("digest", 2L).containsEntry("insight", 1L)
        .containsEntry("config_writability_check", 1L).containsEntry("not_a_log_file", 1L)
        .containsEntry("empty_object", 1L);
    assertThat(r.filesListed()).isEqualTo(9 + 6);
    // Other services' folders in a shared bucket are never listed.
    assertThat(r.logs()).noneMatch(l -> l.path().contains("vpcflowlogs"));
  }

  @Test
  void aDateWindowListsOnlyItsDayPrefixes() {
    var window = new TrailDiscovery.Filter(Set.of(), Set.of(), LocalDate.of(2026, 11, 20), LocalDate.of(2026, 11, 20));
    TrailDiscovery.Result r = discover(window, trail.resolve("AWSLogs").toString());
    assertThat(relative(r)).hasSize(3).allMatch(p -> p.contains("/2026/11/20/"));
    assertThat(r.skippedByReason()).containsEntry("digest", 1L).containsEntry("insight", 1L);
    // AWSLogs, the org, 2 accounts, 4 service folders, 4 region folders of CloudTrail*, and one day
    // prefix per account x region x service: 1 + 1 + 2 + 2 + (2 + 1 + 1 + 1) + (2 + 1 + 1 + 1) + 1 (Config).
    // What matters: the 19th and 21st were never listed, so the count is that of a one-day window.
    var wider = new TrailDiscovery.Filter(Set.of(), Set.of(), LocalDate.of(2026, 11, 19), LocalDate.of(2026, 11, 21));
    TrailDiscovery.Result w = discover(wider, trail.resolve("AWSLogs").toString());
    long dayPrefixes = 5; // CloudTrail us-east-1, eu-west-1, org us-east-1; Digest us-east-1; Insight us-east-1
    assertThat(w.prefixesListed() - r.prefixesListed()).isEqualTo(2 * dayPrefixes);
    assertThat(w.logs()).hasSize(9);
  }

  @Test
  void accountAndRegionFilters() {
    var f = new TrailDiscovery.Filter(Set.of("111122223333"), Set.of("eu-west-1"), null, null);
    assertThat(relative(discover(f, trail.toString())))
        .hasSize(3).allMatch(p -> p.startsWith("AWSLogs/111122223333/CloudTrail/eu-west-1/"));
  }

  @Test
  void digestsAreKeptWhenAskedWithTheDayAfterTheWindowButCountedOnlyInIt() {
    write(trail, "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/22/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261122T001500Z.json.gz", "{}", true);
    var window = new TrailDiscovery.Filter(Set.of(), Set.of(), LocalDate.of(2026, 11, 20), LocalDate.of(2026, 11, 21));
    TrailDiscovery.Result plain = discover(window, trail.toString());
    assertThat(plain.digests()).isEmpty();
    TrailDiscovery.Result r = new TrailDiscovery(new Configuration(), window, 4, null).keepDigests()
        .discover(List.of(trail.toString()));
    assertThat(r.digests()).extracting(d -> d.path().substring(d.path().indexOf("/2026/")))
        .containsExactly("/2026/11/20/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261120T010000Z.json.gz",
            "/2026/11/21/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261121T010000Z.json.gz",
            "/2026/11/22/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261122T001500Z.json.gz");
    // The books are those of the window: the 22nd's digest is kept for the checks, not counted.
    assertThat(r.skippedByReason()).isEqualTo(plain.skippedByReason());
    assertThat(r.logs()).isEqualTo(plain.logs());
    assertThat(r.logs()).allMatch(l -> l.modified() > 0);
  }

  @Test
  void rootsInsideTheLayout() {
    Path region = trail.resolve("AWSLogs/111122223333/CloudTrail/us-east-1");
    assertThat(discover(TrailDiscovery.Filter.all(), region.toString()).logs()).hasSize(3);
    Path day = region.resolve("2026/11/21");
    assertThat(relative(discover(TrailDiscovery.Filter.all(), day.toString())))
        .containsExactly(logKey(null, "111122223333", "us-east-1", "2026/11/21", "AAAA"));
    Path org = trail.resolve("AWSLogs/o-abc123def4");
    assertThat(discover(TrailDiscovery.Filter.all(), org.toString()).logs()).hasSize(3);
    var window = new TrailDiscovery.Filter(Set.of(), Set.of(), LocalDate.of(2026, 11, 21), LocalDate.of(2026, 11, 30));
    assertThat(discover(window, region.resolve("2026/11").toString()).logs()).hasSize(1);
  }

  @Test
  void plainFoldersAndSingleFilesAreReadAsTheyAre() {
    Path export = bucket.resolve("export");
    write(export, "a.json", "[]", false);
    write(export, "sub/b.jsonl", "{}", false);
    write(export, "notes.md", "x", false);
    TrailDiscovery.Result r = discover(TrailDiscovery.Filter.all(), export.toString());
    assertThat(r.logs()).hasSize(2);
    assertThat(r.skippedByReason()).containsEntry("not_a_log_file", 1L);
    assertThat(discover(TrailDiscovery.Filter.all(), export.resolve("a.json").toString()).logs()).hasSize(1);
  }

  @Test
  void aMissingRootIsAConfigErrorWithOneLine() {
    String missing = bucket.resolve("nope").toString();
    assertThatThrownBy(() -> discover(TrailDiscovery.Filter.all(), missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read trail " + missing + ": no such file or folder, got " + missing);
  }

  @Test
  void anUnknownSchemeSaysWhatToUse() {
    assertThatThrownBy(() -> discover(TrailDiscovery.Filter.all(), "s3://my-trail-bucket/AWSLogs/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read trail s3://my-trail-bucket/AWSLogs/: no file system for the scheme \"s3\" here"
            + " (use s3a:// outside EMR), got s3://my-trail-bucket/AWSLogs/");
  }
}
