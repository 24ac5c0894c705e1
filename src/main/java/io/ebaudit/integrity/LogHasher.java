package io.ebaudit.integrity;

import io.ebaudit.trail.TrailDiscovery.LogObject;
import io.ebaudit.trail.TrailReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

/**
 * SHA-256 of the uncompressed content of log files that the reader did not read in this run (an
 * incremental run reads only new files, and may not have the hash of an older one): rows of
 * {@link TrailReader#HASHES}. A file that is not gzip-readable gets a {@code problem} instead.
 */
public final class LogHasher {
  private LogHasher() {}

  /** A file over this is not hashed (the reader's default limit). */
  static final long MAX_BYTES = 256L << 20;

  public static Dataset<Row> hash(SparkSession spark, List<LogObject> files) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableConfiguration> conf =
        jsc.broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
    int slices = Math.max(1, Math.min(files.size(), 4 * spark.sparkContext().defaultParallelism()));
    return spark.createDataFrame(jsc.parallelize(new ArrayList<>(files), slices).mapPartitions(new Hash(conf)),
        TrailReader.HASHES);
  }

  private static final class Hash implements FlatMapFunction<Iterator<LogObject>, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<SerializableConfiguration> conf;

    Hash(Broadcast<SerializableConfiguration> conf) {
      this.conf = conf;
    }

    @Override
    public Iterator<Row> call(Iterator<LogObject> files) {
      Configuration c = conf.value().value();
      List<Row> out = new ArrayList<>();
      while (files.hasNext()) {
        LogObject f = files.next();
        if (f.size() > MAX_BYTES) {
          out.add(RowFactory.create(f.path(), f.size(), null, "object of " + f.size() + " bytes is over the limit of "
              + MAX_BYTES + " bytes"));
          continue;
        }
        byte[] raw;
        try {
          raw = DigestFiles.readAll(c, f.path());
        } catch (FileNotFoundException e) {
          out.add(RowFactory.create(f.path(), f.size(), null, "gone since it was listed"));
          continue;
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot read trail object " + f.path() + ": " + e.getMessage(), e);
        }
        try {
          out.add(RowFactory.create(f.path(), f.size(), DigestFiles.sha256(DigestFiles.gunzip(raw)), null));
        } catch (IOException e) {
          out.add(RowFactory.create(f.path(), f.size(), null, "corrupt gzip: " + e.getMessage()));
        }
      }
      return out.iterator();
    }
  }
}
