package io.ebaudit.jobs;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ebaudit.io.ReportLayout;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.report.RunManifest;
import io.ebaudit.report.SecurityExports;
import io.ebaudit.testing.TestSpark;
import io.ebaudit.trail.EventSchema;
import io.ebaudit.trail.IngestSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/** {@code weekly} end to end on the shared fixture: layout, report, exports, comparison, exit codes. */
class WeeklyJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static WeeklyFixture.Runs runs() {
    return WeeklyFixture.get();
  }

  private static Path part(String relative, java.time.LocalDate d) {
    return runs().root().resolve(relative).resolve(ReportLayout.partition(d));
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    }
  }

  @Test
  void everyTableIsPublishedUnderItsReportDateAndNothingIsLeftInStaging() throws IOException {
    var r = runs();
    assertThat(r.first().published()).isTrue();
    assertThat(r.second().published()).isTrue();
    for (var d : List.of(WeeklyFixture.FIRST, WeeklyFixture.SECOND)) {
      for (String t : List.of("events", "beanstalk_events", "config_changes", "environment_state", "platforms",
          "coverage", "imds", "findings/parquet", "permissions/usage", "permissions/denied", "permissions/verdicts",
          "permissions/environment_roles", "permissions/policies")) {
        assertThat(part(t, d)).as(t).isDirectory();
      }
      Path report = part("report", d);
      assertThat(report.resolve("index.html")).isRegularFile();
      assertThat(report.resolve("summary.md")).isRegularFile();
      assertThat(report.resolve("findings.csv")).isRegularFile();
      assertThat(report.resolve("findings.jsonl")).isRegularFile();
      assertThat(part("run", d).resolve("ingest-summary.json")).isRegularFile();
      assertThat(part("run", d).resolve("run.json")).isRegularFile();
      assertThat(files(part("export/asff", d))).isNotEmpty();
      assertThat(files(part("export/ocsf", d))).isNotEmpty();
    }
    Path staging = r.root().resolve(ReportLayout.STAGING);
    assertThat(!Files.exists(staging) || files(staging).isEmpty()).as("staging emptied").isTrue();
    // The summary names the published folders.
    IngestSummary s = IngestSummary.fromJson(Files.readString(part("run", WeeklyFixture.FIRST).resolve("ingest-summary.json")));
    assertThat(s.eventsPath()).endsWith("/events/report_date=2026-11-15");
    assertThat(s.from()).isEqualTo("2026-11-09");
    assertThat(s.to()).isEqualTo("2026-11-15");
    RunManifest m = RunManifest.fromJson(Files.readString(part("run", WeeklyFixture.FIRST).resolve("run.json")));
    assertThat(m.windowFrom()).isEqualTo("2026-11-09");
    assertThat(m.iamExports()).isNotEmpty().allSatisfy(f -> assertThat(f.modified()).isNotNull());
  }

  @Test
  void sparkSeesEachWeekAsAPartitionAndEachWeekHoldsOnlyItsWindow() {
    var spark = TestSpark.session();
    Dataset<Row> findings = spark.read().parquet(runs().root().resolve("findings/parquet").toString());
    assertThat(findings.columns()).contains("report_date", "finding_id");
    assertThat(findings.select("report_date").distinct().count()).isEqualTo(2);
    Dataset<Row> events = spark.read().parquet(part("events", WeeklyFixture.FIRST).toString());
    Row range = events.agg(org.apache.spark.sql.functions.min("event_time"), org.apache.spark.sql.functions.max("event_time")).first();
    assertThat(((Timestamp) range.get(0)).toInstant()).isAfterOrEqualTo(java.time.Instant.parse("2026-11-09T00:00:00Z"));
    assertThat(((Timestamp) range.get(1)).toInstant()).isBefore(java.time.Instant.parse("2026-11-16T00:00:00Z"));
    assertThat(events.filter(col("event_id").equalTo("xss-create-0001")).count()).isEqualTo(1);
    assertThat(spark.read().schema(EventSchema.EVENTS).parquet(part("events", WeeklyFixture.SECOND).toString())
        .filter(col("event_id").startsWith("xss-")).count()).isZero();
  }

  private static List<JsonNode> asff(java.time.LocalDate d, Map<String, String> fileOf) throws IOException {
    List<JsonNode> all = new ArrayList<>();
    for (Path f : files(part("export/asff", d))) {
      JsonNode batch = JSON.readTree(f.toFile());
      assertThat(batch.isArray()).as(f.toString()).isTrue();
      assertThat(batch.size()).as("findings in " + f).isBetween(1, SecurityExports.ASFF_BATCH);
      for (JsonNode n : batch) {
        all.add(n);
        fileOf.put(n.path("Id").asText(), f.getFileName().toString());
      }
    }
    return all;
  }

  private static final List<String> ASFF_REQUIRED = List.of("SchemaVersion", "Id", "ProductArn", "GeneratorId",
      "AwsAccountId", "Types", "CreatedAt", "UpdatedAt", "Severity", "Title", "Description", "Resources");

  @Test
  void asffFilesAreBatchImportReady() throws IOException {
    Map<String, String> fileOf = new HashMap<>();
    List<JsonNode> first = asff(WeeklyFixture.FIRST, fileOf);
    long findings = TestSpark.session().read().schema(FindingSchema.FINDINGS)
        .parquet(part("findings/parquet", WeeklyFixture.FIRST).toString()).count();
    assertThat(first).hasSize((int) findings);
    Set<String> ids = new HashSet<>();
    int environments = 0;
    for (JsonNode f : first) {
      for (String field : ASFF_REQUIRED) {
        assertThat(f.hasNonNull(field)).as(field + " in " + f.path("Id")).isTrue();
      }
      assertThat(ids.add(f.path("Id").asText())).as("unique Id").isTrue();
      String account = f.path("AwsAccountId").asText();
      String region = f.path("Region").asText();
      assertThat(account).matches("\\d{12}");
      assertThat(f.path("ProductArn").asText())
          .isEqualTo("arn:aws:securityhub:" + region + ":" + account + ":product/" + account + "/default");
      assertThat(fileOf.get(f.path("Id").asText())).startsWith(account + "-" + region + "-");
      assertThat(f.path("Id").asText()).matches("ebaudit/[0-9a-f]{32}");
      assertThat(f.path("Types").size()).isPositive();
      assertThat(f.path("Severity").path("Label").asText()).isIn("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL");
      assertThat(f.path("Title").asText().length()).isBetween(1, 256);
      assertThat(f.path("Description").asText().length()).isBetween(1, 1024);
      assertThat(f.path("CreatedAt").asText().compareTo(f.path("UpdatedAt").asText())).isLessThanOrEqualTo(0);
      assertThat(f.path("Resources").size()).isPositive();
      assertThat(f.path("RecordState").asText()).isEqualTo("ACTIVE");
      JsonNode res = f.path("Resources").get(0);
      assertThat(res.path("Type").asText()).isNotBlank();
      assertThat(res.path("Id").asText()).isNotBlank();
      if (res.path("Type").asText().equals("AwsElasticBeanstalkEnvironment")) {
        JsonNode d = res.path("Details").path("AwsElasticBeanstalkEnvironment");
        assertThat(d.path("EnvironmentName").asText()).isNotBlank();
        if (d.has("PlatformArn") || d.has("SolutionStackName")) {
          assertThat(d.path("OptionSettings").isArray()).isTrue();
          environments++;
        }
        for (JsonNode o : d.path("OptionSettings")) {
          assertThat(o.path("Namespace").asText()).isNotEqualTo("aws:elasticbeanstalk:application:environment");
        }
      }
    }
    assertThat(environments).as("findings with platform and option settings").isPositive();

    // Stable Ids: a finding still open a week later keeps its Id; gone ones are archived.
    Map<String, String> secondFiles = new HashMap<>();
    List<JsonNode> second = asff(WeeklyFixture.SECOND, secondFiles);
    Set<String> kept = new HashSet<>(ids);
    Set<String> secondIds = new HashSet<>();
    long archived = 0;
    for (JsonNode f : second) {
      secondIds.add(f.path("Id").asText());
      if (f.path("RecordState").asText().equals("ARCHIVED")) {
        archived++;
        assertThat(f.path("Compliance").path("Status").asText()).isEqualTo("PASSED");
        assertThat(ids).contains(f.path("Id").asText());
      }
    }
    kept.retainAll(secondIds);
    assertThat(kept).as("Ids in both weeks").isNotEmpty();
    assertThat(archived).isEqualTo(runs().second().rendered().model().changes().resolvedCount()).isPositive();
  }

  @Test
  void ocsfRecordsCarryTheRequiredFieldsOfTheirClass() throws IOException {
    int detections = 0;
    int compliance = 0;
    for (Path f : files(part("export/ocsf", WeeklyFixture.FIRST))) {
      List<String> lines = Files.readAllLines(f);
      assertThat(lines.size()).isBetween(1, SecurityExports.OCSF_BATCH);
      for (String line : lines) {
        JsonNode o = JSON.readTree(line);
        int cls = o.path("class_uid").asInt();
        assertThat(cls).isIn(SecurityExports.DETECTION_FINDING, SecurityExports.COMPLIANCE_FINDING);
        for (String field : List.of("activity_id", "category_uid", "class_uid", "severity_id", "time", "type_uid")) {
          assertThat(o.path(field).isIntegralNumber()).as(field).isTrue();
        }
        assertThat(o.path("category_uid").asInt()).isEqualTo(2);
        assertThat(o.path("type_uid").asLong()).isEqualTo(cls * 100L + o.path("activity_id").asInt());
        assertThat(o.path("metadata").path("version").asText()).isEqualTo(SecurityExports.OCSF_VERSION);
        assertThat(o.path("metadata").path("product").path("name").asText()).isNotBlank();
        assertThat(o.path("metadata").path("product").path("vendor_name").asText()).isNotBlank();
        assertThat(o.path("finding_info").path("uid").asText()).matches("[0-9a-f]{32}");
        assertThat(o.path("finding_info").path("title").asText()).isNotBlank();
        assertThat(o.path("cloud").path("provider").asText()).isEqualTo("AWS");
        assertThat(o.path("severity_id").asInt()).isBetween(1, 5);
        String rule = o.path("unmapped").path("rule_id").asText();
        if (cls == SecurityExports.COMPLIANCE_FINDING) {
          compliance++;
          assertThat(o.path("compliance").path("standards").size()).as("standards of " + rule).isPositive();
          assertThat(rule).doesNotStartWith("eb_change_");
        } else {
          detections++;
          assertThat(SecurityExports.isChangeRule(rule)).isTrue();
        }
      }
    }
    assertThat(detections).isPositive();
    assertThat(compliance).isPositive();
  }

  @Test
  void theSecondWeekIsComparedWithTheFirst() throws IOException {
    var first = runs().first().rendered().model();
    var second = runs().second().rendered().model();
    assertThat(first.header().previousDate()).isNull();
    assertThat(first.changes().available()).isFalse();
    assertThat(second.header().previousDate()).isEqualTo("2026-11-15");
    assertThat(second.changes().available()).isTrue();
    assertThat(second.headline()).anySatisfy(f -> {
      assertThat(f.label()).isEqualTo("Open findings");
      assertThat(f.delta()).isNotNull();
    });
    Document page = Jsoup.parse(part("report", WeeklyFixture.SECOND).resolve("index.html").toFile());
    assertThat(page.text()).contains("compared with the report of 2026-11-15", "Resolved since 2026-11-15");
  }

  @Test
  void theReportHasEverySectionAndLoadsNothing() throws IOException {
    Path index = part("report", WeeklyFixture.FIRST).resolve("index.html");
    Document page = Jsoup.parse(index.toFile());
    for (String id : List.of("summary", "trends", "top", "environments", "permissions", "compliance", "quality")) {
      assertThat(page.getElementById(id)).as(id).isNotNull();
    }
    assertThat(page.select("script, link, iframe, object, embed, img, base, form")).isEmpty();
    assertThat(page.select("meta[http-equiv=Content-Security-Policy]").attr("content")).contains("default-src 'none'");
    for (Element e : page.getAllElements()) {
      e.attributes().forEach(a -> assertThat(a.getKey()).as("attribute on " + e.tagName()).doesNotStartWith("on"));
    }
    assertThat(page.select("svg.chart")).hasSizeGreaterThanOrEqualTo(3);
    assertThat(page.select("#trends rect.sev-high, #trends rect.sev-medium")).isNotEmpty();
    // Links stay inside the page or the published tables: policy files exist where they point.
    List<String> policies = new ArrayList<>();
    for (Element a : page.select("a[href]")) {
      String href = a.attr("href");
      if (href.startsWith("#")) {
        assertThat(page.getElementById(href.substring(1))).as(href).isNotNull();
      } else {
        assertThat(href).startsWith("../../permissions/policies/report_date=2026-11-15/");
        assertThat(index.getParent().resolve(href).normalize()).exists();
        policies.add(href);
      }
    }
    assertThat(policies).isNotEmpty();
    String text = page.text();
    assertThat(text).contains("ElasticBeanstalk.1", "ElasticBeanstalk.2", "ElasticBeanstalk.3", "EC2.8", "Monitoring",
        "Least privilege", "Platform updates", "IMDSv2", "Digest verification", "valid", "unlisted", "Platform catalog",
        "IAM authorization details");
    // The payloads are text on the page, never markup.
    assertThat(text).contains(WeeklyFixture.ENV_PAYLOAD, WeeklyFixture.UA_PAYLOAD);
    assertThat(Files.readString(index)).doesNotContain(WeeklyFixture.ENV_PAYLOAD).doesNotContain(WeeklyFixture.UA_PAYLOAD)
        .contains("&lt;script&gt;");
  }

  @Test
  void summaryMarkdownNeutralizesThePayloads() throws IOException {
    String md = Files.readString(part("report", WeeklyFixture.FIRST).resolve("summary.md"));
    assertThat(md).startsWith("# Elastic Beanstalk compliance report, week ending 2026-11-15");
    assertThat(md).contains("&lt;img src=x onerror=\"document.title='pwned-img';window.\\_\\_xss='img'\"&gt;");
    assertThat(md).doesNotContain("<img").doesNotContain("<script");
  }

  @Test
  void noOutputHoldsTheCanarySecret() throws IOException {
    for (String dir : List.of("report", "export/asff", "export/ocsf", "run", "quarantine")) {
      Path p = part(dir, WeeklyFixture.FIRST);
      if (!Files.exists(p)) {
        continue;
      }
      for (Path f : files(p)) {
        assertThat(Files.readString(f)).as(f.toString()).doesNotContain(WeeklyFixture.CANARY);
      }
    }
    // It was there to be found: the secret finding fired on that environment.
    assertThat(TestSpark.session().read().schema(FindingSchema.FINDINGS)
        .parquet(part("findings/parquet", WeeklyFixture.FIRST).toString())
        .filter(col("rule_id").equalTo("eb_plaintext_secret_in_environment")
            .and(col("environment").equalTo(WeeklyFixture.ENV_PAYLOAD))).count()).isPositive();
  }

  private static int cli(StringWriter out, StringWriter err, String... args) {
    TestSpark.session();
    return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void reportRendersAgainWithoutRecomputingAndExitCodesFollowFailOn() throws IOException {
    Path report = part("report", WeeklyFixture.FIRST);
    String csv = Files.readString(report.resolve("findings.csv"));
    Files.writeString(report.resolve("index.html"), "old");
    long eventsFiles = files(part("events", WeeklyFixture.FIRST)).size();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String root = runs().root().toString();
    // Open info-or-worse findings exist: 3, after rendering again.
    // The fixture's settings (every finding on the page), as the browser test reads this page too.
    assertThat(cli(out, err, "report", "--out", root, "--report-date", "2026-11-15", "--fail-on", "info",
        "--set", "report.top_findings=1000")).isEqualTo(Main.EXIT_FINDINGS);
    assertThat(Files.readString(report.resolve("index.html"))).startsWith("<!DOCTYPE html>");
    assertThat(report.resolve("findings.csv")).hasContent(csv);
    assertThat(files(part("events", WeeklyFixture.FIRST))).hasSize((int) eventsFiles);
    assertThat(out.toString()).contains("report: ", "index.html");
    assertThat(err.toString()).contains("open findings at or above info");
    err.getBuffer().setLength(0);
    assertThat(cli(out, err, "report", "--out", root, "--report-date", "2026-11-15", "--fail-on", "severe")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo(
        "ebaudit: Cannot parse --fail-on: expected one of [critical, high, medium, low, info], got severe\n");
    err.getBuffer().setLength(0);
    assertThat(cli(out, err, "report", "--out", root, "--report-date", "2026-10-01")).isEqualTo(2);
    assertThat(err.toString()).startsWith("ebaudit: Cannot render the report: no weekly run published for 2026-10-01");
  }

  @Test
  void failOnCountsOnlyOpenFindingsAtOrAboveTheSeverity() {
    Map<String, Long> open = Map.of("critical", 0L, "high", 0L, "medium", 2L);
    assertThat(ReportJob.failOnExit(open, null)).isZero();
    assertThat(ReportJob.failOnExit(open, "high")).isZero();
    assertThat(ReportJob.failOnExit(open, "medium")).isEqualTo(Main.EXIT_FINDINGS);
    assertThat(ReportJob.failOnExit(open, "info")).isEqualTo(Main.EXIT_FINDINGS);
    assertThat(ReportJob.failOn(" HIGH ")).isEqualTo("high");
  }

  @Test
  void weeklyConfigMistakesExitTwoBeforeAnyWork(@org.junit.jupiter.api.io.TempDir Path tmp) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String trail = tmp.toString();
    String o = tmp.resolve("out").toString();
    assertThat(cli(out, err, "weekly", "--trail", trail, "--out", o, "--fail-on", "severe")).isEqualTo(2);
    assertThat(err.toString()).startsWith("ebaudit: Cannot parse --fail-on");
    err.getBuffer().setLength(0);
    assertThat(cli(out, err, "weekly", "--trail", trail, "--out", o, "--set", "export.home_region=mars")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo(
        "ebaudit: Cannot configure: export.home_region must be an AWS region like us-east-1, got mars\n");
    err.getBuffer().setLength(0);
    assertThat(cli(out, err, "weekly", "--trail", trail, "--out", o, "--set", "weekly.window_days=0")).isEqualTo(2);
    assertThat(err.toString()).startsWith("ebaudit: Cannot configure: weekly.window_days");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void eachDateIsCommittedAndItsDigestVerificationIsPublishedAndReported() throws IOException {
    var conf = TestSpark.session().sparkContext().hadoopConfiguration();
    String root = runs().root().toString();
    for (var d : List.of(WeeklyFixture.FIRST, WeeklyFixture.SECOND)) {
      assertThat(io.ebaudit.io.PublishReportDate.isPublished(conf, root, d)).as("committed %s", d).isTrue();
      assertThat(part("integrity/digest_verification", d)).isDirectory();
      // Its summary names the published table, not the staging folder it was computed in.
      assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(part("integrity", d).resolve("summary.json")
          .toFile()).get("table").asText()).isEqualTo(io.ebaudit.io.ReportLayout.published(
              io.ebaudit.io.Storage.qualify(conf, root), "integrity/digest_verification", d));
    }
    // The analyze run's own commit marker inside the staging folder is not published as a table.
    assertThat(runs().root().resolve("_commits").resolve("latest.json")).doesNotExist();
    assertThat(ReportLayout.dates(conf, root)).containsExactly(WeeklyFixture.FIRST, WeeklyFixture.SECOND);
    // The planted payload files are in no digest: flagged, named, and counted in the report's data quality.
    List<Row> flagged = TestSpark.session().read().schema(FindingSchema.FINDINGS)
        .parquet(part("findings/parquet", WeeklyFixture.FIRST).toString())
        .filter(col("rule_id").startsWith("ct_")).collectAsList();
    assertThat(flagged).isNotEmpty();
    String html = Files.readString(part("report", WeeklyFixture.FIRST).resolve("index.html"));
    assertThat(html).doesNotContain("not run: this run did not verify CloudTrail digest files");
  }
}
