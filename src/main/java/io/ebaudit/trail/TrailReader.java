package io.ebaudit.trail;

import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import io.ebaudit.iam.ActionMapper;
import io.ebaudit.trail.TrailDiscovery.LogObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;
import scala.reflect.ClassTag$;

/**
 * Reads CloudTrail log objects into the events table in one pass over the data.
 *
 * <p>Files are packed into bins of similar size (many small files per task). Each task reads its files
 * with Hadoop's {@code FileSystem}, gunzips them in memory and streams their records through
 * {@link RecordParser}. Every row then goes through a single shuffle: events are routed by
 * {@code eventID} and sorted, so the reduce side keeps one row per id (an {@code UPDATED_DATA} addendum
 * first); quarantined records and per-task counts are routed to one extra partition. The events and the
 * quarantine are then two jobs over the same shuffle output, so the trail is read and parsed once.
 *
 * <p>{@link #events()} must be evaluated exactly once (by the writer): its duplicate counter is a
 * result-stage accumulator, exact only for one evaluation. {@link #counts()} checks the books balance.
 */
public final class TrailReader {

  /** Limits; the defaults are in {@code conf/ebaudit.yaml}. */
  public record Options(long maxRecordBytes, long maxFileBytes, long targetBinBytes, int minPartitions)
      implements Serializable {
    public Options {
      if (maxRecordBytes <= 0 || maxFileBytes <= 0 || targetBinBytes <= 0 || minPartitions <= 0) {
        throw new IllegalArgumentException("Cannot read trail: limits must be positive, got " + this);
      }
    }
  }

  /** Exact counts of one read. {@code recordsRead == recordsKept + recordsDuplicate + recordsQuarantined}. */
  public record Counts(
      long filesRead, long filesQuarantined, long recordsRead, long recordsKept, long recordsDuplicate,
      long recordsQuarantined, long compressedBytes, long uncompressedBytes) {}

  /** Side rows: quarantine entries and per-task counts, on the extra shuffle partition. */
  static final StructType SIDE =
      createStructType(
          List.of(
              createStructField("kind", StringType, false), // "quarantine" | "counts"
              createStructField("source_object", StringType, true),
              createStructField("scope", StringType, true),
              createStructField("record_index", LongType, true),
              createStructField("byte_offset", LongType, true),
              createStructField("reason", StringType, true),
              createStructField("event_id", StringType, true),
              createStructField("excerpt", StringType, true),
              createStructField("files_read", LongType, true),
              createStructField("files_quarantined", LongType, true),
              createStructField("records_read", LongType, true),
              createStructField("records_parsed", LongType, true),
              createStructField("records_quarantined", LongType, true),
              createStructField("compressed_bytes", LongType, true),
              createStructField("uncompressed_bytes", LongType, true)));

  private static final String SIDE_KEY = "\u0001";

  private final SparkSession spark;
  private final JavaPairRDD<String, InternalRow> shuffled;
  private final int eventPartitions;
  private final LongAccumulator duplicates;
  private final LongAccumulator emitted;

  private TrailReader(SparkSession spark, JavaPairRDD<String, InternalRow> shuffled, int eventPartitions,
      LongAccumulator duplicates, LongAccumulator emitted) {
    this.spark = spark;
    this.shuffled = shuffled;
    this.eventPartitions = eventPartitions;
    this.duplicates = duplicates;
    this.emitted = emitted;
  }

  /** Plans the read of {@code logs}; nothing runs until a result is asked for. */
  public static TrailReader plan(SparkSession spark, List<LogObject> logs, Options options) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<List<LogObject>> bins = pack(logs, options, Math.max(1, jsc.defaultParallelism()));
    long compressed = logs.stream().mapToLong(LogObject::size).sum();
    // CloudTrail JSON gzips about 10:1; aim at ~128 MB of rows per reduce task.
    int eventPartitions = (int) Math.max(options.minPartitions(), Math.min(4000, compressed * 10 / (128L << 20) + 1));
    Broadcast<SerializableConfiguration> conf =
        jsc.broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
    ActionMapper actions = ActionMapper.standard();

