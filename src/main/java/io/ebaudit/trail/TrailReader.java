package io.ebaudit.trail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ebaudit.iam.ActionMapper;
import io.ebaudit.trail.TrailDiscovery.LogObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Reads CloudTrail log objects into rows of the events table in one pass, without a shuffle.
 *
 * <p>A re-delivered event always stays in its account and region: the account trail and an
 * organization trail both write it under {@code <account>/CloudTrail/<region>/}, and late or updated
 * deliveries come to the same place. So files are grouped by (account, region) and a group goes to one
 * task whole; the task reads its files newest delivery first and keeps the first copy of each
 * {@code eventID} — the latest delivery, which is the one an {@code UPDATED_DATA} addendum is on. No
 * event rows cross the network to be deduplicated. A group too large for one task is split in delivery
 * order; only then can a duplicate cross tasks, and {@link #finish} looks for those and rewrites the
 * few affected days.
 *
 * <p>Each task gunzips a file in memory and streams it through {@link RecordParser} into Spark's
 * internal rows. Counts travel in result-stage accumulators, which Spark applies once per partition
 * however often a task is retried; quarantine rows go to a side file per task attempt, and only the
 * attempts Spark kept are published. Hence {@link #events()} must be evaluated exactly once (by the
 * writer), then {@link #finish} called.
 *
 * <p>Planned with a hash folder, each task also records the SHA-256 of every file's uncompressed content
 * (what a CloudTrail digest lists) in side files published the same way: JSON lines of
 * {@link #HASHES} ({@code path}, {@code size}, {@code sha256}, and {@code problem} when the file could not be
 * decompressed or was over the size limit, then without a hash). The files are read once for both.
 */
public final class TrailReader {

  /** Limits; the defaults are in {@code conf/ebaudit.yaml}. */
  public record Options(long maxRecordBytes, long maxFileBytes, long targetBinBytes, long maxBinBytes)
      implements Serializable {
    public Options {
      if (maxRecordBytes <= 0 || maxFileBytes <= 0 || targetBinBytes <= 0 || maxBinBytes < targetBinBytes) {
        throw new IllegalArgumentException("Cannot read trail: limits must be positive, and the largest read task"
            + " no smaller than the target, got " + this);
      }
    }
  }

  /** Exact counts of one read. {@code recordsRead == recordsKept + recordsDuplicate + recordsQuarantined}. */
  public record Counts(
      long filesRead, long filesQuarantined, long recordsRead, long recordsKept, long recordsDuplicate,
      long recordsQuarantined, long compressedBytes, long uncompressedBytes, boolean crossTaskCheck) {}

  /** One read task (on the driver): files in the order they are read, and whether a group was split into it. */
  record Bin(List<LogObject> files, boolean split) {}

  public static final Pattern DELIVERY = Pattern.compile("_(\\d{8}T\\d{4}Z)_");

  /** The hash side output: one JSON line per file read. */
  public static final org.apache.spark.sql.types.StructType HASHES = new org.apache.spark.sql.types.StructType()
      .add("path", org.apache.spark.sql.types.DataTypes.StringType, false)
      .add("size", org.apache.spark.sql.types.DataTypes.LongType, false)
      .add("sha256", org.apache.spark.sql.types.DataTypes.StringType, true)
      .add("problem", org.apache.spark.sql.types.DataTypes.StringType, true);

  private final SparkSession spark;
  private final List<Bin> bins;
  private final Options options;
  private final String quarantineDir;
  private final String hashDir;
  private final Map<String, LongAccumulator> counters = new LinkedHashMap<>();
  private final CollectionAccumulator<String> sideFiles;
  private final CollectionAccumulator<String> hashFiles;
  private boolean evaluated;

  private static final String[] COUNTERS = {"files_read", "files_quarantined", "records_read", "records_parsed",
      "records_quarantined", "records_duplicate", "compressed_bytes", "uncompressed_bytes", "update_conflicts"};

  private TrailReader(SparkSession spark, List<Bin> bins, Options options, String quarantineDir, String hashDir) {
    this.spark = spark;
    this.bins = bins;
    this.options = options;
    this.quarantineDir = quarantineDir;
    this.hashDir = hashDir;
    for (String c : COUNTERS) {
      counters.put(c, spark.sparkContext().longAccumulator("ebaudit." + c));
    }
    this.sideFiles = spark.sparkContext().collectionAccumulator("ebaudit.quarantine_files");
    this.hashFiles = spark.sparkContext().collectionAccumulator("ebaudit.hash_files");
  }

  /** Plans the read of {@code logs}; quarantine files go to {@code quarantineDir}. Nothing runs yet. */
  public static TrailReader plan(SparkSession spark, List<LogObject> logs, Options options, String quarantineDir) {
    return plan(spark, logs, options, quarantineDir, null);
  }

  /** As {@link #plan(SparkSession, List, Options, String)}, recording each file's hash in {@code hashDir} (null: none). */
  public static TrailReader plan(SparkSession spark, List<LogObject> logs, Options options, String quarantineDir,
      String hashDir) {
    int cores = Math.max(1, spark.sparkContext().defaultParallelism());
    return new TrailReader(spark, pack(logs, options, cores), options, quarantineDir, hashDir);
  }

  /** The events, deduplicated, {@link EventSchema#EVENTS}. Evaluate exactly once. */
  public Dataset<Row> events() {
    if (evaluated) {
      throw new IllegalStateException("Cannot read trail: the events of one plan are read once");
    }
    evaluated = true;
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableConfiguration> conf =
        jsc.broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
    ActionMapper actions = ActionMapper.standard();
    Options opts = options;
    String side = quarantineDir;
    String hashes = hashDir;
    LongAccumulator[] acc = counters.values().toArray(LongAccumulator[]::new);
    CollectionAccumulator<String> files = sideFiles;
    CollectionAccumulator<String> hashOut = hashFiles;
    // Only the file lists travel: Spark's Kryo cannot build records.
    List<List<LogObject>> work = bins.stream().map(b -> (List<LogObject>) new ArrayList<>(b.files())).toList();
    JavaRDD<InternalRow> rows = jsc.parallelize(work, Math.max(1, work.size()))
        .mapPartitions(it -> new BinReader(it, conf.value().value(), actions, opts, side, acc, files, hashes, hashOut));
    // Public in bytecode though private[sql] in Scala: the one way to hand Spark rows it need not convert.
    return spark.internalCreateDataFrame(rows.rdd(), EventSchema.EVENTS, false);
  }

  /**
   * After the events were written to {@code eventsPath}: publishes the quarantine files of the task
   * attempts Spark kept, removes cross-task duplicates when a group was split, and returns the counts.
   * Throws when the books do not balance.
   */
  public Counts finish(String eventsPath) {
    if (!evaluated) {
      throw new IllegalStateException("Cannot finish a read whose events were never written");
    }
    publishSideFiles(quarantineDir, sideFiles, "quarantine");
    if (hashDir != null) {
      publishSideFiles(hashDir, hashFiles, "file hashes");
    }
    long[] t = counters.values().stream().mapToLong(LongAccumulator::value).toArray();
    long filesRead = t[0], filesQuarantined = t[1], recordsRead = t[2], parsed = t[3], quarantined = t[4];
    long duplicate = t[5];
    // A split group, or an UPDATED_DATA copy delivered before another copy, needs the second pass.
    boolean check = bins.stream().anyMatch(Bin::split) || t[8] > 0;
    if (check) {
      duplicate += CrossTaskDedup.run(spark, eventsPath);
    }
    long kept = parsed - duplicate;
    long written = spark.read().schema(EventSchema.EVENTS).parquet(eventsPath).count();
    if (written != kept || recordsRead != parsed + quarantined) {
      throw new IllegalStateException(String.format(
          "Cannot account for every record: read %d, parsed %d, quarantined %d, duplicate %d, written %d",
          recordsRead, parsed, quarantined, duplicate, written));
    }
    return new Counts(filesRead, filesQuarantined, recordsRead, kept, duplicate, quarantined, t[6], t[7], check);
  }

  /** Moves the kept attempts' files to {@code part-NNNNN.jsonl}; deletes those of failed attempts. */
  private void publishSideFiles(String folder, CollectionAccumulator<String> acc, String what) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Path dir = new Path(folder);
    Path attempts = new Path(dir, "_attempts");
    try {
      FileSystem fs = dir.getFileSystem(hadoop);
      fs.mkdirs(dir);
      Set<String> kept = new HashSet<>(acc.value());
      int n = 0;
      for (String f : acc.value().stream().sorted().toList()) {
        Path target = new Path(dir, String.format("part-%05d.jsonl", n++));
        if (!fs.rename(new Path(f), target)) {
          throw new IOException("rename of " + f + " to " + target + " failed");
        }
      }
      if (fs.exists(attempts)) {
        for (FileStatus s : fs.listStatus(attempts)) {
          if (kept.contains(s.getPath().toString())) {
            continue;
          }
          fs.delete(s.getPath(), false); // a failed or speculative attempt's copy
        }
        fs.delete(attempts, true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot publish the " + what + " in " + folder + ": " + e.getMessage(), e);
    }
  }

  // ---- planning ----

  /** The dedup group of a log object: account/region from the layout, or one group for plain files. */
  static String group(String path) {
    int at = path.indexOf("/AWSLogs/");
    if (at < 0) {
      return "plain";
    }
    String[] s = path.substring(at + 9).split("/");
    int i = s.length > 0 && s[0].startsWith("o-") ? 1 : 0;
    if (s.length > i + 3 && s[i + 1].equals("CloudTrail")) {
      return s[i] + "/" + s[i + 2];
    }
    return "plain";
  }

  /** The delivery stamp in a log object's name ({@code 20261120T0005Z}), or "" when it has none. */
  static String delivery(String path) {
    Matcher m = DELIVERY.matcher(path.substring(path.lastIndexOf('/') + 1));
    return m.find() ? m.group(1) : "";
  }

  private static String deliveryOf(LogObject o) {
    Matcher m = DELIVERY.matcher(o.name());
    return m.find() ? m.group(1) : "";
  }

  /**
   * Groups files by (account, region), newest delivery first; splits groups over {@code maxBinBytes};
   * packs groups largest first into the least loaded of about {@code total / targetBinBytes} bins
   * (at least two per core, so both cores stay busy to the end).
   */
  static List<Bin> pack(List<LogObject> logs, Options options, int cores) {
    Map<String, List<LogObject>> groups = new LinkedHashMap<>();
    for (LogObject o : logs) {
      groups.computeIfAbsent(group(o.path()), k -> new ArrayList<>()).add(o);
    }
    Comparator<LogObject> newestFirst = Comparator.comparing(TrailReader::deliveryOf).reversed()
        .thenComparing(LogObject::path);
    List<Bin> pieces = new ArrayList<>();
    for (List<LogObject> g : groups.values()) {
      g.sort(newestFirst);
      long size = g.stream().mapToLong(o -> Math.max(1, o.size())).sum();
      if (size <= options.maxBinBytes()) {
        pieces.add(new Bin(g, false));
        continue;
      }
      List<LogObject> chunk = new ArrayList<>();
      long chunkBytes = 0;
      for (LogObject o : g) {
        if (chunkBytes > 0 && chunkBytes + o.size() > options.maxBinBytes()) {
          pieces.add(new Bin(chunk, true));
          chunk = new ArrayList<>();
          chunkBytes = 0;
        }
        chunk.add(o);
        chunkBytes += Math.max(1, o.size());
      }
      pieces.add(new Bin(chunk, true));
    }
    long total = logs.stream().mapToLong(o -> Math.max(1, o.size())).sum();
    int count = (int) Math.min(pieces.size(), Math.max(2L * cores, total / options.targetBinBytes() + 1));
    count = Math.max(1, count);
    pieces.sort(Comparator.comparingLong((Bin b) -> -bytes(b)).thenComparing(b -> b.files().get(0).path()));
    PriorityQueue<long[]> load = new PriorityQueue<>(Comparator.<long[]>comparingLong(a -> a[0]).thenComparingLong(a -> a[1]));
    List<List<Bin>> into = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      into.add(new ArrayList<>());
      load.add(new long[] {0, i});
    }
    for (Bin piece : pieces) {
      long[] least = load.poll();
      into.get((int) least[1]).add(piece);
      least[0] += bytes(piece);
      load.add(least);
    }
    List<Bin> bins = new ArrayList<>();
    for (List<Bin> parts : into) {
      if (parts.isEmpty()) {
        continue;
      }
      List<LogObject> files = new ArrayList<>();
      boolean split = false;
      for (Bin p : parts) {
        files.addAll(p.files());
        split |= p.split();
      }
      bins.add(new Bin(files, split));
    }
    return bins;
  }

  private static long bytes(Bin b) {
    return b.files().stream().mapToLong(o -> Math.max(1, o.size())).sum();
  }

  List<Bin> bins() {
    return bins;
  }

  // ---- one task ----

  /** Reads its bin file by file, keeps the first copy of each event id, counts, quarantines. */
  private static final class BinReader implements Iterator<InternalRow>, RecordParser.Sink {
    private static final int I_EVENT_ID = EventSchema.index("event_id");
    private static final int I_ADDENDUM = EventSchema.index("addendum");
    private static final JsonFactory JSON = new JsonFactory();

    private static boolean isUpdatedData(InternalRow row) {
      if (row.isNullAt(I_ADDENDUM)) {
        return false;
      }
      InternalRow a = row.getStruct(I_ADDENDUM, EventSchema.ADDENDUM.size());
      return !a.isNullAt(0) && "UPDATED_DATA".equals(a.getUTF8String(0).toString());
    }

    private final Iterator<LogObject> files;
    private final Configuration conf;
    private final Options options;
    private final RecordParser parser;
    private final String quarantineDir;
    private final LongAccumulator[] acc;
    private final CollectionAccumulator<String> sideFiles;
    private final String hashDir;
    private final CollectionAccumulator<String> hashFiles;
    private final java.security.MessageDigest sha = hashDigest();
    private OutputStream hashOut;
    private JsonGenerator hashGen;
    private String hashPath;
    private final UnsafeProjection projection = UnsafeProjection.create(EventSchema.EVENTS);
    private final ArrayDeque<InternalRow> ready = new ArrayDeque<>();
    private final EventIdSet seen = new EventIdSet();
    private byte[] data = new byte[1 << 20];
    private String source;
    private OutputStream sideOut;
    private JsonGenerator side;
    private String sidePath;
    private final long[] n = new long[9];
    // Ids whose kept copy carries an UPDATED_DATA addendum: rare, so a plain set.
    private final java.util.Set<String> updatedKept = new java.util.HashSet<>();
    private boolean done;

    BinReader(Iterator<List<LogObject>> bins, Configuration conf, ActionMapper actions, Options options, String quarantineDir,
        LongAccumulator[] acc, CollectionAccumulator<String> sideFiles, String hashDir,
        CollectionAccumulator<String> hashFiles) {
      List<LogObject> all = new ArrayList<>();
      bins.forEachRemaining(all::addAll);
      this.files = all.iterator();
      this.conf = conf;
      this.options = options;
      this.parser = new RecordParser(actions, options.maxRecordBytes());
      this.quarantineDir = quarantineDir;
      this.acc = acc;
      this.sideFiles = sideFiles;
      this.hashDir = hashDir;
      this.hashFiles = hashFiles;
    }

    private static java.security.MessageDigest hashDigest() {
      try {
        return java.security.MessageDigest.getInstance("SHA-256");
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty()) {
        if (files.hasNext()) {
          readFile(files.next());
        } else {
          if (!done) {
            done = true;
            close();
          }
          return false;
        }
      }
      return true;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    private void readFile(LogObject file) {
      source = file.path();
      n[0]++;
      n[6] += file.size();
      int length;
      try {
        length = load(file);
      } catch (FileProblem e) {
        n[1]++;
        quarantine(new RecordParser.Problem(RecordParser.Problem.FILE, -1, -1, e.getMessage(), null, ""));
        hash(file, -1, e.getMessage());
        return;
      } catch (IOException e) {
        // Listing saw it, reading failed: a storage error, not bad data. Fail the task; Spark retries it.
        throw new UncheckedIOException("Cannot read trail object " + file.path() + ": " + e.getMessage(), e);
      }
      n[7] += length;
      hash(file, length, null);
      RecordParser.FileCounts c = parser.parse(data, length, file.path(), this);
      n[2] += c.recordsRead();
      n[3] += c.recordsKept();
      n[4] += c.recordsQuarantined();
      if (c.fileProblem()) {
        n[1]++;
      }
    }

    /** Reads and, when gzip, inflates one object into {@link #data}; returns its length. */
    private int load(LogObject file) throws IOException {
      if (file.size() > options.maxFileBytes()) {
        throw new FileProblem("object of " + file.size() + " bytes is over the limit of " + options.maxFileBytes() + " bytes");
      }
      Path path = new Path(file.path());
      byte[] raw = new byte[(int) file.size()];
      try (FSDataInputStream in = path.getFileSystem(conf).open(path)) {
        in.readFully(0, raw);
      } catch (java.io.EOFException e) {
        throw new IOException("object is shorter than its listed " + file.size() + " bytes", e);
      }
      if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
          return inflate(in);
        } catch (ZipException | java.io.EOFException e) {
          throw new FileProblem("corrupt gzip: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
      }
      if (data.length < raw.length) {
        data = new byte[raw.length];
      }
      System.arraycopy(raw, 0, data, 0, raw.length);
      return raw.length;
    }

    private int inflate(InputStream in) throws IOException {
      int len = 0;
      while (true) {
        if (len == data.length) {
          if (data.length >= options.maxFileBytes()) {
            throw new FileProblem("decompressed size is over the limit of " + options.maxFileBytes() + " bytes");
          }
          data = Arrays.copyOf(data, (int) Math.min(options.maxFileBytes(), Math.min(Integer.MAX_VALUE - 16, 2L * data.length)));
        }
        int r = in.read(data, len, data.length - len);
        if (r < 0) {
          return len;
        }
        len += r;
      }
    }

    @Override
    public void event(InternalRow row) {
      String id = row.getUTF8String(I_EVENT_ID).toString();
      boolean updated = isUpdatedData(row);
      if (!seen.add(id)) {
        if (!updated || updatedKept.contains(id)) {
          n[5]++; // an older delivery of an event already kept
          return;
        }
        // An update delivered before another copy of the original (two trails): keep both here and
        // let the second pass, which ranks UPDATED_DATA first, choose.
        n[8]++;
      }
      if (updated) {
        updatedKept.add(id);
      }
      ready.add(projection.apply(row).copy());
    }

    @Override
    public void quarantine(RecordParser.Problem p) {
      try {
        if (side == null) {
          TaskContext tc = TaskContext.get();
          Path path = new Path(quarantineDir, String.format("_attempts/part-%05d-%d-%d.jsonl",
              tc == null ? 0 : tc.partitionId(), tc == null ? 0 : tc.attemptNumber(), tc == null ? 0 : tc.taskAttemptId()));
          sideOut = path.getFileSystem(conf).create(path, true);
          side = JSON.createGenerator(sideOut);
          sidePath = path.getFileSystem(conf).makeQualified(path).toString();
        }
        side.writeStartObject();
        side.writeStringField("source_object", source);
        side.writeStringField("scope", p.scope());
        if (p.recordIndex() >= 0) {
          side.writeNumberField("record_index", p.recordIndex());
        }
        if (p.byteOffset() >= 0) {
          side.writeNumberField("byte_offset", p.byteOffset());
        }
        side.writeStringField("reason", p.reason());
        if (p.eventId() != null) {
          side.writeStringField("event_id", p.eventId());
        }
        side.writeStringField("excerpt", p.excerpt());
        side.writeEndObject();
        side.writeRaw('\n');
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write the quarantine of " + source + ": " + e.getMessage(), e);
      }
    }

    /** With a hash folder: the SHA-256 of the uncompressed content, or the reason there is none. */
    private void hash(LogObject file, int length, String problem) {
      if (hashDir == null) {
        return;
      }
      try {
        if (hashGen == null) {
          TaskContext tc = TaskContext.get();
          Path path = new Path(hashDir, String.format("_attempts/part-%05d-%d-%d.jsonl",
              tc == null ? 0 : tc.partitionId(), tc == null ? 0 : tc.attemptNumber(), tc == null ? 0 : tc.taskAttemptId()));
          hashOut = path.getFileSystem(conf).create(path, true);
          hashGen = JSON.createGenerator(hashOut);
          hashPath = path.getFileSystem(conf).makeQualified(path).toString();
        }
        hashGen.writeStartObject();
        hashGen.writeStringField("path", file.path());
        hashGen.writeNumberField("size", file.size());
        if (length >= 0) {
          sha.reset();
          sha.update(data, 0, length);
          hashGen.writeStringField("sha256", java.util.HexFormat.of().formatHex(sha.digest()));
        } else {
          hashGen.writeStringField("problem", problem);
        }
        hashGen.writeEndObject();
        hashGen.writeRaw('\n');
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write the hash of " + file.path() + ": " + e.getMessage(), e);
      }
    }

    /** End of the task: closes the side files and hands the counts to the driver. */
    private void close() {
      try {
        if (side != null) {
          side.close();
          sideOut.close();
          sideFiles.add(sidePath);
        }
        if (hashGen != null) {
          hashGen.close();
          hashOut.close();
          hashFiles.add(hashPath);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write the quarantine file " + sidePath + ": " + e.getMessage(), e);
      }
      for (int i = 0; i < n.length; i++) {
        acc[i].add(n[i]);
      }
    }
  }

  /** A file that is readable storage-wise but cannot be used: quarantined, not retried. */
  private static final class FileProblem extends IOException {
    FileProblem(String message) {
      super(message);
    }
  }

  static UTF8String utf8(String s) {
    return s == null ? null : UTF8String.fromString(s);
  }
}
