package io.ebaudit.investigate;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ebaudit.testing.DemoOutputs;
import io.ebaudit.testing.SparkSuite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The investigations on the demo's outputs, checked against the tables read directly. */
public class InvestigationsTest extends SparkSuite {
  static final String DEPLOY = "arn:aws:iam::121867679937:role/github-actions-deploy";

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private Investigations inv() {
    return Investigations.open(spark(), DemoOutputs.root().toString());
  }

  private Dataset<Row> raw(String table) {
    return spark().read().parquet(DemoOutputs.root().resolve(table).toString());
  }

  @Test
  public void viewsCoverEveryTableTheRunWrote() {
    Investigations inv = inv();
    List<String> views = inv.registerViews();
    assertThat(views).contains("events", "beanstalk_events", "config_changes", "environment_state", "platforms",
        "coverage", "imds", "findings", "usage", "denied", "verdicts", "environment_roles", "impact", "metrics");
    // The demo's metrics make an impact row per change, some degraded.
    assertThat(spark().sql("SELECT count(*) FROM impact WHERE degraded").first().getLong(0)).isPositive();
    assertThat(spark().sql("SELECT count(*) FROM impact").first().getLong(0)).isEqualTo(raw("impact").count());
    assertThat(spark().sql("SELECT count(*) FROM events").first().getLong(0)).isEqualTo(raw("events").count());
    assertThat(spark().sql("SELECT count(*) FROM findings").first().getLong(0))
        .isEqualTo(raw("findings/parquet").count());
    assertThat(inv.tables().reportDate()).isEmpty();
  }

  @Test
  public void principalActivityReadsOnlyTheWindowsDays() {
    Dataset<Row> a = inv().principalActivity(DEPLOY, "2026-11-22", "2026-11-23");
    for (String f : a.inputFiles()) {
      if (f.contains("/events/")) {
        assertThat(f).containsAnyOf("event_date=2026-11-22", "event_date=2026-11-23");
      }
    }
    assertThat(List.of(a.inputFiles())).anyMatch(f -> f.contains("/events/event_date=2026-11-22/"));
    long expected = raw("events").filter(col("principal_arn").equalTo(DEPLOY)
        .and(col("event_time").geq(Timestamp.valueOf("2026-11-22 00:00:00")))
        .and(col("event_time").lt(Timestamp.valueOf("2026-11-24 00:00:00")))).count();
    assertThat(expected).isPositive();
    assertThat(a.count()).isEqualTo(expected);
    assertThat(a.select("principal_arn").distinct().as(Encoders.STRING()).collectAsList()).containsExactly(DEPLOY);
    // Beanstalk calls name their environment.
    assertThat(a.filter(col("event_source").equalTo("elasticbeanstalk.amazonaws.com")
        .and(col("event_name").equalTo("UpdateEnvironment"))).filter(col("environment_name").isNull()).count()).isZero();
    // By name: the role of that name in every account.
    assertThat(inv().principalActivity("github-actions-deploy", TimeWindow.ALL).select("principal_arn").distinct().count())
        .isEqualTo(3);
  }

  @Test
  public void environmentHistoryByNameOrIdWithChangesAndFindings() {
    Investigations inv = inv();
    Dataset<Row> h = inv.environmentHistory("api-prod", TimeWindow.ALL);
    long calls = raw("beanstalk_events").filter(col("environment_name").equalTo("api-prod")).count();
    assertThat(h.count()).isEqualTo(calls);
    String id = h.filter(col("environment_id").isNotNull()).select("environment_id").first().getString(0);
    assertThat(inv.environmentHistory(id, "", "").count()).isEqualTo(calls);
    Row create = h.filter(col("event_name").equalTo("CreateEnvironment")).first();
    List<Row> changes = create.getList(create.fieldIndex("changes"));
    assertThat(changes).extracting(c -> c.getAs("option_name")).contains("DisableIMDSv1", "InstanceType");
    Row byRoot = h.filter(col("principal_kind").equalTo("root")).first();
    List<Row> findings = byRoot.getList(byRoot.fieldIndex("findings"));
    assertThat(findings).extracting(f -> f.getAs("rule_id")).contains("eb_change_by_root");
    // Oldest first.
    List<Timestamp> times = h.select("event_time").as(Encoders.TIMESTAMP()).collectAsList();
    assertThat(times).isSorted();
  }

  @Test
  public void changeDiffsMatchTheConfigChangesTable() {
    Investigations inv = inv();
    Row change = raw("config_changes").filter(col("target_name").equalTo("api-prod")
        .and(col("event_name").equalTo("UpdateEnvironment")).and(col("option_name").equalTo("InstanceType"))).first();
    String eventId = change.getAs("event_id");
    Dataset<Row> one = inv.changeDiff("api-prod", eventId);
    assertThat(one.count()).isEqualTo(raw("config_changes").filter(col("event_id").equalTo(eventId)).count());
    Row r = one.filter(col("option_name").equalTo("InstanceType")).first();
    assertThat((String) r.getAs("value_before")).isEqualTo(change.getAs("value_before"));
    assertThat((String) r.getAs("value_after")).isEqualTo(change.getAs("value_after"));

    // Over a window: the value before the window's first change, after its last.
    List<Row> versions = raw("config_changes").filter(col("target_name").equalTo("api-prod")
            .and(col("option_name").equalTo("VersionLabel")))
        .filter(col("event_time").geq(Timestamp.valueOf("2026-11-22 00:00:00"))
            .and(col("event_time").lt(Timestamp.valueOf("2026-11-25 00:00:00"))))
        .orderBy("event_time", "event_id").collectAsList();
    assertThat(versions.size()).isGreaterThanOrEqualTo(2);
    Row net = inv.changeDiff("api-prod", "2026-11-22", "2026-11-24").filter(col("option_name").equalTo("VersionLabel"))
        .first();
    assertThat((String) net.getAs("value_at_from")).isEqualTo(versions.get(0).getAs("value_before"));
    assertThat((String) net.getAs("value_at_to")).isEqualTo(versions.get(versions.size() - 1).getAs("value_after"));
    assertThat((long) net.getAs("changes")).isEqualTo(versions.size());
    assertThat((boolean) net.getAs("net_change")).isTrue();
  }

