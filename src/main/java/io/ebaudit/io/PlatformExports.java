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

  static List<String> files(Configuration conf, List<String> paths) {
    return io.ebaudit.io.Storage.inputFiles(conf, paths, "platforms", ".json");
  }
}
