package io.ebaudit.io;

import io.ebaudit.platforms.PlatformCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Reads a platform catalog from exports of {@code list-platform-versions}, {@code list-platform-branches}
 * and {@code describe-platform-version} (see {@link PlatformCatalog#parse}): files, or folders whose
 * {@code .json} files are read (recursively, sorted; names starting with {@code .} or {@code _} ignored),
 * local or on any Hadoop file system ({@code s3a://}). Fails on the driver with
 * {@code IllegalArgumentException("Cannot read platforms <path>: <reason>, got <what>")}.
 */
public final class PlatformExports {
  private PlatformExports() {}

  public static PlatformCatalog read(Configuration conf, List<String> paths) {
    List<String> docs = new ArrayList<>();
    for (String file : files(conf, paths)) {
      String text = Storage.readText(conf, file, "platforms");
      try {
        docs.add(text);
        PlatformCatalog.parse(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Cannot read platforms " + file + ": " + e.getMessage()
            + ", got " + text.length() + " characters", e);
      }
    }
    return PlatformCatalog.parse(docs.toArray(new String[0]));
  }

  /** The files the paths name, qualified, each once, in the order given (folders sorted). */
  static List<String> files(Configuration conf, List<String> paths) {
    Set<String> out = new LinkedHashSet<>();
    for (String uri : paths) {
      if (uri == null || uri.isBlank()) {
        throw new IllegalArgumentException("Cannot read platforms: empty path, got '" + uri + "'");
      }
      Path p = new Path(uri);
      try {
        FileSystem fs = p.getFileSystem(conf);
        FileStatus st;
        try {
          st = fs.getFileStatus(p);
        } catch (java.io.FileNotFoundException e) {
          throw new IllegalArgumentException("Cannot read platforms " + uri + ": no such file or folder, got none");
        }
        if (st.isFile()) {
          out.add(st.getPath().toString());
          continue;
        }
        TreeSet<String> found = new TreeSet<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(st.getPath(), true);
        while (it.hasNext()) {
          LocatedFileStatus f = it.next();
          String name = f.getPath().getName();
          if (f.isFile() && !name.startsWith(".") && !name.startsWith("_")
              && name.toLowerCase(Locale.ROOT).endsWith(".json")) {
            found.add(f.getPath().toString());
          }
        }
        if (found.isEmpty()) {
          throw new IllegalArgumentException("Cannot read platforms " + uri + ": no .json file in the folder, got none");
        }
        out.addAll(found);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read platforms " + uri + ": " + e.getMessage(), e);
      }
    }
    return new ArrayList<>(out);
  }
}
