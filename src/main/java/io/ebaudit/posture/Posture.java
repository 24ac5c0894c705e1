package io.ebaudit.posture;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.report.FindingIds;
import io.ebaudit.report.FindingSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/** Helpers shared by the posture stages: reading one option of an environment out of environment_state. */
final class Posture {
  private Posture() {}

  static final String[] KEY = {"account_id", "aws_region", "environment_name"};

  static Column is(String namespace, String option) {
    return lower(col("namespace")).equalTo(namespace.toLowerCase(java.util.Locale.ROOT))
        .and(lower(col("option_name")).equalTo(option.toLowerCase(java.util.Locale.ROOT)))
        .and(col("resource_name").isNull());
  }

  /** max(when(option, column)): environment_state holds at most one row per environment and option. */
  static Column pick(String namespace, String option, String column, String alias) {
    return max(when(is(namespace, option), col(column))).as(alias);
  }

  /**
   * One row per environment (account, region, name) with the application and {@code terminated}, plus
   * the given aggregates.
   */
  static Dataset<Row> perEnvironment(Dataset<Row> state, List<Column> aggregates) {
    List<Column> aggs = new ArrayList<>();
    aggs.add(max(col("application")).as("application"));
    aggs.add(max(when(is(BeanstalkSchemas.ENVIRONMENT_NAMESPACE, "Status").and(
        lower(trim(col("value"))).equalTo("terminated")), lit(true))).as("_terminated"));
    aggs.addAll(aggregates);
    return state.groupBy(col(KEY[0]), col(KEY[1]), col(KEY[2]))
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0]))
        .filter(col("_terminated").isNull())
        .drop("_terminated");
  }

  static Column findingId(Column ruleId) {
    return FindingIds.findingIdColumn(ruleId, col("account_id"), col("aws_region"), col("environment_name"));
  }

  /** Casts and orders {@code rows} to {@link FindingSchema#FINDINGS}. */
  static Dataset<Row> asFindings(Dataset<Row> rows) {
    List<Column> cols = new ArrayList<>();
    for (var f : FindingSchema.FINDINGS.fields()) {
      // Arrays keep their element nullability: Spark will not cast array<string> (nullable elements) to non-null ones.
      cols.add(f.dataType() instanceof org.apache.spark.sql.types.ArrayType
          ? col(f.name()) : col(f.name()).cast(f.dataType()).as(f.name()));
    }
    return rows.select(cols.toArray(new Column[0]));
  }

  static Column emptyStrings() {
    return functions.array().cast("array<string>");
  }
}