  @Test
  public void permissionReviewAndTheRecommendedPolicy() {
    Investigations inv = inv();
    Set<String> states = inv.permissionReview(DEPLOY).select("state").distinct().as(Encoders.STRING()).collectAsList()
        .stream().collect(Collectors.toSet());
    assertThat(states).contains("used", "unused", "unobservable");
    long actions = inv.permissionSummary(DEPLOY).agg(org.apache.spark.sql.functions.sum("actions")).first().getLong(0);
    assertThat(actions).isEqualTo(raw("permissions/verdicts").filter(col("principal_arn").equalTo(DEPLOY)).count());
    List<Row> files = inv.recommendedPolicy(DEPLOY).collectAsList();
    assertThat(files).extracting(f -> f.getString(1)).contains("policy", "notes");
    for (Row f : files) {
      assertThat(f.getString(2)).contains("/permissions/policies/121867679937/github-actions-deploy.");
      assertThat(f.getString(3)).startsWith("{");
    }
    Row role = inv.environmentRoles("shop-staging").first();
    assertThat((String) role.getAs("instance_profile_role_arn")).endsWith(":role/aws-elasticbeanstalk-ec2-role");
  }

  @Test
  public void reportDatedRootsAreReadAtTheLatestOrTheAskedDate() throws IOException {
    Path root = tmp.newFolder("weekly").toPath();
    Path demo = DemoOutputs.root();
    for (String d : List.of("2026-11-22", "2026-11-29")) {
      copy(demo.resolve("findings/parquet"), root.resolve("findings/report_date=" + d));
      copy(demo.resolve("platforms"), root.resolve("platforms/report_date=" + d));
    }
    copy(demo.resolve("events"), root.resolve("events/report_date=2026-11-29"));
    copy(demo.resolve("beanstalk_events"), root.resolve("beanstalk_events/report_date=2026-11-29"));
    copy(demo.resolve("permissions/verdicts"), root.resolve("permissions/verdicts/report_date=2026-11-29"));
    // Neither staging nor junk is a report date.
    copy(demo.resolve("platforms"), root.resolve("platforms/_staging_report_date=2026-12-06"));
    Files.createDirectories(root.resolve("findings/report_date=not-a-date"));

    Investigations latest = Investigations.open(spark(), root.toString());
    assertThat(latest.tables().reportDate()).contains(LocalDate.of(2026, 11, 29));
    assertThat(latest.registerViews()).contains("events", "findings", "platforms", "verdicts");
    assertThat(latest.table("findings").count()).isEqualTo(raw("findings/parquet").count());
    assertThat(latest.principalActivity(DEPLOY, "2026-11-22", "2026-11-22").count())
        .isEqualTo(inv().principalActivity(DEPLOY, "2026-11-22", "2026-11-22").count());
    assertThat(latest.permissionReview(DEPLOY).count()).isPositive();

    Investigations older = Investigations.open(spark(), root.toString(), "2026-11-22");
    assertThat(older.has("findings")).isTrue();
    assertThat(older.has("events")).isFalse();
    assertThat(older.tables().missing().get("events")).isEqualTo("no report_date=2026-11-22 partition");
    assertThatThrownBy(() -> older.table("events")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot read table events: no report_date=2026-11-22 partition");

    assertThatThrownBy(() -> Investigations.open(spark(), root.toString(), "2026-11-15"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot open ebaudit outputs at a report date: no table has it (dates: [2026-11-22, 2026-11-29]),"
            + " got 2026-11-15");
    assertThatThrownBy(() -> Investigations.open(spark(), demo.toString(), "2026-11-29"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("are not partitioned by report_date, got 2026-11-29");
    assertThatThrownBy(() -> Investigations.open(spark(), root.toString(), "29/11/2026"))
        .hasMessage("Cannot open ebaudit outputs: the report date must be YYYY-MM-DD, got 29/11/2026");
    Path empty = tmp.newFolder("empty").toPath();
    assertThatThrownBy(() -> Investigations.open(spark(), empty.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot open ebaudit outputs: no ebaudit table");
  }

  private static void copy(Path from, Path to) throws IOException {
    List<Path> all;
    try (var s = Files.walk(from)) {
      all = new ArrayList<>(s.toList());
    }
    for (Path p : all) {
      Path t = to.resolve(from.relativize(p).toString());
      if (Files.isDirectory(p)) {
        Files.createDirectories(t);
      } else {
        Files.createDirectories(t.getParent());
        Files.copy(p, t);
      }
    }
  }
}
