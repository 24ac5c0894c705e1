package io.ebaudit.report;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** Test findings rows in {@link FindingSchema#FINDINGS} order. */
final class Findings {
  private Findings() {}

  static Row row(String rule, String severity, String env, String principal, String resource, String title,
      String detail, String evidence, List<String> eventIds, Instant first) {
    return RowFactory.create(FindingIds.findingId(rule, env, principal, resource), rule, severity, FindingSchema.OPEN,
        "123456789012", "eu-west-1", "orders", env, resource, principal, eventIds.toArray(new String[0]),
        first == null ? null : Timestamp.from(first), first == null ? null : Timestamp.from(first.plusSeconds(60)),
        title, detail, evidence, "Fix it.", new String[] {"CIS 1.1", "ElasticBeanstalk.2"}, null, null);
  }

  static Row simple(String rule, String env, String principal, String resource) {
    return row(rule, "high", env, principal, resource, "t", null, null, List.of("e1"), null);
  }

  static Dataset<Row> of(SparkSession spark, List<Row> rows) {
    return spark.createDataFrame(rows, FindingSchema.FINDINGS);
  }
}
