package io.ebaudit.jobs;

import static io.ebaudit.beanstalk.BeanstalkFixture.event;
import static io.ebaudit.beanstalk.BeanstalkFixture.option;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.beanstalk.BeanstalkFixture;
import io.ebaudit.config.IngestConfig;
import io.ebaudit.config.Settings;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.rules.Rule;
import io.ebaudit.rules.RuleRegistry;
import io.ebaudit.sample.SampleSpec;
import io.ebaudit.sample.TrailGenerator;
import io.ebaudit.testing.SparkSuite;
import io.ebaudit.trail.TrailFixture;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** analyze end to end: the sample trail, the secret canary, suppressions. */
public class AnalyzeJobTest extends SparkSuite {
  @org.junit.Rule public TemporaryFolder tmp = new TemporaryFolder();

  private AnalyzeJob.Result analyze(Path trail, Path out, Settings settings) {
    IngestConfig config = IngestConfig.of(List.of(trail.toString()), null, null, Set.of(), Set.of(), out.toString(),
        1.0, settings);
    return AnalyzeJob.run(spark(), config, List.of(), settings);
  }

  private Dataset<Row> findings(Path out) {
    return spark().read().schema(FindingSchema.FINDINGS).parquet(out.resolve("findings/parquet").toString());
  }

  @Test
  public void theSampleTrailMakesMostRulesFire() throws Exception {
    Path trail = tmp.newFolder("trail").toPath();
    TrailGenerator.generate(SampleSpec.defaults(trail).withWindow(LocalDate.of(2026, 11, 20), 7));
    Path out = tmp.newFolder("out").toPath();
    AnalyzeJob.Result r = analyze(trail, out, Settings.defaults());
    Set<String> fired = findings(out).select("rule_id").distinct().as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList().stream().collect(Collectors.toSet());
    Set<String> all = RuleRegistry.all().stream().map(Rule::id).collect(Collectors.toSet());
    Set<String> posture = new java.util.HashSet<>(io.ebaudit.posture.Platforms.RULE_IDS);
    posture.addAll(io.ebaudit.posture.Coverage.RULE_IDS);
    Set<String> firedRules = new java.util.HashSet<>(fired);
    firedRules.removeAll(posture);
    assertThat(firedRules).isSubsetOf(all);
    assertThat(firedRules.size()).as("rules fired by the sample: %s", fired).isGreaterThanOrEqualTo(all.size() * 3 / 4);
    // Posture: the platforms and coverage tables, and their findings among the others (reference catalog).
    assertThat(spark().read().schema(io.ebaudit.posture.Platforms.PLATFORMS).parquet(out.resolve("platforms").toString())
        .count()).isPositive();
    assertThat(spark().read().parquet(out.resolve("coverage").toString()).count()).isPositive();
    assertThat(fired).as("posture findings: %s", fired).containsAnyElementsOf(io.ebaudit.posture.Platforms.RULE_IDS)
        .containsAnyElementsOf(io.ebaudit.posture.Coverage.RULE_IDS);
    assertThat(r.postureFindings()).isPositive();
    assertThat(r.platformCatalogAsOf()).isEqualTo(LocalDate.of(2023, 6, 15));
    assertThat(AnalyzeJob.describe(r)).contains("platform catalog ebaudit reference platform catalog, as of 2023-06-15");
    assertThat(fired).contains("eb_imdsv1_enabled", "eb_managed_updates_disabled", "eb_environment_terminated",
        "eb_plaintext_secret_in_environment", "eb_change_by_root", "eb_access_denied_burst", "eb_ssh_open_to_world");
    assertThat(r.configChanges()).isPositive();
    assertThat(r.environments()).isGreaterThanOrEqualTo(3);
    // CSV and JSON lines carry the same findings as the Parquet table.
    long n = findings(out).count();
    assertThat(Files.readAllLines(out.resolve("findings/findings.jsonl"))).hasSize((int) n);
  }

