package io.ebaudit.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ebaudit.testing.SparkSuite;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class MetricStreamsTest extends SparkSuite {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  static final String LINE = "{\"metric_stream_name\":\"s\",\"account_id\":\"111122223333\",\"region\":\"us-east-1\","
      + "\"namespace\":\"AWS/EC2\",\"metric_name\":\"MetadataNoToken\",\"dimensions\":{\"InstanceId\":\"i-0a\"},"
      + "\"timestamp\":1764460800000,\"value\":{\"max\":2.0,\"min\":0.0,\"sum\":3.0,\"count\":5.0},\"unit\":\"None\"}";

  @Test
  public void realExampleFromTheUserGuideParses() {
    String file = Paths.get("src/test/resources/real/cloudwatch/metric_stream_json_format_example.json").toAbsolutePath().toString();
    MetricStreams.Result r = MetricStreams.readWithCounts(spark(), List.of(file));
    assertThat(r.badLines()).isZero();
    List<Row> rows = r.metrics().collectAsList();
    assertThat(rows).hasSize(1);
    Row row = rows.get(0);
    assertThat(r.metrics().schema()).isEqualTo(MetricStreams.METRICS);
    assertThat((String) row.getAs("namespace")).isEqualTo("AWS/EC2");
    assertThat((String) row.getAs("metric_name")).isEqualTo("DiskWriteOps");
    assertThat((String) row.getAs("account_id")).isEqualTo("1234567890");
    assertThat((Long) row.getAs("timestamp")).isEqualTo(1611929698000L);
    assertThat(row.<String, String>getJavaMap(row.fieldIndex("dimensions"))).containsEntry("InstanceId", "i-123456789012");
    Row value = row.getAs("value");
    assertThat((Double) value.getAs("sum")).isEqualTo(20.0);
    assertThat((Double) value.getAs("count")).isEqualTo(3.0);
    assertThat(row.<String, Double>getJavaMap(row.fieldIndex("statistics"))).containsEntry("p99", 17.56)
        .containsEntry("TM(25%:75%)", 16.43);
    assertThat((String) row.getAs("unit")).isEqualTo("Seconds");
  }

  @Test
  public void badLinesAreCountedAndSkippedInGzipFolders() throws Exception {
    Path dir = tmp.newFolder("metrics", "2026", "11").toPath();
    // No .gz suffix: Firehose names; gzip found by its magic bytes.
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(dir.resolve("stream-1-2026-11-30")))) {
      o.write((LINE + "\n{not json\n" + LINE.replace("i-0a", "i-0b") + "\n{\"namespace\":\"AWS/EC2\"}\n\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    Files.writeString(dir.resolve("plain.json"), LINE.replace("i-0a", "i-0c") + "\n");
    Files.writeString(dir.resolve("_SUCCESS"), "garbage");
    MetricStreams.Result r = MetricStreams.readWithCounts(spark(), List.of(tmp.getRoot().toPath().resolve("metrics").toString()));
    assertThat(r.badLines()).isEqualTo(2);
    assertThat(r.metrics().select("dimensions.InstanceId").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("i-0a", "i-0b", "i-0c");
  }

  @Test
  public void missingPathFails() {
    assertThatThrownBy(() -> MetricStreams.read(spark(), List.of(tmp.getRoot() + "/nope")))
        .hasMessageContaining("no such file or folder");
  }
}
