package io.ebaudit.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ebaudit.testing.S3ProxyServer;
import io.ebaudit.testing.S3aTestSupport;
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
  public void badLinesAreCountedAndQuarantinedInGzipFolders() throws Exception {
    Path dir = tmp.newFolder("metrics", "2026", "11").toPath();
    // No .gz suffix: Firehose names; gzip found by its magic bytes.
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(dir.resolve("stream-1-2026-11-30")))) {
      o.write((LINE + "\n{not json\n" + LINE.replace("i-0a", "i-0b") + "\n{\"namespace\":\"AWS/EC2\"}\n\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    Files.writeString(dir.resolve("plain.json"), LINE.replace("i-0a", "i-0c") + "\n");
    Files.writeString(dir.resolve("_SUCCESS"), "garbage");
    // A cut-off gzip file: rejected whole, the other files still read.
    byte[] gz = java.util.Arrays.copyOf(gzip(LINE.replace("i-0a", "i-0d") + "\n"), 20);
    Files.write(dir.resolve("stream-2-truncated"), gz);
    MetricStreams.Result r = MetricStreams.readWithCounts(spark(), List.of(tmp.getRoot().toPath().resolve("metrics").toString()));
    assertThat(r.badLines()).isEqualTo(3);
    assertThat(r.records()).isEqualTo(3);
    assertThat(r.metrics().select("dimensions.InstanceId").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("i-0a", "i-0b", "i-0c");
    // Nothing vanishes: each bad line is kept with its file, line number and reason.
    List<org.apache.spark.sql.Row> rejects = r.rejects().orderBy("source_file", "line").collectAsList();
    assertThat(r.rejects().schema()).isEqualTo(MetricStreams.REJECTS);
    assertThat(rejects).hasSize(3);
    assertThat(rejects.get(0).getString(0)).endsWith("stream-1-2026-11-30");
    assertThat(rejects.get(0).getLong(1)).isEqualTo(2);
    assertThat(rejects.get(0).getString(2)).startsWith("not JSON: ");
    assertThat(rejects.get(0).getString(3)).isEqualTo("{not json");
    assertThat(rejects.get(1).getLong(1)).isEqualTo(4);
    assertThat(rejects.get(1).getString(2)).isEqualTo("no metric_name");
    assertThat(rejects.get(2).getString(0)).endsWith("stream-2-truncated");
    assertThat(rejects.get(2).getLong(1)).isZero();
    assertThat(rejects.get(2).getString(2)).startsWith("not gzip or truncated gzip");
  }

  @Test
  public void rejectedLinesAreClippedAndTheirSecretsMasked() {
    String secret = "AKIAIOSFODNN7EXAMPLE";
    String line = "{\"note\":\"" + secret + "\",\"pad\":\"" + "x".repeat(5000) + "\"}";
    List<org.apache.spark.sql.Row> rows = MetricStreams.parseFile("f", line.getBytes(StandardCharsets.UTF_8));
    assertThat(rows).hasSize(1);
    org.apache.spark.sql.Row reject = rows.get(0).getStruct(rows.get(0).size() - 1);
    assertThat(reject.getString(2)).isEqualTo("no namespace");
    assertThat(reject.getString(3)).doesNotContain(secret).hasSizeLessThanOrEqualTo(2048 + 20);
  }

  private static byte[] gzip(String text) throws java.io.IOException {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    try (OutputStream o = new GZIPOutputStream(b)) {
      o.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return b.toByteArray();
  }

  static final Path OTEL = Paths.get("src/test/resources/real/cloudwatch/multiple_records.excerpt.ndjson").toAbsolutePath();
  static final Path GUIDE = Paths.get("src/test/resources/real/cloudwatch/metric_stream_json_format_example.json").toAbsolutePath();

  @Test
  public void realRecordsOfTheOpenTelemetryReceiverKeepEveryNamespace() {
    MetricStreams.Result r = MetricStreams.readWithCounts(spark(), List.of(OTEL.toString()));
    assertThat(r.badLines()).isZero();
    List<Row> rows = r.metrics().orderBy("namespace", "metric_name", "timestamp").collectAsList();
    assertThat(rows).hasSize(13);
    assertThat(rows).extracting(x -> (String) x.getAs("namespace")).containsOnly("AWS/NATGateway", "AWS/EC2", "AWS/EBS",
        "AWS/CloudWatch/MetricStreams");
    Row update = rows.stream().filter(x -> x.getAs("metric_name").equals("MetricUpdate")).findFirst().orElseThrow();
    assertThat(update.<String, String>getJavaMap(update.fieldIndex("dimensions"))).isEmpty();
    assertThat((String) update.getAs("unit")).isEqualTo("None");
    assertThat((Double) ((Row) update.getAs("value")).getAs("sum")).isEqualTo(88.0);
    Row ebs = rows.stream().filter(x -> x.getAs("metric_name").equals("VolumeWriteBytes")).findFirst().orElseThrow();
    assertThat((Double) ((Row) ebs.getAs("value")).getAs("sum")).isEqualTo(477184.0);
    assertThat((Long) ebs.getAs("timestamp")).isEqualTo(1643916720000L);
    assertThat(ebs.<String, String>getJavaMap(ebs.fieldIndex("statistics"))).isEmpty();
  }

  /**
   * Firehose's S3 layout: {@code <prefix>/YYYY/MM/DD/HH/<stream>-<n>-<date>-<uuid>}, no extension, gzip when the
   * delivery stream compresses; here mixed with a plain file, the real records and a {@code _SUCCESS}-style file.
   */
  static Path firehoseLayout(Path root) throws Exception {
    Path hour = Files.createDirectories(root.resolve("cw/2022/02/03/19"));
    byte[] otel = Files.readAllBytes(OTEL);
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(
        hour.resolve("MyMetricStream-1-2022-02-03-19-32-00-0d6e1ba4-5ab0-4a6d-9b37-3e5b5c1a8f11")))) {
      o.write(otel);
    }
    Path next = Files.createDirectories(root.resolve("cw/2022/02/03/20"));
    Files.write(next.resolve("MyMetricStream-1-2022-02-03-20-01-00-7f3c0c0e-1f1d-4a31-8a3e-2b8e0c9d1e22"),
        List.of(LINE, "{broken", LINE.replace("i-0a", "i-0d")));
    Files.copy(GUIDE, next.resolve("MyMetricStream-1-2022-02-03-20-06-00-pretty"));
    Files.writeString(root.resolve("cw/_SUCCESS"), "");
    return root.resolve("cw");
  }

  @Test
  public void firehoseLayoutUnderAPrefixLocally() throws Exception {
    Path prefix = firehoseLayout(tmp.newFolder("firehose").toPath());
    MetricStreams.Result r = MetricStreams.readWithCounts(spark(), List.of(prefix.toString()));
    assertThat(r.badLines()).isEqualTo(1);
    assertThat(r.metrics().count()).isEqualTo(13 + 2 + 1);
    assertThat(r.metrics().select("source_file").distinct().count()).isEqualTo(3);
  }

  @Test
  public void firehoseLayoutUnderAnS3aPrefix() throws Exception {
    S3ProxyServer server = S3ProxyServer.shared();
    S3aTestSupport.configure(spark(), server);
    String bucket = server.createBucket("ebaudit-metric-streams-test");
    Path local = firehoseLayout(tmp.newFolder("firehose-s3").toPath());
    S3aTestSupport.upload(local, S3aTestSupport.s3aUri(bucket, "metric-streams/cw/"), spark().sparkContext().hadoopConfiguration());
    MetricStreams.Result r = MetricStreams.readWithCounts(spark(), List.of(S3aTestSupport.s3aUri(bucket, "metric-streams/")));
    assertThat(r.badLines()).isEqualTo(1);
    List<Row> rows = r.metrics().collectAsList();
    assertThat(rows).hasSize(16);
    assertThat(rows).extracting(x -> (String) x.getAs("source_file")).allMatch(f -> f.startsWith("s3a://" + bucket + "/metric-streams/cw/2022/"));
    assertThat(rows).extracting(x -> (String) x.getAs("metric_name")).contains("DiskWriteOps", "MetricUpdate", "MetadataNoToken");
  }

  @Test
  public void missingPathFails() {
    assertThatThrownBy(() -> MetricStreams.read(spark(), List.of(tmp.getRoot() + "/nope")))
        .hasMessageContaining("no such file or folder");
  }
}
