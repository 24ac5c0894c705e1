package io.ebaudit.io;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createMapType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.input.PortableDataStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * CloudWatch Metric Streams output in JSON format (Firehose to S3): one object per line
 * {@code {metric_stream_name, account_id, region, namespace, metric_name, dimensions{}, timestamp (epoch ms),
 * value{max,min,sum,count,p99…}, unit}}. Files or folders (all files below, hidden ones skipped), gzip
 * (by magic bytes, whatever the name) or plain, local or s3a. A file holding one pretty-printed object
 * (as in the CloudWatch User Guide's example) or objects concatenated without newlines is read too.
 *
 * <p>The schema is {@link #METRICS}, never inferred. A line that is not a JSON object with
 * {@code namespace}, {@code metric_name} and a numeric {@code timestamp} is counted, skipped and reported
 * on standard error ({@link Result#badLines()}).
 */
public final class MetricStreams {
  private MetricStreams() {}

  public static final StructType VALUE = createStructType(List.of(
      createStructField("max", DoubleType, true),
      createStructField("min", DoubleType, true),
      createStructField("sum", DoubleType, true),
      createStructField("count", DoubleType, true)));

  public static final StructType METRICS = createStructType(List.of(
      createStructField("metric_stream_name", StringType, true),
      createStructField("account_id", StringType, true),
      createStructField("region", StringType, true),
      createStructField("namespace", StringType, false),
      createStructField("metric_name", StringType, false),
      createStructField("dimensions", createMapType(StringType, StringType, true), true),
      createStructField("timestamp", LongType, false),
      createStructField("value", VALUE, true),
      // Percentiles and trimmed means (p99, TM(25%:75%), …) as they come.
      createStructField("statistics", createMapType(StringType, DoubleType, true), true),
      createStructField("unit", StringType, true),
      createStructField("source_file", StringType, false)));

  /** The rows, read eagerly (checkpointed), and the lines skipped. */
  public record Result(Dataset<Row> metrics, long badLines) {}

  /** Reads, warns on standard error about bad lines, and returns the rows. */
  public static Dataset<Row> read(SparkSession spark, List<String> paths) {
    return readWithCounts(spark, paths).metrics();
  }

  public static Result readWithCounts(SparkSession spark, List<String> paths) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<String> files = files(conf, paths);
    LongAccumulator bad = spark.sparkContext().longAccumulator("metric_streams_bad_lines");
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<Row> rows = jsc.binaryFiles(String.join(",", files))
        .flatMap((Tuple2<String, PortableDataStream> f) -> parseFile(f._1(), f._2().toArray(), bad).iterator());
    Dataset<Row> df = spark.createDataFrame(rows, METRICS).localCheckpoint(true);
    long badLines = bad.value();
    if (badLines > 0) {
      System.err.printf("warning: metric streams: skipped %,d bad line%s in %s%n", badLines, badLines == 1 ? "" : "s",
          String.join(", ", paths));
    }
    return new Result(df, badLines);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The rows of one file; bad lines add to {@code bad}. */
  static List<Row> parseFile(String file, byte[] bytes, LongAccumulator bad) throws IOException {
    String text = new String(gunzipIfNeeded(bytes), StandardCharsets.UTF_8);
    List<Row> rows = new ArrayList<>();
    // First as a stream of JSON values (lines, concatenated, or one pretty-printed object).
    try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(text)) {
      List<Row> all = new ArrayList<>();
      boolean ok = true;
      while (it.hasNextValue()) {
        Row r = toRow(it.nextValue(), file);
        if (r == null) {
          ok = false;
          break;
        }
        all.add(r);
      }
      if (ok) {
        return all;
      }
    } catch (IOException | RuntimeException e) {
      // Fall back to line by line below, to count and skip the bad lines.
    }
    for (String line : text.split("\r?\n")) {
      if (line.isBlank()) continue;
      Row r;
      try {
        r = toRow(JSON.readTree(line), file);
      } catch (IOException | RuntimeException e) {
        r = null;
      }
      if (r == null) {
        bad.add(1);
      } else {
        rows.add(r);
      }
    }
    return rows;
  }

  static Row toRow(JsonNode n, String file) {
    if (n == null || !n.isObject() || !n.path("namespace").isTextual() || !n.path("metric_name").isTextual()
        || !n.path("timestamp").canConvertToLong() || !n.path("timestamp").isNumber()) {
      return null;
    }
    Map<String, String> dims = new LinkedHashMap<>();
    JsonNode d = n.path("dimensions");
    if (d.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        dims.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
      }
    }
    JsonNode v = n.path("value");
    Row value = null;
    Map<String, Double> stats = new LinkedHashMap<>();
    if (v.isObject()) {
      value = RowFactory.create(num(v, "max"), num(v, "min"), num(v, "sum"), num(v, "count"));
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!Set.of("max", "min", "sum", "count").contains(e.getKey()) && e.getValue().isNumber()) {
          stats.put(e.getKey(), e.getValue().asDouble());
        }
      }
    }
    return RowFactory.create(text(n, "metric_stream_name"), text(n, "account_id"), text(n, "region"),
        n.get("namespace").asText(), n.get("metric_name").asText(),
        scalaMap(dims), n.get("timestamp").asLong(), value,
        scalaMap(stats), text(n, "unit"), file);
  }

  private static <K, V> scala.collection.Map<K, V> scalaMap(Map<K, V> m) {
    return scala.collection.JavaConverters.mapAsScalaMapConverter(m).asScala();
  }

  private static String text(JsonNode n, String f) {
    JsonNode v = n.get(f);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Double num(JsonNode n, String f) {
    JsonNode v = n.get(f);
    return v == null || !v.isNumber() ? null : v.asDouble();
  }

  static byte[] gunzipIfNeeded(byte[] b) throws IOException {
    if (b.length < 2 || (b[0] & 0xff) != 0x1f || (b[1] & 0xff) != 0x8b) {
      return b;
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    }
  }

  static List<String> files(Configuration conf, List<String> paths) {
    return io.ebaudit.io.Storage.inputFiles(conf, paths, "metric streams", null);
  }

}
