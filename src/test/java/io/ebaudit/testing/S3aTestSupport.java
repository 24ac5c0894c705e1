package io.ebaudit.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Wires Hadoop's s3a client (and Spark) to an {@link S3ProxyServer}, and fills buckets. */
public final class S3aTestSupport {

  private S3aTestSupport() {}

  /** Sets the server's s3a settings on {@code conf}; returns it. */
  public static Configuration configure(Configuration conf, S3ProxyServer server) {
    for (Map.Entry<String, String> e : server.s3aSettings().entrySet()) {
      conf.set(e.getKey(), e.getValue(), "S3ProxyServer");
    }
    return conf;
  }

  /** A fresh Hadoop configuration (with the usual defaults) that talks s3a to {@code server}. */
  public static Configuration hadoopConf(S3ProxyServer server) {
    return configure(new Configuration(), server);
  }

  /**
   * Sets the server's s3a settings on the session's Hadoop configuration; returns the session.
   *
   * <p>Hadoop caches {@code FileSystem}s per scheme, bucket and user, so settings must be in place
   * before the first s3a access to a bucket; since every caller applies the same settings of the
   * same shared server, the cached instance is right whoever created it.
   */
  public static SparkSession configure(SparkSession spark, S3ProxyServer server) {
    configure(spark.sparkContext().hadoopConfiguration(), server);
    return spark;
  }

  /** {@code s3a://bucket/} or {@code s3a://bucket/key}. */
  public static String s3aUri(String bucket, String key) {
    String k = key == null ? "" : key.replaceFirst("^/+", "");
    return "s3a://" + bucket + "/" + k;
  }

  /** The s3a FileSystem of {@code s3aUri}'s bucket (cached by Hadoop; do not close it). */
  public static FileSystem fileSystem(String s3aUri, Configuration conf) {
    try {
      return FileSystem.get(URI.create(s3aUri), conf);
    } catch (IOException e) {
      throw new UncheckedIOException("s3a file system for " + s3aUri, e);
    }
  }

  /**
   * Uploads every regular file under {@code localDir} to {@code s3aPrefix} (e.g.
   * {@code s3a://bucket/some/prefix/}), keeping relative paths as keys. Empty directories are
   * skipped (S3 has none). Returns the uploaded keys' s3a paths, sorted.
   */
  public static List<Path> upload(java.nio.file.Path localDir, String s3aPrefix, Configuration conf) {
    Path base = new Path(s3aPrefix.endsWith("/") ? s3aPrefix : s3aPrefix + "/");
    FileSystem fs = fileSystem(s3aPrefix, conf);
    try (Stream<java.nio.file.Path> files = Files.walk(localDir)) {
      List<java.nio.file.Path> regular =
          files.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
      List<Path> uploaded = new java.util.ArrayList<>();
      for (java.nio.file.Path f : regular) {
        String rel = localDir.relativize(f).toString().replace(java.io.File.separatorChar, '/');
        Path dst = new Path(base, rel);
        try (OutputStream out = fs.create(dst, true)) {
          Files.copy(f, out);
        }
        uploaded.add(dst);
      }
      return uploaded;
    } catch (IOException e) {
      throw new UncheckedIOException("upload " + localDir + " to " + s3aPrefix, e);
    }
  }
}
