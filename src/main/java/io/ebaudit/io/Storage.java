package io.ebaudit.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Small whole-file reads and writes on any Hadoop file system: local paths, {@code file:}, {@code s3a:}. */
public final class Storage {
  private Storage() {}

  public static String readText(Configuration conf, String uri, String what) {
    Path p = new Path(uri);
    try (InputStream in = p.getFileSystem(conf).open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("Cannot read " + what + ": no such file, got " + uri);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + what + " " + uri + ": " + e.getMessage(), e);
    }
  }

  public static void writeText(Configuration conf, String uri, String text) {
    Path p = new Path(uri);
    try (FSDataOutputStream out = p.getFileSystem(conf).create(p, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + uri + ": " + e.getMessage(), e);
    }
  }

  /** Removes {@code uri} and everything below it, if it exists. */
  public static void delete(Configuration conf, String uri) {
    Path p = new Path(uri);
    try {
      p.getFileSystem(conf).delete(p, true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + uri + ": " + e.getMessage(), e);
    }
  }

  /** Joins a child to a root URI without doubling or losing the slash. */
  public static String child(String root, String name) {
    return root.endsWith("/") ? root + name : root + "/" + name;
  }

  /** Local paths become absolute {@code file:} URIs; others are kept. */
  public static String qualify(Configuration conf, String uri) {
    try {
      Path p = new Path(uri);
      return p.getFileSystem(conf).makeQualified(p).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot resolve " + uri + ": " + e.getMessage(), e);
    }
  }

  public static OutputStream create(Configuration conf, String uri) throws IOException {
    Path p = new Path(uri);
    return p.getFileSystem(conf).create(p, true);
  }
}
