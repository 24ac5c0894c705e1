package io.ebaudit.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
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

  /** Creates the folder {@code uri} and its parents (nothing when it exists). */
  public static void mkdirs(Configuration conf, String uri) {
    Path p = new Path(uri);
    try {
      p.getFileSystem(conf).mkdirs(p);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the folder " + uri + ": " + e.getMessage(), e);
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

  /**
   * The input files {@code paths} name, qualified, each once, in the order given: a file as it is, a
   * folder as every file below it ending in {@code suffix} (any when null), sorted, skipping Hadoop's
   * hidden names ({@code .x}, {@code _x}). Mistakes fail on the driver: {@code Cannot read <what> …}.
   */
  public static List<String> inputFiles(Configuration conf, List<String> paths, String what, String suffix) {
    if (paths == null || paths.isEmpty()) {
      throw new IllegalArgumentException("Cannot read " + what + ": no path given, got none");
    }
    Set<String> out = new LinkedHashSet<>();
    for (String uri : paths) {
      if (uri == null || uri.isBlank()) {
        throw new IllegalArgumentException("Cannot read " + what + ": empty path, got '" + uri + "'");
      }
      Path p = new Path(uri);
      try {
        FileSystem fs = p.getFileSystem(conf);
        FileStatus st = fs.getFileStatus(p);
        if (st.isFile()) {
          out.add(st.getPath().toString());
          continue;
        }
        TreeSet<String> found = new TreeSet<>();
        int others = 0;
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(st.getPath(), true);
        while (it.hasNext()) {
          LocatedFileStatus f = it.next();
          if (!f.isFile() || hidden(st.getPath(), f.getPath())) {
            continue;
          }
          if (suffix == null || f.getPath().getName().toLowerCase(Locale.ROOT).endsWith(suffix)) {
            found.add(f.getPath().toString());
          } else {
            others++;
          }
        }
        if (found.isEmpty()) {
          throw new IllegalArgumentException("Cannot read " + what + " " + uri + ": no " + (suffix == null ? "" : suffix + " ")
              + "file in the folder, got " + others + " other file" + (others == 1 ? "" : "s"));
        }
        out.addAll(found);
      } catch (FileNotFoundException e) {
        throw new IllegalArgumentException("Cannot read " + what + " " + uri + ": no such file or folder, got " + uri);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + what + " " + uri + ": " + e.getMessage(), e);
      }
    }
    return new ArrayList<>(out);
  }

  /** A name starting with '.' or '_' (Hadoop's hidden files) below the folder that was named. */
  private static boolean hidden(Path root, Path file) {
    for (Path p = file; p != null && !p.equals(root) && !p.isRoot(); p = p.getParent()) {
      String n = p.getName();
      if (n.startsWith(".") || n.startsWith("_")) {
        return true;
      }
    }
    return false;
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
