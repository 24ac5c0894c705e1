package io.ebaudit.investigate;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.jobs.WeeklyFixture;
import io.ebaudit.testing.TestSpark;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The library over what {@code weekly} really publishes (report_date partitions), not a hand-made layout. */
class InvestigationsWeeklyTest {

  @Test
  void aWeeklyRootOpensAtItsLatestReportDateOrTheOneAskedFor() {
    SparkSession spark = TestSpark.session();
    String root = WeeklyFixture.get().root().toString();

    Investigations latest = Investigations.open(spark, root);
    assertThat(latest.tables().reportDate()).contains(WeeklyFixture.SECOND);
    List<String> views = latest.registerViews();
    assertThat(views).contains("events", "beanstalk_events", "config_changes", "environment_state", "platforms",
        "coverage", "imds", "findings", "usage", "denied", "verdicts", "environment_roles");
    long published = spark.read().parquet(root + "/findings/parquet/report_date=" + WeeklyFixture.SECOND).count();
    assertThat(published).isPositive();
    assertThat(spark.sql("SELECT count(*) FROM findings").first().getLong(0)).isEqualTo(published);

    Investigations first = Investigations.open(spark, root, WeeklyFixture.FIRST.toString());
    assertThat(first.tables().reportDate()).contains(WeeklyFixture.FIRST);
    // A principal with a recommended policy in the first week: its policy file is found under the weekly layout.
    Row withPolicy = spark.read().parquet(root + "/permissions/verdicts/report_date=" + WeeklyFixture.FIRST)
        .filter(col("state").equalTo("used")).select("principal_arn").first();
    assertThat(first.permissionSummary(withPolicy.getString(0)).count()).isPositive();
    assertThat(first.recommendedPolicy(withPolicy.getString(0)).filter(col("kind").equalTo("policy")).count())
        .isPositive();
  }
}
