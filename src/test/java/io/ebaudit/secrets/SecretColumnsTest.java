package io.ebaudit.secrets;

import static io.ebaudit.secrets.Secrets.ENV_NAMESPACE;
import static io.ebaudit.secrets.Secrets.MASK;
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

public class SecretColumnsTest extends SparkSuite {
  @Test
  public void columnsAgreeWithSecretsAndAreNullSafe() {
    StructType schema = new StructType().add("ns", DataTypes.StringType).add("opt", DataTypes.StringType)
        .add("val", DataTypes.StringType).add("json", DataTypes.StringType);
    String json = "{\"optionSettings\":[{\"namespace\":\"" + ENV_NAMESPACE
        + "\",\"optionName\":\"DB_PASSWORD\",\"value\":\"hunter2\"}]}";
    Dataset<Row> df = spark().createDataFrame(List.of(
        RowFactory.create(ENV_NAMESPACE, "DB_PASSWORD", "hunter2", json),
        RowFactory.create(ENV_NAMESPACE, "NODE_ENV", "production", "{\"a\":1}"),
        RowFactory.create("aws:ec2:vpc", "DB_PASSWORD", "hunter2", "key AKIAIOSFODNN7EXAMPLE"),
        RowFactory.create(null, null, null, null)), schema);
    List<Row> out = df.select(
        SecretColumns.isSecretColumn(col("ns"), col("opt"), col("val")),
        SecretColumns.maskedValueColumn(col("ns"), col("opt"), col("val")),
        SecretColumns.secretReasonColumn(col("opt"), col("val")),
        SecretColumns.maskJsonColumn(col("json")),
        SecretColumns.maskTextColumn(col("json"))).collectAsList();
    assertThat(out.get(0).getBoolean(0)).isTrue();
    assertThat(out.get(0).getString(1)).isEqualTo(MASK);
    assertThat(out.get(0).getString(2)).isEqualTo("name");
    assertThat(out.get(0).getString(3)).isEqualTo(Secrets.maskJson(json)).doesNotContain("hunter2");
    assertThat(out.get(1).getBoolean(0)).isFalse();
    assertThat(out.get(1).getString(1)).isEqualTo("production");
    assertThat(out.get(1).getString(3)).isEqualTo("{\"a\":1}");
    assertThat(out.get(2).getBoolean(0)).isFalse();
    assertThat(out.get(2).getString(1)).isEqualTo("hunter2");
    assertThat(out.get(2).getString(4)).isEqualTo("key " + MASK);
    assertThat(out.get(3).getBoolean(0)).isFalse();
    assertThat(out.get(3).isNullAt(1)).isTrue();
    assertThat(out.get(3).isNullAt(2)).isTrue();
    assertThat(out.get(3).isNullAt(3)).isTrue();
    assertThat(out.get(3).isNullAt(4)).isTrue();
  }
}
