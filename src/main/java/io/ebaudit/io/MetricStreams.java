package io.ebaudit.io;

import static org.apache.spark.sql.functions.col;

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
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * CloudWatch Metric Streams output in JSON format (Firehose to S3): one object per line
 * {@code {metric_stream_name, account_id, region, namespace, metric_name, dimensions{}, timestamp (epoch ms),
 * value{max,min,sum,count,p99…}, unit}}. Files or folders (all files below, hidden ones skipped), gzip
 * (by magic bytes, whatever the name) or plain, local or s3a. A file holding one pretty-printed object
 * (as in the CloudWatch User Guide's example) or objects concatenated without newlines is read too.
 *
 * <p>The schema is {@link #METRICS}, never inferred. A line that is not a JSON object with
 * {@code namespace}, {@code metric_name} and a numeric {@code timestamp} is rejected: counted, reported on
 * standard error and kept with its file, line number, reason and first 2 KB (secrets masked) in
 * {@link Result#rejects()} ({@link #REJECTS}), which {@code analyze} writes to {@code metrics_quarantine/}.
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

  /** A rejected line: its file, its 1-based line number (0: the file as a whole), why, and its first 2 KB. */
  public static final StructType REJECTS = createStructType(List.of(
      createStructField("source_file", StringType, false),
      createStructField("line", LongType, false),
      createStructField("reason", StringType, false),
      createStructField("excerpt", StringType, true)));

  private static final int EXCERPT_CHARS = 2048;

  /** What one read parses: a record ({@link #METRICS} columns) or a reject ({@code _reject}). */
  private static final StructType PARSED = createStructType(java.util.stream.Stream.concat(
      java.util.Arrays.stream(METRICS.fields()).map(f -> createStructField(f.name(), f.dataType(), true)),
      java.util.stream.Stream.of(createStructField("_reject", REJECTS, true))).toList());

  /**
   * The records and the rejected lines, read eagerly (checkpointed).
   *
   * @param records how many records were read
   * @param badLines how many lines were rejected
   */
  public record Result(Dataset<Row> metrics, Dataset<Row> rejects, long records, long badLines) {}

  /** Reads, warns on standard error about bad lines, and returns the rows. */
  public static Dataset<Row> read(SparkSession spark, List<String> paths) {
    return readWithCounts(spark, paths).metrics();
  }

  public static Result readWithCounts(SparkSession spark, List<String> paths) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<String> files = files(conf, paths);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<Row> rows = jsc.binaryFiles(String.join(",", files))
        .flatMap((Tuple2<String, PortableDataStream> f) -> parseFile(f._1(), f._2().toArray()).iterator());
    Dataset<Row> parsed = spark.createDataFrame(rows, PARSED).localCheckpoint(true);
    // Back under the declared schemas (the parsed rows allow nulls where records and rejects do not).
    Dataset<Row> metrics = spark.createDataFrame(parsed.filter(col("_reject").isNull()).select(
        java.util.Arrays.stream(METRICS.fieldNames()).map(org.apache.spark.sql.functions::col).toArray(Column[]::new))
        .javaRDD(), METRICS);
    Dataset<Row> rejects = spark.createDataFrame(parsed.filter(col("_reject").isNotNull()).select(col("_reject.*"))
        .javaRDD(), REJECTS);
    Row counts = parsed.agg(org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.when(
            col("_reject").isNull(), 1)), org.apache.spark.sql.functions.count(col("_reject"))).first();
    long badLines = counts.getLong(1);
    if (badLines > 0) {
      System.err.printf("warning: metric streams: rejected %,d bad line%s in %s%n", badLines, badLines == 1 ? "" : "s",
          String.join(", ", paths));
    }
    return new Result(metrics, rejects, counts.getLong(0), badLines);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The rows of one file ({@link #PARSED}): a record per good line, a reject per bad one. */
  static List<Row> parseFile(String file, byte[] bytes) {
    String text;
    try {
      text = new String(gunzipIfNeeded(bytes), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of(reject(file, 0, "not gzip or truncated gzip: " + e.getMessage(), null));
    }
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
        all.add(parsed(r));
      }
      if (ok) {
        return all;
      }
    } catch (IOException | RuntimeException e) {
      // Fall back to line by line below, to keep the good lines and reject the bad ones.
    }
    List<Row> rows = new ArrayList<>();
    String[] lines = text.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank()) continue;
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (IOException | RuntimeException e) {
        String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        rows.add(reject(file, i + 1, "not JSON: " + String.valueOf(why).lines().findFirst().orElse(""), line));
        continue;
      }
      String problem = problem(n);
      rows.add(problem == null ? parsed(toRow(n, file)) : reject(file, i + 1, problem, line));
    }
    return rows;
  }

  /** Why {@code n} is not a Metric Streams record, or null when it is one. */
  static String problem(JsonNode n) {
    if (n == null || !n.isObject()) {
      return "not a JSON object";
    }
    if (!n.path("namespace").isTextual()) {
      return "no namespace";
    }
    if (!n.path("metric_name").isTextual()) {
      return "no metric_name";
    }
    if (!n.path("timestamp").isNumber() || !n.path("timestamp").canConvertToLong()) {
      return "no numeric timestamp";
    }
    return null;
  }

  private static Row parsed(Row record) {
    Object[] v = new Object[PARSED.size()];
    for (int i = 0; i < record.size(); i++) {
      v[i] = record.get(i);
    }
    return RowFactory.create(v);
  }

  private static Row reject(String file, long line, String reason, String text) {
    Object[] v = new Object[PARSED.size()];
    v[METRICS.fieldIndex("source_file")] = file;
    String excerpt = text == null ? null
        : io.ebaudit.secrets.Secrets.maskText(text.length() > EXCERPT_CHARS ? text.substring(0, EXCERPT_CHARS) : text);
    v[PARSED.size() - 1] = RowFactory.create(file, line, reason, excerpt);
    return RowFactory.create(v);
  }

  static Row toRow(JsonNode n, String file) {
    if (problem(n) != null) {
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
