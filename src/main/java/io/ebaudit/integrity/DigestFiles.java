package io.ebaudit.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Reads CloudTrail digest files in Spark tasks: one row of {@link #DIGESTS} per path, with the SHA-256
 * of the uncompressed file (what the next digest's {@code previousDigestHashValue} and the signature
 * cover), the fields the checks need, and the listed log files. A missing object is a row with
 * {@code exists = false}; an unreadable one has a {@code problem}. Also reads the {@code x-amz-meta-signature}
 * metadata of a digest where the file system exposes object headers (s3a does, as XAttrs).
 */
final class DigestFiles {
  private DigestFiles() {}

  static final StructType LISTED = new StructType()
      .add("s3_bucket", DataTypes.StringType)
      .add("s3_object", DataTypes.StringType)
      .add("hash_value", DataTypes.StringType)
      .add("hash_algorithm", DataTypes.StringType);

  static final StructType DIGESTS = new StructType()
      .add("path", DataTypes.StringType, false)
      .add("exists", DataTypes.BooleanType, false)
      .add("root", DataTypes.StringType)
      .add("layout_key", DataTypes.StringType)
      .add("account_id", DataTypes.StringType)
      .add("aws_region", DataTypes.StringType)
      .add("chain", DataTypes.StringType)
      .add("backfill", DataTypes.BooleanType, false)
      .add("stamp", DataTypes.TimestampType)
      .add("sha256", DataTypes.StringType)
      .add("problem", DataTypes.StringType)
      .add("digest_start", DataTypes.TimestampType)
      .add("digest_end", DataTypes.TimestampType)
      .add("digest_end_text", DataTypes.StringType)
      .add("s3_bucket", DataTypes.StringType)
      .add("s3_object", DataTypes.StringType)
      .add("fingerprint", DataTypes.StringType)
      .add("prev_bucket", DataTypes.StringType)
      .add("prev_object", DataTypes.StringType)
      .add("prev_key", DataTypes.StringType)
      .add("prev_hash", DataTypes.StringType)
      .add("prev_signature", DataTypes.StringType)
      .add("logs", DataTypes.createArrayType(LISTED));

  private static final String[] REQUIRED = {"digestStartTime", "digestEndTime", "digestS3Bucket", "digestS3Object",
      "digestPublicKeyFingerprint", "previousDigestSignature", "logFiles"};
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A digest is a few KB; far more is not a digest. */
  private static final int MAX_BYTES = 64 << 20;

  static Dataset<Row> read(SparkSession spark, List<String> paths) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableConfiguration> conf =
        jsc.broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
    int slices = Math.max(1, Math.min(paths.size(), Math.max(2 * spark.sparkContext().defaultParallelism(), paths.size() / 2000)));
    return spark.createDataFrame(jsc.parallelize(paths, slices).mapPartitions(new Parse(conf)), DIGESTS);
  }

  private static final class Parse implements FlatMapFunction<Iterator<String>, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<SerializableConfiguration> conf;

    Parse(Broadcast<SerializableConfiguration> conf) {
      this.conf = conf;
    }

    @Override
    public Iterator<Row> call(Iterator<String> paths) {
      Configuration c = conf.value().value();
      List<Row> out = new ArrayList<>();
      paths.forEachRemaining(p -> out.add(parse(c, p)));
      return out.iterator();
    }
  }

  static Row parse(Configuration conf, String path) {
    byte[] raw;
    try {
      raw = readAll(conf, path);
    } catch (FileNotFoundException e) {
      return row(path, false, null, null, null);
    } catch (IOException e) {
      // A storage error, not a bad digest: fail the task so Spark retries it.
      throw new UncheckedIOException("Cannot read digest " + path + ": " + e.getMessage(), e);
    }
    byte[] body;
    try {
      body = gunzip(raw);
    } catch (IOException e) {
      return row(path, true, null, "not a gzip file: " + e.getMessage(), null);
    }
    String sha = sha256(body);
    JsonNode d;
    try {
      d = JSON.readTree(body);
    } catch (IOException e) {
      return row(path, true, sha, "not JSON", null);
    }
    if (d == null || !d.isObject()) {
      return row(path, true, sha, "not a JSON object", null);
    }
    for (String f : REQUIRED) {
      if (!d.has(f)) {
        return row(path, true, sha, "no " + f, null);
      }
    }
    Instant start;
    Instant end;
    try {
      start = Instant.parse(d.get("digestStartTime").asText());
      end = Instant.parse(d.get("digestEndTime").asText());
    } catch (RuntimeException e) {
      return row(path, true, sha, "unreadable digestStartTime or digestEndTime", null);
    }
    if (!d.get("logFiles").isArray()) {
      return row(path, true, sha, "logFiles is not a list", null);
    }
    List<Row> logs = new ArrayList<>();
    for (JsonNode f : d.get("logFiles")) {
      logs.add(RowFactory.create(text(f, "s3Bucket"), text(f, "s3Object"),
          lower(text(f, "hashValue")), text(f, "hashAlgorithm")));
    }
    String prevObject = text(d, "previousDigestS3Object");
    return base(path, true, sha, null, Timestamp.from(start), Timestamp.from(end), d.get("digestEndTime").asText(),
        text(d, "digestS3Bucket"), text(d, "digestS3Object"), lower(text(d, "digestPublicKeyFingerprint")),
        text(d, "previousDigestS3Bucket"), prevObject, TrailPaths.key(prevObject), lower(text(d, "previousDigestHashValue")),
        text(d, "previousDigestSignature"), logs);
  }

  private static Row row(String path, boolean exists, String sha, String problem, Object unused) {
    return base(path, exists, sha, problem, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  private static Row base(String path, boolean exists, String sha, String problem, Timestamp start, Timestamp end,
      String endText, String bucket, String object, String fingerprint, String prevBucket, String prevObject,
      String prevKey, String prevHash, String prevSignature, List<Row> logs) {
    Instant stamp = TrailPaths.digestStamp(path);
    return RowFactory.create(path, exists, TrailPaths.root(path), TrailPaths.key(path), TrailPaths.account(path),
        TrailPaths.region(path), TrailPaths.chain(path), TrailPaths.backfill(path),
        stamp == null ? null : Timestamp.from(stamp), sha, problem, start, end, endText, bucket, object, fingerprint,
        prevBucket, prevObject, prevKey, prevHash, prevSignature,
        logs == null ? null : scala.collection.JavaConverters.asScalaBuffer(logs).toSeq());
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String lower(String s) {
    return s == null ? null : s.trim().toLowerCase(Locale.ROOT);
  }

  static byte[] readAll(Configuration conf, String path) throws IOException {
    Path p = new Path(path);
    FileSystem fs = p.getFileSystem(conf);
    long len = fs.getFileStatus(p).getLen();
    if (len > MAX_BYTES) {
      throw new IOException("digest of " + len + " bytes is over " + MAX_BYTES);
    }
    byte[] raw = new byte[(int) len];
    try (FSDataInputStream in = fs.open(p)) {
      in.readFully(0, raw);
    }
    return raw;
  }

  /** Inflates gzip; a plain file is returned as it is. */
  static byte[] gunzip(byte[] raw) throws IOException {
    if (raw.length < 2 || (raw[0] & 0xff) != 0x1f || (raw[1] & 0xff) != 0x8b) {
      return raw;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 8);
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
      in.transferTo(out);
    }
    return out.toByteArray();
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The digest's own signature from the object's metadata ({@code x-amz-meta-signature}, which s3a
   * exposes as an XAttr), or null where the file system has none (a local copy) or does not expose it.
   */
  static String metadataSignature(Configuration conf, String path) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(conf);
      Map<String, byte[]> attrs = fs.getXAttrs(p);
      if (attrs == null) {
        return null;
      }
      for (Map.Entry<String, byte[]> e : attrs.entrySet()) {
        String k = e.getKey().toLowerCase(Locale.ROOT);
        if ((k.endsWith(".signature") || k.endsWith("-signature")) && !k.contains("algorithm") && e.getValue() != null) {
          String v = new String(e.getValue(), java.nio.charset.StandardCharsets.UTF_8).trim();
          return v.isEmpty() ? null : v;
        }
      }
      return null;
    } catch (UnsupportedOperationException | IOException e) {
      return null;
    }
  }
}
