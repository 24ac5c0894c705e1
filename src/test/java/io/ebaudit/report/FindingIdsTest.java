package io.ebaudit.report;

import static io.ebaudit.report.FindingIds.findingIdColumn;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.testing.SparkSuite;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.Test;

public class FindingIdsTest extends SparkSuite {
  @Test
  public void javaAndColumnAgree() {
    StructType schema = new StructType().add("rule", DataTypes.StringType).add("a", DataTypes.StringType)
        .add("b", DataTypes.StringType);
    List<Row> rows = List.of(
        RowFactory.create("eb_imdsv1_allowed", "orders-prod", "arn:aws:iam::123456789012:role/deploy"),
        RowFactory.create("eb_imdsv1_allowed", null, "x"),
        RowFactory.create("eb_r", "ünïcødé ☃", "=HYPERLINK(\"http://evil\",\"x\")"),
        RowFactory.create("eb_r", "", ""));
    Dataset<Row> df = spark().createDataFrame(rows, schema)
        .withColumn("id", findingIdColumn(col("rule"), col("a"), col("b")));
    for (Row r : df.collectAsList()) {
      assertThat(r.getString(3))
          .isEqualTo(FindingIds.findingId(r.getString(0), r.getString(1), r.getString(2)))
          .hasSize(32).matches("[0-9a-f]{32}");
    }
  }

  @Test
  public void stableAndSeparated() {
    String id = FindingIds.findingId("eb_rule", "a", "b");
    assertThat(id).isEqualTo(FindingIds.findingId("eb_rule", "a", "b"));
    // SHA-256("eb_rule\u001fa\u001fb"), first 32 hex characters (computed with sha256sum).
    assertThat(id).isEqualTo("edd61cb2aafd3b17a96a2ebab73a5b77");
    assertThat(FindingIds.findingId("eb_rule", "a|b", "c")).isNotEqualTo(FindingIds.findingId("eb_rule", "a", "b|c"));
    assertThat(FindingIds.findingId("eb_rule", "ab")).isNotEqualTo(FindingIds.findingId("eb_rule", "a", "b"));
    assertThat(FindingIds.findingId("eb_other", "a", "b")).isNotEqualTo(id);
  }
}
