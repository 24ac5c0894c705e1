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

  /**
   * The catalog of the exports under {@code paths}. AWS's exports carry no date: the catalog is then dated
   * by the oldest export file's modification time, so the output can say how old the data is; nor retirement
   * dates: branches the shipped reference catalog dates take its dates.
   */
  public static PlatformCatalog read(Configuration conf, List<String> paths) {
    List<String> docs = new ArrayList<>();
    long oldest = Long.MAX_VALUE;
    for (String file : files(conf, paths)) {
      oldest = Math.min(oldest, modified(conf, file));
      String text = Storage.readText(conf, file, "platforms");
      try {
        docs.add(text);
        PlatformCatalog.parse(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Cannot read platforms " + file + ": " + e.getMessage()
            + ", got " + text.length() + " characters", e);
      }
    }
    java.time.LocalDate written = oldest == Long.MAX_VALUE || oldest <= 0 ? null
        : java.time.Instant.ofEpochMilli(oldest).atZone(java.time.ZoneOffset.UTC).toLocalDate();
    return PlatformCatalog.parse(docs.toArray(new String[0])).withAsOfIfUnknown(written, "dated by file time")
        .withRetirementDatesFrom(PlatformCatalog.reference());
  }

  private static long modified(Configuration conf, String file) {
    Path p = new Path(file);
    try {
      return p.getFileSystem(conf).getFileStatus(p).getModificationTime();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read platforms " + file + ": " + e.getMessage(), e);
    }
  }

  static List<String> files(Configuration conf, List<String> paths) {
    return io.ebaudit.io.Storage.inputFiles(conf, paths, "platforms", ".json");
  }
}
