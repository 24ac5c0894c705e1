package io.ebaudit.integrity;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ebaudit.io.Storage;
import io.ebaudit.report.FindingIds;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.rules.RuleEngine;
import io.ebaudit.trail.TrailDiscovery.LogObject;
import io.ebaudit.trail.TrailReader;
import java.io.Serializable;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Log file integrity from CloudTrail's digest files, in the pipeline: the checks of
 * {@code aws cloudtrail validate-logs}, over every account and region of the window at once.
 *
 * <p>Reads the {@code CloudTrail-Digest/} objects of the window (and of the day after it, whose first
 * digest lists the window's last files), and checks
 * <ul>
 *   <li>every log file a digest lists for a day of the window exists and the SHA-256 of its
 *       <em>uncompressed</em> content is the listed {@code hashValue} (AWS: "the hex encoded hash value of
 *       the uncompressed log file content"; {@code validate-logs} inflates before hashing);</li>
 *   <li>every log file of the window is listed by a digest, unless it was delivered after the last digest
 *       read (minus {@code toleranceMinutes}: still to be digested) or before the first;</li>
 *   <li>the chain per trail, account and region: each digest names the one before it
 *       ({@code previousDigestS3Object}) with that file's SHA-256 ({@code previousDigestHashValue}), none is
 *       missing, skipped or restarts the chain ({@code previousDigestS3Object} null after the first), and each
 *       sits where it says it was delivered ({@code digestS3Object});</li>
 *   <li>with public keys ({@code aws cloudtrail list-public-keys}), each digest's SHA256withRSA signature
 *       ({@link DigestSignature}). The signature is taken from the next digest's {@code previousDigestSignature},
 *       or for the newest of a chain from the object's {@code x-amz-meta-signature} metadata where the file
 *       system exposes it (s3a); a local copy has no metadata, so the newest digest of each chain is then
 *       {@code unavailable}, not failed.</li>
 * </ul>
 *
 * <p>Writes {@code DIR/digest_verification/} ({@link #VERIFICATION}: one row per digest and per log file
 * checked, with its status) and {@code DIR/summary.json}; {@link #findings} turns the failed rows into
 * {@code ct_log_file_missing}, {@code ct_log_file_modified} (altered, unreadable, or listed by no digest)
 * and {@code ct_digest_chain_broken} findings, each naming its object. Backfill digests
 * ({@code _backfill} names) list files like the others but are not part of a chain.
 */
public final class DigestVerification {
  private DigestVerification() {}

  public static final String LOG_FILE_MISSING = "ct_log_file_missing";
  public static final String LOG_FILE_MODIFIED = "ct_log_file_modified";
  public static final String DIGEST_CHAIN_BROKEN = "ct_digest_chain_broken";
  public static final List<String> RULE_IDS = List.of(LOG_FILE_MISSING, LOG_FILE_MODIFIED, DIGEST_CHAIN_BROKEN);

  public static final String TABLE = "digest_verification";
  public static final String SUMMARY = "summary.json";

  public static final String LOG_FILE = "log_file";
  public static final String DIGEST_FILE = "digest_file";

  /**
   * {@code digest_verification}: {@code object_kind} ({@code log_file} | {@code digest_file}), {@code object}
   * (the path read, or expected), {@code s3_uri} (bucket and key as the digest names them),
   * {@code account_id}, {@code aws_region}, {@code digest_object} (the digest that lists the file, or the
   * digest itself), {@code digest_end_time}, {@code status}, {@code signature_status} (digests), {@code rule_id}
   * (the finding it gives, null when none), {@code detail}, {@code expected_sha256}, {@code actual_sha256}.
   *
   * <p>Log file statuses: {@code valid}, {@code missing}, {@code modified}, {@code unreadable} (not gzip or over
   * the size limit: no hash), {@code unlisted}, {@code pending} (delivered after the last digest read),
   * {@code not_covered} (before the first), {@code no_digest} (no digest at all for its account and region),
   * {@code not_checked} (no hash computed). Digest statuses: {@code valid}, {@code chain_start}, {@code gap},
   * {@code missing}, {@code modified}, {@code unreferenced}, {@code moved}, {@code invalid},
   * {@code signature_invalid}, {@code unknown_key}, {@code none_found} (one row per account and region with log
   * files but no digest). Signature statuses: {@code valid}, {@code invalid}, {@code unknown_key},
   * {@code unavailable}, {@code not_checked} (no public keys given).
   */
  public static final StructType VERIFICATION = new StructType()
      .add("object_kind", DataTypes.StringType, false)
      .add("object", DataTypes.StringType, false)
      .add("s3_uri", DataTypes.StringType)
      .add("account_id", DataTypes.StringType)
      .add("aws_region", DataTypes.StringType)
      .add("digest_object", DataTypes.StringType)
      .add("digest_end_time", DataTypes.TimestampType)
      .add("status", DataTypes.StringType, false)
      .add("signature_status", DataTypes.StringType)
      .add("rule_id", DataTypes.StringType)
      .add("detail", DataTypes.StringType)
      .add("expected_sha256", DataTypes.StringType)
      .add("actual_sha256", DataTypes.StringType);

  /** What is in scope: the run's window and filters; a file delivered within the tolerance of the last digest is pending. */
  public record Scope(LocalDate from, LocalDate to, Set<String> accounts, Set<String> regions, int toleranceMinutes)
      implements Serializable {
    public Scope {
      accounts = accounts == null ? Set.of() : Set.copyOf(accounts);
      regions = regions == null ? Set.of() : Set.copyOf(regions);
      if (toleranceMinutes < 0) {
        throw new IllegalArgumentException("Cannot verify digests: the delivery tolerance is negative, got " + toleranceMinutes);
      }
    }
  }

  /** Counts of one verification. */
  public record Summary(long digests, long chains, boolean signaturesChecked, Map<String, Long> digestStatus,
      Map<String, Long> signatureStatus, Map<String, Long> logStatus, long findings, String table) {

    /** One line for the terminal. */
    public String describe() {
      return String.format("integrity: %,d digests in %,d chains, %,d log files checked; %,d findings; digests %s;"
              + " signatures %s; log files %s%n", digests, chains, logStatus.values().stream().mapToLong(Long::longValue).sum(),
          findings, digestStatus, signaturesChecked ? signatureStatus.toString() : "not checked (no --public-keys)", logStatus);
    }

    public String toJson() {
      ObjectMapper m = new ObjectMapper();
      ObjectNode n = m.createObjectNode();
      n.put("digests", digests);
      n.put("chains", chains);
      n.put("signatures_checked", signaturesChecked);
      n.set("digest_status", m.valueToTree(digestStatus));
      n.set("signature_status", m.valueToTree(signatureStatus));
      n.set("log_file_status", m.valueToTree(logStatus));
      n.put("findings", findings);
      n.put("table", table);
      try {
        return m.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n";
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Verifies and writes {@code dir/digest_verification} and {@code dir/summary.json}.
   *
   * @param digests the digest objects listed ({@code TrailDiscovery.keepDigests()})
   * @param logs the log objects of the window
   * @param hashes {@link TrailReader#HASHES} rows for (some of) {@code logs}; the rest are hashed here
   * @param keys public keys, or null to skip signatures
   */
  public static Summary run(SparkSession spark, List<LogObject> digests, List<LogObject> logs, Dataset<Row> hashes,
      PublicKeys keys, Scope scope, String dir) {
    return run(spark, digests, logs, hashes, keys, scope, Storage.child(dir, TABLE), Storage.child(dir, SUMMARY));
  }

  /** As {@link #run(SparkSession, List, List, Dataset, PublicKeys, Scope, String)}, to the given table folder and summary file. */
  public static Summary run(SparkSession spark, List<LogObject> digests, List<LogObject> logs, Dataset<Row> hashes,
      PublicKeys keys, Scope scope, String tablePath, String summaryPath) {
    return run(spark, digests, logs, hashes, keys, scope, tablePath, summaryPath, tablePath);
  }

  /** As above; the summary names the table {@code publishedTable} (where it will be once a staged run commits). */
  public static Summary run(SparkSession spark, List<LogObject> digests, List<LogObject> logs, Dataset<Row> hashes,
      PublicKeys keys, Scope scope, String tablePath, String summaryPath, String publishedTable) {
    Dataset<Row> table = verify(spark, digests, logs, hashes, keys, scope);
    table.write().mode(SaveMode.Overwrite).parquet(tablePath);
    Dataset<Row> written = spark.read().schema(VERIFICATION).parquet(tablePath);
    Map<String, Long> digestStatus = new TreeMap<>();
    Map<String, Long> signatureStatus = new TreeMap<>();
    Map<String, Long> logStatus = new TreeMap<>();
    long findings = 0;
    for (Row r : written.groupBy("object_kind", "status", "signature_status", "rule_id").count().collectAsList()) {
      long n = r.getLong(4);
      if (LOG_FILE.equals(r.getString(0))) {
        logStatus.merge(r.getString(1), n, Long::sum);
      } else {
        digestStatus.merge(r.getString(1), n, Long::sum);
        if (r.getString(2) != null) {
          signatureStatus.merge(r.getString(2), n, Long::sum);
        }
      }
      if (r.getString(3) != null) {
        findings += n;
      }
    }
    long chains = digests.stream().map(d -> TrailPaths.chain(d.path())).filter(c -> c != null).distinct().count();
    Summary s = new Summary(digests.size(), chains, keys != null, digestStatus, signatureStatus, logStatus, findings, publishedTable);
    Storage.writeText(spark.sparkContext().hadoopConfiguration(), summaryPath, s.toJson());
    return s;
  }

  /** The {@link #VERIFICATION} rows, unwritten. */
  static Dataset<Row> verify(SparkSession spark, List<LogObject> digestObjects, List<LogObject> logObjects,
      Dataset<Row> hashes, PublicKeys keys, Scope scope) {
    Dataset<Row> digests = DigestFiles.read(spark, digestObjects.stream().map(LogObject::path).toList()).localCheckpoint();
    Dataset<Row> logs = withHashes(spark, logObjects, hashes).localCheckpoint();

    Dataset<Row> chained = chain(spark, digests, keys);
    Dataset<Row> digestRows = digestRows(chained).unionByName(outsideChains(digests, keys != null));
    Dataset<Row> referenced = references(spark, chained, digests);
    Dataset<Row> listed = listedLogRows(digests, logs, scope);
    Dataset<Row> unlisted = unlistedLogRows(digests, logs, scope);
    return digestRows.unionByName(referenced).unionByName(listed).unionByName(unlisted);
  }

  // ---- log files ----

  /** path, size, sha256, problem of every log object: from {@code hashes}, the rest hashed now. */
  private static Dataset<Row> withHashes(SparkSession spark, List<LogObject> logObjects, Dataset<Row> hashes) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int slices = Math.max(1, Math.min(Math.max(1, logObjects.size()), 4 * spark.sparkContext().defaultParallelism()));
    Dataset<Row> all = spark.createDataFrame(jsc.parallelize(new ArrayList<>(logObjects), slices)
            .map(o -> RowFactory.create(o.path(), o.size())),
        new StructType().add("path", DataTypes.StringType, false).add("size", DataTypes.LongType, false));
    Dataset<Row> known = hashes == null ? spark.createDataFrame(List.of(), TrailReader.HASHES)
        : hashes.select("path", "sha256", "problem").dropDuplicates("path");
    Dataset<Row> joined = all.join(known, all.col("path").equalTo(known.col("path")), "left")
        .select(all.col("path"), all.col("size"), known.col("sha256"), known.col("problem"),
            known.col("path").isNotNull().as("_known"));
    List<Row> todo = joined.filter(not(col("_known"))).select("path", "size").collectAsList();
    Dataset<Row> done = joined.filter(col("_known")).drop("_known");
    if (todo.isEmpty()) {
      return done;
    }
    System.err.printf("ebaudit: hashing %,d log files that were not read in this run%n", todo.size());
    List<LogObject> objects = todo.stream().map(r -> new LogObject(r.getString(0), r.getLong(1))).toList();
    return done.unionByName(LogHasher.hash(spark, objects).select("path", "size", "sha256", "problem"));
  }

  private static Column inScope(Column key, Scope scope) {
    Column parts = org.apache.spark.sql.functions.split(key, "/");
    Column day = org.apache.spark.sql.functions.to_date(org.apache.spark.sql.functions.concat_ws("-",
        org.apache.spark.sql.functions.element_at(parts, -4), org.apache.spark.sql.functions.element_at(parts, -3),
        org.apache.spark.sql.functions.element_at(parts, -2)));
    Column ok = lit(true);
    if (scope.from() != null) {
      ok = ok.and(day.between(lit(java.sql.Date.valueOf(scope.from())), lit(java.sql.Date.valueOf(scope.to()))));
    }
    if (!scope.accounts().isEmpty()) {
      ok = ok.and(accountOf(key).isin(scope.accounts().toArray()));
    }
    if (!scope.regions().isEmpty()) {
      ok = ok.and(regionOf(key).isin(scope.regions().toArray()));
    }
    return ok;
  }

  /** One row per (listed file, listing digest) whose day is in the window: valid, missing, modified, unreadable. */
  private static Dataset<Row> listedLogRows(Dataset<Row> digests, Dataset<Row> logs, Scope scope) {
    Dataset<Row> listed = digests.filter(col("exists").and(col("problem").isNull()))
        .select(col("path").as("digest_object"), col("root"), col("digest_end"), col("account_id"), col("aws_region"),
            explode(col("logs")).as("f"))
        .select(col("digest_object"), col("digest_end"), col("account_id"), col("aws_region"),
            concat(col("root"), keyOf(col("f.s3_object"))).as("object"), keyOf(col("f.s3_object")).as("_k"),
            concat(lit("s3://"), col("f.s3_bucket"), lit("/"), col("f.s3_object")).as("s3_uri"),
            col("f.hash_value").as("expected_sha256"), col("f.hash_algorithm").as("algorithm"));
    listed = listed.filter(col("_k").isNotNull()).filter(inScope(col("_k"), scope)).drop("_k");
    Dataset<Row> j = listed.join(logs, listed.col("object").equalTo(logs.col("path")), "left");
    Column status = when(logs.col("path").isNull(), lit("missing"))
        .when(logs.col("problem").isNotNull(), lit("unreadable"))
        .when(logs.col("sha256").isNull(), lit("not_checked"))
        .when(coalesce(listed.col("algorithm"), lit("SHA-256")).notEqual(lit("SHA-256")), lit("not_checked"))
        .when(logs.col("sha256").notEqual(listed.col("expected_sha256")), lit("modified"))
        .otherwise(lit("valid"));
    Column rule = when(status.equalTo("missing"), lit(LOG_FILE_MISSING))
        .when(status.isin("modified", "unreadable"), lit(LOG_FILE_MODIFIED));
    Column detail = when(status.equalTo("missing"), concat(col("s3_uri"), lit(" is listed in digest "),
            col("digest_object"), lit(" but does not exist (looked for "), listed.col("object"), lit(")")))
        .when(status.equalTo("unreadable"), concat(col("s3_uri"), lit(" is listed in digest "), col("digest_object"),
            lit(" but cannot be read to check it: "), logs.col("problem")))
        .when(status.equalTo("modified"), concat(col("s3_uri"), lit(" has changed since CloudTrail delivered it:"
            + " the SHA-256 of its uncompressed content is "), logs.col("sha256"), lit(", digest "), col("digest_object"),
            lit(" lists "), col("expected_sha256")))
        .when(status.equalTo("not_checked"), lit("no SHA-256 hash to compare"));
    return j.select(lit(LOG_FILE).as("object_kind"), listed.col("object"), col("s3_uri"), col("account_id"),
        col("aws_region"), col("digest_object"), col("digest_end").as("digest_end_time"), status.as("status"),
        lit(null).cast("string").as("signature_status"), rule.as("rule_id"), detail.as("detail"),
        col("expected_sha256"), logs.col("sha256").as("actual_sha256"));
  }

  /** Log files of the window no digest lists: unlisted (a finding), pending, not covered, or no digest at all. */
  private static Dataset<Row> unlistedLogRows(Dataset<Row> digests, Dataset<Row> logs, Scope scope) {
    Dataset<Row> readable = digests.filter(col("exists").and(col("problem").isNull()));
    Dataset<Row> listedPaths = readable.select(col("root"), explode(col("logs")).as("f"))
        .select(concat(col("root"), keyOf(col("f.s3_object"))).as("listed")).distinct();
    Dataset<Row> coverage = readable.groupBy(col("root").as("c_root"), col("account_id").as("c_account"),
            col("aws_region").as("c_region"))
        .agg(min("digest_start").as("first_start"), max("digest_end").as("last_end"));
    Dataset<Row> candidates = logs.join(listedPaths, logs.col("path").equalTo(listedPaths.col("listed")), "left_anti")
        .withColumn("_k", keyOf(col("path")))
        .withColumn("root", expr("substring(path, 1, length(path) - length(_k))"))
        .withColumn("account_id", accountOf(col("_k")))
        .withColumn("aws_region", regionOf(col("_k")))
        .withColumn("delivered", org.apache.spark.sql.functions.to_timestamp(
            org.apache.spark.sql.functions.regexp_extract(col("path"), "_(\\d{8}T\\d{4}Z)_[^/]*$", 1), "yyyyMMdd'T'HHmm'Z'"));
    Dataset<Row> j = candidates.join(coverage, candidates.col("root").equalTo(coverage.col("c_root"))
        .and(candidates.col("account_id").equalTo(coverage.col("c_account")))
        .and(candidates.col("aws_region").equalTo(coverage.col("c_region"))), "left");
    Column pendingFrom = expr("last_end - INTERVAL " + scope.toleranceMinutes() + " MINUTES");
    Column status = when(col("c_root").isNull(), lit("no_digest"))
        .when(col("delivered").isNull().or(col("delivered").lt(col("first_start"))), lit("not_covered"))
        .when(col("delivered").gt(pendingFrom), lit("pending"))
        .otherwise(lit("unlisted"));
    Column detail = when(status.equalTo("unlisted"), concat(col("path"), lit(" was delivered at "),
            col("delivered").cast("string"), lit(" UTC, within the time the digests of its account and region cover, but no"
                + " digest lists it: added after delivery, or the digest that listed it is missing")))
        .when(status.equalTo("pending"), lit("delivered after the last digest read; the next run checks it"))
        .when(status.equalTo("not_covered"), lit("delivered before the first digest read"))
        .otherwise(lit("no digest file for its account and region: log file validation is off, or the digests are elsewhere or gone"));
    Dataset<Row> rows = j.select(lit(LOG_FILE).as("object_kind"), col("path").as("object"), lit(null).cast("string").as("s3_uri"),
        col("account_id"), col("aws_region"), lit(null).cast("string").as("digest_object"),
        lit(null).cast("timestamp").as("digest_end_time"), status.as("status"), lit(null).cast("string").as("signature_status"),
        when(status.equalTo("unlisted"), lit(LOG_FILE_MODIFIED)).as("rule_id"), detail.as("detail"),
        lit(null).cast("string").as("expected_sha256"), col("sha256").as("actual_sha256"));
    // One chain finding per account and region that has log files but no digest at all.
    Dataset<Row> none = rows.filter(col("status").equalTo("no_digest")).filter(col("account_id").isNotNull())
        .withColumn("_root", expr("substring(object, 1, instr(object, '/AWSLogs/'))"))
        .groupBy("_root", "account_id", "aws_region").agg(count(lit(1)).as("n"), min("object").as("example"))
        .select(lit(DIGEST_FILE).as("object_kind"),
            expr("concat(substring(example, 1, instr(example, '/CloudTrail/')), 'CloudTrail-Digest/', aws_region, '/')").as("object"),
            lit(null).cast("string").as("s3_uri"), col("account_id"), col("aws_region"), lit(null).cast("string").as("digest_object"),
            lit(null).cast("timestamp").as("digest_end_time"), lit("none_found").as("status"),
            lit(null).cast("string").as("signature_status"), lit(DIGEST_CHAIN_BROKEN).as("rule_id"),
            concat(lit("no digest file for the "), col("n").cast("string"), lit(" log file(s) of account "), col("account_id"),
                lit(" in "), col("aws_region"), lit(" in the window: log file validation is off for this trail, or its digests"
                    + " were deleted")).as("detail"),
            lit(null).cast("string").as("expected_sha256"), lit(null).cast("string").as("actual_sha256"));
    return rows.unionByName(none);
  }

  /** {@link TrailPaths#key} as a column. */
  private static Column keyOf(Column c) {
    return when(c.startsWith("AWSLogs/"), c)
        .when(org.apache.spark.sql.functions.instr(c, "/AWSLogs/").gt(0),
            concat(lit("AWSLogs/"), org.apache.spark.sql.functions.substring_index(c, "/AWSLogs/", -1)));
  }

  private static Column accountOf(Column key) {
    Column parts = org.apache.spark.sql.functions.split(key, "/");
    return when(org.apache.spark.sql.functions.element_at(parts, 2).startsWith("o-"), org.apache.spark.sql.functions.element_at(parts, 3))
        .otherwise(org.apache.spark.sql.functions.element_at(parts, 2));
  }

  private static Column regionOf(Column key) {
    Column parts = org.apache.spark.sql.functions.split(key, "/");
    return when(org.apache.spark.sql.functions.element_at(parts, 2).startsWith("o-"), org.apache.spark.sql.functions.element_at(parts, 5))
        .otherwise(org.apache.spark.sql.functions.element_at(parts, 4));
  }

  // ---- digests ----

  /** The digests in chain order with their neighbours, and each one's signature verdict. */
  private static Dataset<Row> chain(SparkSession spark, Dataset<Row> digests, PublicKeys keys) {
    WindowSpec w = Window.partitionBy("chain").orderBy("stamp", "path");
    Dataset<Row> d = digests.filter(col("exists").and(not(col("backfill"))).and(col("chain").isNotNull()))
        .withColumn("rn", row_number().over(w))
        .withColumn("lag_key", lag("layout_key", 1).over(w))
        .withColumn("lag_sha", lag("sha256", 1).over(w))
        .withColumn("lead_path", lead("path", 1).over(w))
        .withColumn("lead_prev_key", lead("prev_key", 1).over(w))
        .withColumn("lead_prev_hash", lead("prev_hash", 1).over(w))
        .withColumn("lead_prev_signature", lead("prev_signature", 1).over(w))
        .withColumn("lead_problem", lead("problem", 1).over(w))
        .drop("logs");
    // Whether the digest the next one names instead of this one exists: then this one was skipped (a
    // fork or an insertion); when it does not, the missing one is reported and this one is fine.
    Dataset<Row> paths = digests.filter(col("exists")).select(col("path").as("_known_path"));
    d = d.join(paths, concat(col("root"), col("lead_prev_key")).equalTo(paths.col("_known_path")), "left")
        .withColumn("lead_prev_exists", col("_known_path").isNotNull()).drop("_known_path");
    StructType out = d.schema().add("signature_status", DataTypes.StringType).add("signature_detail", DataTypes.StringType);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableConfiguration> conf =
        jsc.broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
    JavaRDD<Row> checked = d.toJavaRDD().mapPartitions(new Signatures(conf, keys, d.schema()));
    return spark.createDataFrame(checked, out).localCheckpoint();
  }

  /** Verifies one digest's signature; see the class comment for where the signature comes from. */
  private static final class Signatures implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<SerializableConfiguration> conf;
    private final PublicKeys keys;
    private final StructType schema;

    Signatures(Broadcast<SerializableConfiguration> conf, PublicKeys keys, StructType schema) {
      this.conf = conf;
      this.keys = keys;
      this.schema = schema;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Configuration c = conf.value().value();
      List<Row> out = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        String[] v = check(c, r);
        Object[] values = new Object[schema.size() + 2];
        for (int i = 0; i < schema.size(); i++) {
          values[i] = r.get(i);
        }
        values[schema.size()] = v[0];
        values[schema.size() + 1] = v[1];
        out.add(RowFactory.create(values));
      }
      return out.iterator();
    }

    private String[] check(Configuration c, Row r) {
      if (r.getAs("problem") != null) {
        return new String[] {"not_checked", "the digest cannot be read"};
      }
      String key = r.getAs("layout_key");
      String fromSuccessor = key.equals(r.getAs("lead_prev_key")) ? r.getAs("lead_prev_signature") : null;
      // Only the newest digest of a chain needs the object's metadata: one HEAD request per chain.
      String fromMetadata = r.getAs("lead_path") == null ? DigestFiles.metadataSignature(c, r.getAs("path")) : null;
      if (fromMetadata != null && fromSuccessor != null && !fromMetadata.equalsIgnoreCase(fromSuccessor)) {
        return new String[] {"invalid", "the object's signature metadata and the next digest's previousDigestSignature differ"};
      }
      String signature = fromSuccessor != null ? fromSuccessor : fromMetadata;
      if (keys == null) {
        return new String[] {"not_checked", null};
      }
      if (signature == null) {
        return new String[] {"unavailable", "newest digest of its chain, and no x-amz-meta-signature metadata to read"};
      }
      java.security.PublicKey k = keys.get(r.getAs("fingerprint"));
      if (k == null) {
        return new String[] {"unknown_key", "signed with key " + r.getAs("fingerprint") + ", which the public keys given do not hold"};
      }
      String data = DigestSignature.signingString(r.getAs("digest_end_text"), r.getAs("s3_bucket"), r.getAs("s3_object"),
          r.getAs("sha256"), r.getAs("prev_signature"));
      return DigestSignature.verify(k, data, signature) ? new String[] {"valid", null}
          : new String[] {"invalid", "the SHA256withRSA signature does not verify with key " + r.getAs("fingerprint")};
    }
  }

  /** One row per digest of the window with its own verdict. */
  private static Dataset<Row> digestRows(Dataset<Row> d) {
    Column ownKey = keyOf(col("s3_object"));
    Column status = when(col("problem").isNotNull(), lit("invalid"))
        .when(ownKey.isNull().or(ownKey.notEqual(col("layout_key"))), lit("moved"))
        .when(col("lead_prev_key").equalTo(col("layout_key")).and(col("lead_prev_hash").notEqual(col("sha256"))), lit("modified"))
        .when(col("signature_status").equalTo("invalid"), lit("signature_invalid"))
        .when(col("signature_status").equalTo("unknown_key"), lit("unknown_key"))
        .when(col("lead_path").isNotNull().and(col("lead_prev_key").isNotNull())
            .and(col("lead_prev_key").notEqual(col("layout_key"))).and(col("lead_problem").isNull())
            .and(col("lead_prev_exists")), lit("unreferenced"))
        .when(col("rn").gt(1).and(col("prev_object").isNull()), lit("gap"))
        .when(col("rn").equalTo(1).and(col("prev_object").isNull()), lit("chain_start"))
        .otherwise(lit("valid"));
    Column detail = when(status.equalTo("invalid"), concat(lit("the digest cannot be read: "), col("problem")))
        .when(status.equalTo("moved"), concat(lit("the digest says it was delivered to "), coalesce(col("s3_object"), lit("(nothing)")),
            lit(" but it is at "), col("path")))
        .when(status.equalTo("modified"), concat(lit("the next digest "), col("lead_path"), lit(" recorded SHA-256 "),
            col("lead_prev_hash"), lit(" for it, its content hashes to "), col("sha256")))
        .when(status.isin("signature_invalid", "unknown_key"), col("signature_detail"))
        .when(status.equalTo("unreferenced"), concat(lit("the next digest "), col("lead_path"), lit(" names "),
            col("lead_prev_key"), lit(" as its previous digest, not this one")))
        .when(status.equalTo("gap"), lit("the digest names no previous digest: the chain restarts here (logging or log file"
            + " validation was stopped, or the digests before it were replaced)"));
    Column rule = when(status.isin("valid", "chain_start"), lit(null).cast("string")).otherwise(lit(DIGEST_CHAIN_BROKEN));
    return d.select(lit(DIGEST_FILE).as("object_kind"), col("path").as("object"),
        when(col("s3_bucket").isNotNull(), concat(lit("s3://"), col("s3_bucket"), lit("/"), col("s3_object"))).as("s3_uri"),
        col("account_id"), col("aws_region"), col("path").as("digest_object"), col("digest_end").as("digest_end_time"),
        status.as("status"), col("signature_status"), rule.as("rule_id"), detail.as("detail"),
        col("lead_prev_hash").as("expected_sha256"), col("sha256").as("actual_sha256"));
  }

  /** Backfill digests (listed, not chained) and objects in CloudTrail-Digest/ that are not digests by name. */
  private static Dataset<Row> outsideChains(Dataset<Row> digests, boolean keys) {
    Dataset<Row> d = digests.filter(col("exists").and(col("backfill").or(col("chain").isNull())));
    Column status = when(col("chain").isNull(), lit("invalid")).when(col("problem").isNotNull(), lit("invalid"))
        .otherwise(lit("valid"));
    Column detail = when(col("chain").isNull(), lit("not a CloudTrail digest file name"))
        .when(col("problem").isNotNull(), concat(lit("the digest cannot be read: "), col("problem")))
        .otherwise(lit("backfill digest: its files are checked, it is not part of a chain"));
    return d.select(lit(DIGEST_FILE).as("object_kind"), col("path").as("object"),
        when(col("s3_bucket").isNotNull(), concat(lit("s3://"), col("s3_bucket"), lit("/"), col("s3_object"))).as("s3_uri"),
        col("account_id"), col("aws_region"), col("path").as("digest_object"), col("digest_end").as("digest_end_time"),
        status.as("status"), lit(keys ? "unavailable" : "not_checked").as("signature_status"),
        when(status.equalTo("invalid"), lit(DIGEST_CHAIN_BROKEN)).as("rule_id"), detail.as("detail"),
        lit(null).cast("string").as("expected_sha256"), col("sha256").as("actual_sha256"));
  }

  /**
   * The previous digests a digest names but that are not the one before it in the window: for the first
   * digest of each chain the one before the window (read now), elsewhere a digest that should be among those
   * listed. Missing ones, and ones whose hash differs from what their successor recorded, are rows.
   */
  private static Dataset<Row> references(SparkSession spark, Dataset<Row> chained, Dataset<Row> digests) {
    Dataset<Row> refs = chained.filter(col("prev_key").isNotNull().and(col("problem").isNull())
            .and(col("rn").equalTo(1).or(col("prev_key").notEqual(coalesce(col("lag_key"), lit(""))))))
        .select(col("path").as("successor"), concat(col("root"), col("prev_key")).as("object"), col("prev_hash"),
            col("prev_bucket"), col("prev_object"), col("account_id"), col("aws_region"), col("digest_end"));
    Dataset<Row> known = digests.filter(col("exists")).select(col("path").as("known"), col("sha256").as("known_sha"));
    Dataset<Row> j = refs.join(known, refs.col("object").equalTo(known.col("known")), "left");
    List<Row> unknown = j.filter(col("known").isNull()).select("object").distinct().collectAsList();
    Dataset<Row> fetched;
    if (unknown.isEmpty()) {
      fetched = spark.createDataFrame(List.of(), new StructType().add("f_path", DataTypes.StringType)
          .add("f_exists", DataTypes.BooleanType).add("f_sha", DataTypes.StringType));
    } else {
      fetched = DigestFiles.read(spark, unknown.stream().map(r -> r.getString(0)).toList())
          .select(col("path").as("f_path"), col("exists").as("f_exists"), col("sha256").as("f_sha"));
    }
    Dataset<Row> all = j.join(fetched, j.col("object").equalTo(fetched.col("f_path")), "left")
        .withColumn("found", coalesce(col("known").isNotNull(), lit(false)).or(coalesce(col("f_exists"), lit(false))))
        .withColumn("actual", coalesce(col("known_sha"), col("f_sha")));
    Column status = when(not(col("found")), lit("missing"))
        .when(col("actual").isNull().or(col("actual").notEqual(col("prev_hash"))), lit("modified"))
        .otherwise(lit("valid"));
    Column detail = when(status.equalTo("missing"), concat(lit("digest "), col("successor"),
            lit(" names it as its previous digest, but it does not exist")))
        .otherwise(concat(lit("digest "), col("successor"), lit(" recorded SHA-256 "), col("prev_hash"),
            lit(" for it, its content hashes to "), coalesce(col("actual"), lit("(unreadable)"))));
    // A previous digest inside the window has its own row already; only report here what is wrong.
    return all.filter(status.notEqual("valid"))
        .select(lit(DIGEST_FILE).as("object_kind"), col("object"),
            when(col("prev_bucket").isNotNull(), concat(lit("s3://"), col("prev_bucket"), lit("/"), col("prev_object"))).as("s3_uri"),
            col("account_id"), col("aws_region"), col("successor").as("digest_object"), col("digest_end").as("digest_end_time"),
            status.as("status"), lit(null).cast("string").as("signature_status"), lit(DIGEST_CHAIN_BROKEN).as("rule_id"),
            detail.as("detail"), col("prev_hash").as("expected_sha256"), col("actual").as("actual_sha256"));
  }

  // ---- findings ----

  /** One finding ({@link FindingSchema#FINDINGS}) per row of {@code verification} that has a rule. */
  public static Dataset<Row> findings(Dataset<Row> verification) {
    Dataset<Row> failed = verification.filter(col("rule_id").isNotNull());
    Dataset<Row> out = null;
    for (String id : RULE_IDS) {
      RuleEngine.Metadata m = RuleEngine.metadata(id);
      Column bucketKey = expr("CASE WHEN s3_uri LIKE 's3://%' THEN substring(s3_uri, 6) END");
      Column arn = when(bucketKey.isNotNull(), concat(
          when(col("aws_region").startsWith("cn-"), lit("arn:aws-cn:s3:::"))
              .when(col("aws_region").startsWith("us-gov-"), lit("arn:aws-us-gov:s3:::"))
              .otherwise(lit("arn:aws:s3:::")), bucketKey));
      Column evidence = to_json(struct(col("object"), col("s3_uri"), col("status"), col("digest_object"),
          col("expected_sha256"), col("actual_sha256"), col("signature_status")));
      Dataset<Row> f = failed.filter(col("rule_id").equalTo(id)).select(
          FindingIds.findingIdColumn(lit(id), col("object"), col("status")).as("finding_id"), lit(id).as("rule_id"),
          lit(m.severity()).as("severity"), lit(FindingSchema.OPEN).as("status"), col("account_id"),
          col("aws_region").as("region"), lit(null).cast("string").as("application"),
          lit(null).cast("string").as("environment"), arn.as("resource_arn"), lit(null).cast("string").as("principal_arn"),
          array().cast("array<string>").as("event_ids"), col("digest_end_time").as("first_seen"),
          col("digest_end_time").as("last_seen"), lit(m.title()).as("title"), col("detail"), evidence.as("evidence"),
          lit(m.remediation()).as("remediation"),
          array(m.compliance().stream().map(c -> lit(c)).toArray(Column[]::new)).cast("array<string>").as("compliance"),
          lit(null).cast("string").as("suppression_reason"), lit(null).cast("string").as("suppressed_until"));
      out = out == null ? f : out.unionByName(f);
    }
    List<Column> cols = new ArrayList<>();
    for (var field : FindingSchema.FINDINGS.fields()) {
      cols.add(field.dataType() instanceof org.apache.spark.sql.types.ArrayType ? col(field.name())
          : col(field.name()).cast(field.dataType()).as(field.name()));
    }
    return out.select(cols.toArray(new Column[0]));
  }

  static Timestamp ts(java.time.Instant i) {
    return i == null ? null : Timestamp.from(i);
  }
}
