package io.ebaudit.io;

import io.ebaudit.trail.TrailDiscovery.LogObject;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The incremental manifest: which log objects a root's published events already hold, as
 * {@code ROOT/_ebaudit/manifest/day=YYYY-MM-DD/<run-id>.tsv.gz} (the day is the object's delivery folder;
 * {@code day=none} outside the CloudTrail layout), one line per object: size, modification time (S3's
 * Last-Modified: a rewritten object gets a new one), the SHA-256 of its uncompressed content when it was
 * computed ({@code -} otherwise), and the path. A run reads only the days of its window, so the driver holds
 * no more than the objects it lists anyway.
 *
 * <p>Files are only added: a run's entries go in a new file per day, written aside and renamed, after
 * the outputs they describe are committed ({@link Staging#afterCommit}). A day with many files is compacted
 * into one (written before the old ones are removed). A file that cannot be read is skipped with a warning:
 * its objects are read again, which the events merge makes harmless.
 */
public final class Manifest {

  public static final String DIR = "_ebaudit/manifest";
  /** Finds the day folder of a log object's path (groups: year, month, day). */
  public static final Pattern DAY = Pattern.compile("/AWSLogs/(?:o-[^/]+/)?[^/]+/[^/]+/[^/]+/(\\d{4})/(\\d{2})/(\\d{2})/[^/]+$");
  private static final int COMPACT_AFTER = 16;

  /** One object as the manifest keeps it. */
  public record Entry(String path, long size, long modified, String sha256) {}

  private final Map<String, Entry> entries;

  private Manifest(Map<String, Entry> entries) {
    this.entries = entries;
  }

  /** The folder of {@code path}'s day: {@code day=2026-11-20}, or {@code day=none}. */
  public static String dayOf(String path) {
    Matcher m = DAY.matcher(path);
    return m.find() ? "day=" + m.group(1) + "-" + m.group(2) + "-" + m.group(3) : "day=none";
  }

  /** The entries of the days {@code logs} fall on (their delivery folders), from {@code root}'s manifest. */
  public static Manifest read(Configuration conf, String root, Collection<LogObject> logs) {
    TreeSet<String> days = new TreeSet<>();
    for (LogObject o : logs) {
      days.add(dayOf(o.path()));
    }
    Map<String, Entry> all = new HashMap<>();
    Path base = new Path(Storage.child(Storage.qualify(conf, root), DIR));
    try {
      FileSystem fs = base.getFileSystem(conf);
      for (String day : days) {
        FileStatus[] files;
        try {
          files = fs.listStatus(new Path(base, day));
        } catch (FileNotFoundException e) {
          continue;
        }
        for (FileStatus f : files) {
          String name = f.getPath().getName();
          if (!name.endsWith(".tsv.gz") || name.startsWith("_")) {
            continue;
          }
          readInto(fs, f.getPath(), all);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the manifest under " + base + ": " + e.getMessage(), e);
    }
    return new Manifest(all);
  }

  private static void readInto(FileSystem fs, Path file, Map<String, Entry> into) throws IOException {
    Map<String, Entry> mine = new HashMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(fs.open(file)), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split("\t", 4);
        if (f.length != 4) {
          throw new IOException("bad line");
        }
        mine.put(f[3], new Entry(f[3], Long.parseLong(f[0]), Long.parseLong(f[1]), f[2].equals("-") ? null : f[2]));
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("ebaudit: warning: skipping unreadable manifest file " + file + " (" + e.getMessage()
          + "): its objects are read again");
      return;
    }
    into.putAll(mine);
  }

  /** Whether this very object (path, size and modification time) was read before. */
  public boolean contains(LogObject o) {
    Entry e = entries.get(o.path());
    return e != null && e.size() == o.size() && e.modified() == o.modified();
  }

  /** Whether an object at this path was read before, in this version or another. */
  public boolean knowsPath(String path) {
    return entries.containsKey(path);
  }

  /** The objects of {@code logs} not read before, in order. */
  public List<LogObject> newObjects(List<LogObject> logs) {
    List<LogObject> out = new ArrayList<>();
    for (LogObject o : logs) {
      if (!contains(o)) {
        out.add(o);
      }
    }
    return out;
  }

  /** The known hash of this object, if it was computed when it was read. */
  public String sha256(LogObject o) {
    Entry e = entries.get(o.path());
    return e != null && contains(o) ? e.sha256() : null;
  }

  public int size() {
    return entries.size();
  }

  /**
   * Adds {@code objects} (with their hashes, when known) under {@code root}: one new file per day, named
   * after the run, written aside and renamed into place.
   */
  public static void append(Configuration conf, String root, String runId, List<LogObject> objects, Map<String, String> hashes) {
    Map<String, List<LogObject>> byDay = new TreeMap<>();
    for (LogObject o : objects) {
      byDay.computeIfAbsent(dayOf(o.path()), d -> new ArrayList<>()).add(o);
    }
    Path base = new Path(Storage.child(Storage.qualify(conf, root), DIR));
    try {
      FileSystem fs = base.getFileSystem(conf);
      for (Map.Entry<String, List<LogObject>> day : byDay.entrySet()) {
        Path dir = new Path(base, day.getKey());
        List<Entry> entries = new ArrayList<>();
        for (LogObject o : day.getValue()) {
          entries.add(new Entry(o.path(), o.size(), o.modified(), hashes == null ? null : hashes.get(o.path())));
        }
        write(fs, dir, runId, entries);
        compact(fs, dir, runId);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot update the manifest under " + base + " (the outputs are committed; the next"
          + " run reads these objects again): " + e.getMessage(), e);
    }
  }

  private static void write(FileSystem fs, Path dir, String name, Collection<Entry> entries) throws IOException {
    Path tmp = new Path(dir, "_" + name + ".tsv.gz");
    Path target = new Path(dir, name + ".tsv.gz");
    try (Writer w = new OutputStreamWriter(new GZIPOutputStream(fs.create(tmp, true)), StandardCharsets.UTF_8)) {
      for (Entry e : entries) {
        w.write(e.size() + "\t" + e.modified() + "\t" + (e.sha256() == null ? "-" : e.sha256()) + "\t" + e.path() + "\n");
      }
    }
    fs.delete(target, false);
    if (!fs.rename(tmp, target)) {
      throw new IOException("rename of " + tmp + " to " + target + " failed");
    }
  }

  private static void compact(FileSystem fs, Path dir, String runId) throws IOException {
    List<Path> files = new ArrayList<>();
    for (FileStatus f : fs.listStatus(dir)) {
      String n = f.getPath().getName();
      if (n.endsWith(".tsv.gz") && !n.startsWith("_")) {
        files.add(f.getPath());
      }
    }
    if (files.size() <= COMPACT_AFTER) {
      return;
    }
    files.sort((a, b) -> a.getName().compareTo(b.getName()));
    Map<String, Entry> all = new java.util.LinkedHashMap<>();
    for (Path f : files) {
      readInto(fs, f, all); // in name (run) order: later runs win
    }
    String name = runId + "-compacted";
    write(fs, dir, name, all.values());
    for (Path f : files) {
      if (!f.getName().equals(name + ".tsv.gz")) {
        fs.delete(f, false);
      }
    }
  }

  /** The day folders a window of delivery days spans (for tests and tools). */
  static String day(LocalDate d) {
    return "day=" + d;
  }
}