  @Test
  public void aCanarySecretAppearsInNoOutput() throws Exception {
    String canary = "Canary-7f3a9b2cQ-xyzzy-91";
    String awsKey = "AKIAZZZZCANARY000042";
    String env = "aws:elasticbeanstalk:application:environment";
    String create = "{\"applicationName\":\"shop\",\"environmentName\":\"shop-prod\",\"optionSettings\":["
        + option(env, "DB_PASSWORD", canary) + "," + option(env, "UPSTREAM", "https://svc:" + canary + "@db.example.com/x")
        + "," + option(env, "VENDOR_ID", awsKey) + "]}";
    String update = "{\"environmentName\":\"shop-prod\",\"optionSettings\":[" + option(env, "DB_PASSWORD", canary + "-2") + "]}";
    Path trail = tmp.newFolder("canary").toPath();
    TrailFixture.write(trail, TrailFixture.logKey(null, BeanstalkFixture.ACCOUNT, "us-east-1", "2026/11/20", "C1"),
        TrailFixture.envelope(List.of(event("c1", "2026-11-20T08:00:00Z", "CreateEnvironment", create, null),
            event("c2", "2026-11-20T09:00:00Z", "UpdateEnvironment", update, null))), true);
    // And a broken record around it, which goes to the quarantine.
    TrailFixture.write(trail, TrailFixture.logKey(null, BeanstalkFixture.ACCOUNT, "us-east-1", "2026/11/20", "C2"),
        "{\"Records\":[" + event("c3", "2026-11-20T10:00:00Z", "UpdateEnvironment", update, null).replace("\"eventID\"", "\"eventID\" "), true);
    write(trail, "C3", "{\"Records\":[{\"eventID\":\"c4\",\"eventSource\":\"elasticbeanstalk.amazonaws.com\","
        + "\"eventName\":\"UpdateEnvironment\",\"requestParameters\":{\"optionSettings\":[" + option(env, "DB_PASSWORD", canary)
        + "]},\"eventTime\":\"not a time\"}]}");
    Path out = tmp.newFolder("canary-out").toPath();
    analyze(trail, out, Settings.defaults());

    assertThat(findings(out).filter(col("rule_id").equalTo("eb_plaintext_secret_in_environment")).count()).isPositive();
    List<Path> files;
    try (Stream<Path> s = Files.walk(out)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    assertThat(files).anyMatch(p -> p.toString().endsWith(".parquet")).anyMatch(p -> p.toString().endsWith(".jsonl"));
    for (Path f : files) {
      String name = f.getFileName().toString();
      if (name.endsWith(".parquet")) {
        continue; // compressed: read through Spark below
      }
      byte[] b = Files.readAllBytes(f);
      if (name.endsWith(".gz")) {
        b = new GZIPInputStream(new ByteArrayInputStream(b)).readAllBytes();
      }
      String text = new String(b, StandardCharsets.ISO_8859_1);
      assertThat(text).as(f.toString()).doesNotContain(canary).doesNotContain(awsKey);
    }
    for (String table : List.of("events", "beanstalk_events", "config_changes", "environment_state", "findings/parquet")) {
      Dataset<Row> t = spark().read().parquet(out.resolve(table).toString());
      long hits = t.select(to_json(struct(col("*"))).as("j"))
          .filter(col("j").contains(canary).or(col("j").contains(awsKey))).count();
      assertThat(hits).as(table).isZero();
      assertThat(t.count()).as(table).isPositive();
    }
    // The masked values still show that the secret changed: c1, c2, and c3 (kept before its file broke).
    assertThat(spark().read().parquet(out.resolve("config_changes").toString())
        .filter(col("option_name").equalTo("DB_PASSWORD").and(col("secret"))).count()).isEqualTo(3);
    // The record with the bad time went to the quarantine, its excerpt masked (checked with the files above).
    assertThat(Files.readString(out.resolve("quarantine/part-00000.jsonl"))).contains("not an ISO-8601 time")
        .contains(io.ebaudit.secrets.Secrets.MASK);
  }

  private static void write(Path trail, String suffix, String content) {
    TrailFixture.write(trail, TrailFixture.logKey(null, BeanstalkFixture.ACCOUNT, "us-east-1", "2026/11/20", suffix), content, true);
  }

  @Test
  public void suppressionsHoldUntilTheyExpireThroughTheCli() throws Exception {
    String env = "aws:autoscaling:launchconfiguration";
    Path trail = tmp.newFolder("supp").toPath();
    TrailFixture.write(trail, TrailFixture.logKey(null, BeanstalkFixture.ACCOUNT, "us-east-1", "2026/11/20", "S1"),
        TrailFixture.envelope(List.of(
            event("s1", "2026-11-20T08:00:00Z", "UpdateEnvironment",
                "{\"environmentName\":\"legacy-batch\",\"optionSettings\":[" + option(env, "DisableIMDSv1", "false") + "]}", null),
            event("s2", "2026-11-20T09:00:00Z", "UpdateEnvironment",
                "{\"environmentName\":\"shop-prod\",\"optionSettings\":[" + option(env, "DisableIMDSv1", "false") + "]}", null))),
        true);
    Path conf = tmp.newFile("ebaudit.yaml").toPath();
    Files.writeString(conf, "suppressions:\n"
        + "  - {rule_id: eb_imdsv1_enabled, environment: legacy-batch, reason: vendor agent needs IMDSv1, expires: 2999-12-31}\n"
        + "  - {rule_id: eb_imdsv1_enabled, environment: shop-prod, reason: old waiver, expires: 2020-01-31}\n");
    Path platforms = tmp.newFile("platforms.json").toPath();
    Files.writeString(platforms, "{\"source\":\"my export\",\"as_of\":\"2026-11-01\",\"PlatformBranchSummaryList\":"
        + "[{\"BranchName\":\"Docker running on 64bit Amazon Linux 2023\",\"LifecycleState\":\"Supported\"}]}");
    Path out = tmp.newFolder("supp-out").toPath();
    java.io.StringWriter so = new java.io.StringWriter();
    int code = Main.execute(new java.io.PrintWriter(so, true), new java.io.PrintWriter(new java.io.StringWriter(), true),
        "analyze", "--trail", trail.toString(), "--out", out.toString(), "--conf", conf.toString(),
        "--platforms", platforms.toString());
    assertThat(code).isZero();
    assertThat(so.toString()).contains("suppressed").contains("platform catalog my export, as of 2026-11-01");
    List<Row> rows = findings(out).filter(col("rule_id").equalTo("eb_imdsv1_enabled"))
        .select("environment", "status", "suppression_reason").orderBy("environment").collectAsList();
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).getString(0)).isEqualTo("legacy-batch");
    assertThat(rows.get(0).getString(1)).isEqualTo("suppressed");
    assertThat(rows.get(0).getString(2)).isEqualTo("vendor agent needs IMDSv1");
    assertThat(rows.get(1).getString(1)).isEqualTo("open");
    assertThat(rows.get(1).getString(2)).startsWith("expired 2020-01-31");
  }
}