    JavaRDD<List<LogObject>> binRdd = jsc.parallelize(bins, Math.max(1, bins.size()));
    JavaPairRDD<String, InternalRow> keyed =
        binRdd.mapPartitionsToPair(it -> new BinReader(it, conf.value().value(), actions, options, eventPartitions));
    JavaPairRDD<String, InternalRow> shuffled =
        keyed.repartitionAndSortWithinPartitions(new Routing(eventPartitions), Comparator.naturalOrder());
    return new TrailReader(spark, shuffled, eventPartitions,
        spark.sparkContext().longAccumulator("ebaudit.records_duplicate"),
        spark.sparkContext().longAccumulator("ebaudit.records_emitted"));
  }

  /** The deduplicated events, {@link EventSchema#EVENTS}. Evaluate once. */
  public Dataset<Row> events() {
    int n = eventPartitions;
    LongAccumulator dup = duplicates;
    LongAccumulator out = emitted;
    RDD<InternalRow> rows =
        shuffled
            .mapPartitionsWithIndex(
                (idx, it) -> idx < n ? new Dedup(it, dup, out) : java.util.Collections.emptyIterator(), true)
            .rdd();
    return internalDataFrame(rows, EventSchema.EVENTS);
  }

  /** Quarantined records and files, {@link EventSchema#QUARANTINE}. */
  public Dataset<Row> quarantine() {
    RDD<InternalRow> side = sidePartition();
    JavaRDD<InternalRow> q =
        side.toJavaRDD()
            .filter(r -> r.getUTF8String(0).toString().equals("quarantine"))
            .map(r -> (InternalRow) new GenericInternalRow(new Object[] {
                r.getUTF8String(1), r.getUTF8String(2), r.isNullAt(3) ? null : r.getLong(3),
                r.isNullAt(4) ? null : r.getLong(4), r.getUTF8String(5),
                r.isNullAt(6) ? null : r.getUTF8String(6), r.isNullAt(7) ? null : r.getUTF8String(7)}));
    return internalDataFrame(q.rdd(), EventSchema.QUARANTINE);
  }

  /**
   * Totals, after {@link #events()} was written. Throws when the books do not balance: a record that
   * was read must be kept, a duplicate, or quarantined.
   */
  public Counts counts() {
    long[] t = new long[7];
    for (InternalRow r : sidePartition().toJavaRDD().filter(r -> r.getUTF8String(0).toString().equals("counts")).collect()) {
      for (int i = 0; i < 7; i++) {
        t[i] += r.getLong(8 + i);
      }
    }
    long filesRead = t[0], filesQuarantined = t[1], recordsRead = t[2], parsed = t[3], recordsQuarantined = t[4];
    long kept = emitted.value(), dup = duplicates.value();
    if (parsed != kept + dup || recordsRead != parsed + recordsQuarantined) {
      throw new IllegalStateException(String.format(
          "Cannot account for every record: read %d, parsed %d, quarantined %d, kept %d, duplicate %d",
          recordsRead, parsed, recordsQuarantined, kept, dup));
    }
    return new Counts(filesRead, filesQuarantined, recordsRead, kept, dup, recordsQuarantined, t[5], t[6]);
  }

  private RDD<InternalRow> sidePartition() {
    int n = eventPartitions;
    RDD<Tuple2<String, InternalRow>> only =
        PartitionPruningRDD.create(shuffled.rdd(), new PartitionFilter(n));
    return only.toJavaRDD().map(Tuple2::_2).rdd();
  }

  private Dataset<Row> internalDataFrame(RDD<InternalRow> rows, StructType schema) {
    // Public in bytecode though private[sql] in Scala: the one way to hand Spark rows it need not convert.
    return spark.internalCreateDataFrame(rows, schema, false);
  }

  /** Packs files into bins of about {@code targetBinBytes}, largest first, at least one per core. */
  static List<List<LogObject>> pack(List<LogObject> logs, Options options, int cores) {
    long total = logs.stream().mapToLong(LogObject::size).sum();
    int count = (int) Math.max(Math.min(logs.size(), 2L * cores), Math.min(logs.size(), total / options.targetBinBytes() + 1));
    count = Math.max(1, count);
    List<LogObject> bySize = new ArrayList<>(logs);
    bySize.sort(Comparator.comparingLong(LogObject::size).reversed().thenComparing(LogObject::path));
    PriorityQueue<long[]> load = new PriorityQueue<>(Comparator.<long[]>comparingLong(a -> a[0]).thenComparingLong(a -> a[1]));
    List<List<LogObject>> bins = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      bins.add(new ArrayList<>());
      load.add(new long[] {0, i});
    }
    for (LogObject o : bySize) {
      long[] least = load.poll();
      bins.get((int) least[1]).add(o);
      least[0] += Math.max(o.size(), 1);
      load.add(least);
    }
    bins.removeIf(List::isEmpty);
    for (List<LogObject> b : bins) {
      b.sort(Comparator.comparing(LogObject::path)); // keeps reads of one prefix together
    }
    return bins;
  }

  /** Routes events by id over [0, n), and side rows to partition n. */
  static final class Routing extends Partitioner {
    private final int n;

    Routing(int n) {
      this.n = n;
    }

    @Override
    public int numPartitions() {
      return n + 1;
    }

    @Override
    public int getPartition(Object key) {
      String k = (String) key;
      if (k.startsWith(SIDE_KEY)) {
        return n;
      }
      int end = k.indexOf('\u0000');
      int h = (end < 0 ? k : k.substring(0, end)).hashCode();
      return Math.floorMod(h, n);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Routing r && r.n == n;
    }

    @Override
    public int hashCode() {
      return n;
    }
  }

  private static final class PartitionFilter extends scala.runtime.AbstractFunction1<Object, Object>
      implements Serializable {
    private final int keep;

    PartitionFilter(int keep) {
      this.keep = keep;
    }

    @Override
    public Object apply(Object idx) {
      return ((Integer) idx) == keep;
    }
  }

  /** Keeps the first row of each event id in a partition sorted by key; counts the others. */
  private static final class Dedup implements Iterator<InternalRow> {
    private final Iterator<Tuple2<String, InternalRow>> in;
    private final LongAccumulator duplicates;
    private final LongAccumulator emitted;
    private String lastId;
    private InternalRow next;

    Dedup(Iterator<Tuple2<String, InternalRow>> in, LongAccumulator duplicates, LongAccumulator emitted) {
      this.in = in;
      this.duplicates = duplicates;
      this.emitted = emitted;
    }

    @Override
    public boolean hasNext() {
      while (next == null && in.hasNext()) {
        Tuple2<String, InternalRow> t = in.next();
        String key = t._1();
        String id = key.substring(0, key.indexOf('\u0000'));
        if (id.equals(lastId)) {
          duplicates.add(1);
        } else {
          lastId = id;
          next = t._2();
          emitted.add(1);
        }
      }
      return next != null;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      InternalRow r = next;
      next = null;
      return r;
    }
  }

  /** One task: reads its bin file by file and emits keyed rows, then its counts. */
  private static final class BinReader implements Iterator<Tuple2<String, InternalRow>>, RecordParser.Sink {
    private static final int I_EVENT_ID = EventSchema.index("event_id");
    private static final int I_ADDENDUM = EventSchema.index("addendum");

    private final Iterator<LogObject> files;
    private final Configuration conf;
    private final Options options;
    private final RecordParser parser;
    private final UnsafeProjection eventProjection = UnsafeProjection.create(EventSchema.EVENTS);
    private final UnsafeProjection sideProjection = UnsafeProjection.create(SIDE);
    private final ArrayDeque<Tuple2<String, InternalRow>> ready = new ArrayDeque<>();
    private byte[] data = new byte[1 << 20];
    private UTF8String source;
    private long recordIndexForKey;
    private long filesRead, filesQuarantined, recordsRead, recordsParsed, recordsQuarantined, compressed, uncompressed;
    private boolean countsEmitted;
    private final StringBuilder keyBuilder = new StringBuilder(64);
    private long sourceHash;

    BinReader(Iterator<List<LogObject>> bins, Configuration conf, ActionMapper actions, Options options, int n) {
      List<LogObject> all = new ArrayList<>();
      bins.forEachRemaining(all::addAll);
      this.files = all.iterator();
      this.conf = conf;
      this.options = options;
      this.parser = new RecordParser(actions, options.maxRecordBytes());
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty()) {
        if (files.hasNext()) {
          readFile(files.next());
        } else if (!countsEmitted) {
          countsEmitted = true;
          side(new Object[] {utf8("counts"), null, null, null, null, null, null, null, filesRead,
              filesQuarantined, recordsRead, recordsParsed, recordsQuarantined, compressed, uncompressed});
        } else {
          return false;
        }
      }
      return true;
    }

    @Override
    public Tuple2<String, InternalRow> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    private void readFile(LogObject file) {
      source = UTF8String.fromString(file.path());
      sourceHash = pathHash(file.path());
      recordIndexForKey = 0;
      filesRead++;
      compressed += file.size();
      int length;
      try {
        length = load(file);
      } catch (FileProblem e) {
        filesQuarantined++;
        quarantine(new RecordParser.Problem(RecordParser.Problem.FILE, -1, -1, e.getMessage(), null, e.excerpt));
        return;
      } catch (IOException e) {
        // Listing saw it, reading failed: a storage error, not bad data. Fail the task; Spark retries.
        throw new java.io.UncheckedIOException("Cannot read trail object " + file.path() + ": " + e.getMessage(), e);
      }
      uncompressed += length;
      RecordParser.FileCounts c = parser.parse(data, length, file.path(), this);
      recordsRead += c.recordsRead();
      recordsParsed += c.recordsKept();
      recordsQuarantined += c.recordsQuarantined();
      if (c.fileProblem()) {
        filesQuarantined++;
      }
    }

    /** Reads and, when gzip, inflates one object into {@link #data}; returns its length. */
    private int load(LogObject file) throws IOException {
      Path path = new Path(file.path());
      byte[] raw;
      try (FSDataInputStream in = path.getFileSystem(conf).open(path)) {
        raw = readAll(in, file.size(), options.maxFileBytes(), file.path());
      }
      if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
          return inflate(in, raw);
        } catch (ZipException | java.io.EOFException e) {
          throw new FileProblem("corrupt gzip: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
              "");
        }
      }
      if (data.length < raw.length) {
        data = new byte[raw.length];
      }
      System.arraycopy(raw, 0, data, 0, raw.length);
      return raw.length;
    }

    private int inflate(InputStream in, byte[] raw) throws IOException {
      int len = 0;
      while (true) {
        if (len == data.length) {
          if (data.length >= options.maxFileBytes()) {
            throw new FileProblem("decompressed size is over the limit of " + options.maxFileBytes() + " bytes", "");
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

    private static byte[] readAll(FSDataInputStream in, long size, long max, String path) throws IOException {
      if (size > max) {
        throw new FileProblem("object of " + size + " bytes is over the limit of " + max + " bytes", "");
      }
      byte[] b = new byte[(int) size];
      int off = 0;
      while (off < b.length) {
        int r = in.read(b, off, b.length - off);
        if (r < 0) {
          throw new IOException("object ended after " + off + " of " + size + " listed bytes: " + path);
        }
        off += r;
      }
      return b;
    }

    @Override
    public void event(InternalRow row) {
      UTF8String id = row.getUTF8String(I_EVENT_ID);
      InternalRow addendum = row.isNullAt(I_ADDENDUM) ? null : row.getStruct(I_ADDENDUM, 4);
      boolean updated = addendum != null && !addendum.isNullAt(0)
          && "UPDATED_DATA".equals(addendum.getUTF8String(0).toString());
      // Updated data sorts first, then by file and position, so the kept copy does not depend on how
      // files were packed into tasks. The file is keyed by a hash of its path to keep keys short.
      keyBuilder.setLength(0);
      keyBuilder.append(id.toString()).append('\u0000').append(updated ? '0' : '1');
      appendHex(keyBuilder, sourceHash, 16);
      appendHex(keyBuilder, recordIndexForKey++, 8);
      ready.add(new Tuple2<>(keyBuilder.toString(), eventProjection.apply(row).copy()));
    }

    @Override
    public void quarantine(RecordParser.Problem p) {
      side(new Object[] {utf8("quarantine"), source, utf8(p.scope()),
          p.recordIndex() < 0 ? null : p.recordIndex(), p.byteOffset() < 0 ? null : p.byteOffset(),
          utf8(p.reason()), utf8(p.eventId()), utf8(p.excerpt()), null, null, null, null, null, null, null});
    }

    private void side(Object[] values) {
      ready.add(new Tuple2<>(SIDE_KEY, sideProjection.apply(new GenericInternalRow(values)).copy()));
    }

    private static UTF8String utf8(String s) {
      return s == null ? null : UTF8String.fromString(s);
    }

    /** FNV-1a over the path's chars: stable across JVMs and runs, unlike identity hashes. */
    private static long pathHash(String path) {
      long h = 0xcbf29ce484222325L;
      for (int i = 0; i < path.length(); i++) {
        h = (h ^ path.charAt(i)) * 0x100000001b3L;
      }
      return h;
    }

    private static void appendHex(StringBuilder sb, long v, int digits) {
      for (int i = digits - 1; i >= 0; i--) {
        sb.append(Character.forDigit((int) ((v >>> (4 * i)) & 0xf), 16));
      }
    }
  }

  /** A file that is readable storage-wise but cannot be used: quarantined, not retried. */
  private static final class FileProblem extends IOException {
    final String excerpt;

    FileProblem(String message, String excerpt) {
      super(message);
      this.excerpt = excerpt;
    }
  }
}
