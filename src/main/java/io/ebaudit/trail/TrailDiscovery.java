package io.ebaudit.trail;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Finds the CloudTrail log objects under one or more roots, local or {@code s3a://}, without ever
 * listing a bucket recursively.
 *
 * <p>A root may be the bucket or any prefix above {@code AWSLogs/}, {@code AWSLogs/} itself, or a
 * folder inside the layout (an account, a region, a day). Standard ({@code AWSLogs/<acct>/CloudTrail/…})
 * and organization ({@code AWSLogs/<o-id>/<acct>/CloudTrail/…}) layouts are walked level by level, and
 * with a date range each account × region × day prefix is listed directly, in parallel. Digests,
 * Insights and the Config writability check are counted as skipped, never read. A root with no
 * {@code AWSLogs/} below it (a tool export, a folder of JSON lines) is read as plain files.
 */
public final class TrailDiscovery {

  /** What to list: optional account, region and inclusive date filters (null = all). */
  public record Filter(Set<String> accounts, Set<String> regions, LocalDate from, LocalDate to) {
    public static Filter all() {
      return new Filter(Set.of(), Set.of(), null, null);
    }

    boolean account(String a) {
      return accounts.isEmpty() || accounts.contains(a);
    }

    boolean region(String r) {
      return regions.isEmpty() || regions.contains(r);
    }
  }

  /**
   * The log objects to read, and what was passed over, by reason. {@code digests} holds the
   * {@code CloudTrail-Digest/} objects when the discovery was asked to keep them ({@link #keepDigests}),
   * else it is empty; they are counted as skipped either way. With a date window the day after it is
   * listed for digests too (the first digest after midnight lists the last files of the window's last
   * day); those are in {@code digests} but not in the counts.
   */
  public record Result(List<LogObject> logs, Map<String, Long> skippedByReason, long prefixesListed,
      List<LogObject> digests) {
    public Result(List<LogObject> logs, Map<String, Long> skippedByReason, long prefixesListed) {
      this(logs, skippedByReason, prefixesListed, List.of());
    }

    public long filesSkipped() {
      return skippedByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    public long filesListed() {
      return logs.size() + filesSkipped();
    }
  }

  /**
   * One object to read. A class, not a record: Spark's Kryo cannot build records, and bins of these
   * travel to the tasks as data.
   */
  public static final class LogObject implements java.io.Serializable {
    // The folder is shared by every object listed in it: a week of a large organization is millions of
    // objects, and the driver holds them all (measured: 247 bytes an object with whole paths).
    private final String dir;
    private final String name;
    private final long size;
    // Last-Modified on S3: an overwritten object always gets a new one (the incremental manifest's key).
    private final long modified;

    public LogObject(String path, long size) {
      this(path, size, 0L);
    }

    public LogObject(String path, long size, long modified) {
      int slash = path.lastIndexOf('/');
      this.dir = slash < 0 ? "" : path.substring(0, slash);
      this.name = slash < 0 ? path : path.substring(slash + 1);
      this.size = size;
      this.modified = modified;
    }

    LogObject(String dir, String name, long size, long modified) {
      this.dir = dir;
      this.name = name;
      this.size = size;
      this.modified = modified;
    }

    public String path() {
      return dir.isEmpty() ? name : dir + "/" + name;
    }

    public String name() {
      return name;
    }

    public long size() {
      return size;
    }

    /** The object's modification time (epoch millis), 0 when unknown. */
    public long modified() {
      return modified;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof LogObject l && l.dir.equals(dir) && l.name.equals(name) && l.size == size
          && l.modified == modified;
    }

    @Override
    public int hashCode() {
      return name.hashCode();
    }

    @Override
    public String toString() {
      return path() + " (" + size + " bytes)";
    }
  }

  public static final String SKIP_DIGEST = "digest";
  public static final String SKIP_INSIGHT = "insight";
  public static final String SKIP_CONFIG_CHECK = "config_writability_check";
  public static final String SKIP_NOT_LOG = "not_a_log_file";
  public static final String SKIP_EMPTY = "empty_object";

  private final Configuration conf;
  private final Filter filter;
  private final int threads;
  private final PrintStream progress;

  private final ConcurrentLinkedQueue<LogObject> logs = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<LogObject> digests = new ConcurrentLinkedQueue<>();
  private volatile boolean keepDigests;
  private final Map<String, AtomicLong> skipped = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicLong prefixes = new AtomicLong();
  private final Map<String, String> dirs = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile long lastReport = System.nanoTime();

  public TrailDiscovery(Configuration conf, Filter filter, int threads, PrintStream progress) {
    this.conf = conf;
    this.filter = filter;
    this.threads = Math.max(1, threads);
    this.progress = progress;
  }

  /** Also keep the digest objects listed (for log file integrity checks) in {@link Result#digests()}. */
  public TrailDiscovery keepDigests() {
    this.keepDigests = true;
    return this;
  }

  /**
   * Lists every root. Config mistakes (a missing root, access denied) throw
   * {@link IllegalArgumentException} with a one-line reason; transient I/O errors propagate.
   */
  public Result discover(List<String> roots) {
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "ebaudit-listing");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> work = Collections.synchronizedList(new ArrayList<>());
      for (String root : roots) {
        discoverRoot(root, pool, work);
      }
      // Tasks add tasks; a task is always added before the one that added it completes.
      for (int i = 0; i < work.size(); i++) {
        await(work.get(i));
      }
    } finally {
      pool.shutdownNow();
    }
    List<LogObject> sorted = new ArrayList<>(logs);
    sorted.sort((a, b) -> a.path().compareTo(b.path()));
    Map<String, Long> skippedCounts = new TreeMap<>();
    skipped.forEach((k, v) -> skippedCounts.put(k, v.get()));
    report(true);
    List<LogObject> digestList = new ArrayList<>(digests);
    digestList.sort((a, b) -> a.path().compareTo(b.path()));
    return new Result(Collections.unmodifiableList(sorted), skippedCounts, prefixes.get(),
        Collections.unmodifiableList(digestList));
  }

  private void discoverRoot(String root, ExecutorService pool, List<Future<?>> work) {
    Path path = new Path(root);
    FileSystem fs;
    FileStatus status;
    try {
      fs = path.getFileSystem(conf);
      status = fs.getFileStatus(path);
    } catch (org.apache.hadoop.fs.UnsupportedFileSystemException e) {
      // EMR answers s3:// with EMRFS; elsewhere only s3a:// (hadoop-aws) is there.
      throw new IllegalArgumentException("Cannot read trail " + root + ": no file system for the scheme \""
          + path.toUri().getScheme() + "\" here (use s3a:// outside EMR), got " + root);
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("Cannot read trail " + root + ": no such file or folder, got " + root);
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException("Cannot read trail " + root + ": access denied (403), got " + root);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read trail " + root + ": " + e.getMessage(), e);
    }
    if (status.isFile()) {
      classifyPlain(status);
      return;
    }
    Path q = fs.makeQualified(path);
    List<String> segments = segments(q);
    int awsLogs = segments.lastIndexOf("AWSLogs");
    if (awsLogs >= 0) {
      walkInside(fs, q, segments.subList(awsLogs + 1, segments.size()), pool, work);
    } else {
      List<Path> found = findAwsLogs(fs, q, 3);
      if (found.isEmpty()) {
        submit(pool, work, () -> walkPlain(fs, q));
      }
      for (Path awsLogsDir : found) {
        submit(pool, work, () -> walkAwsLogs(fs, awsLogsDir, pool, work));
      }
    }
  }

  /**
   * The {@code AWSLogs/} folders at most {@code depth} levels below {@code dir} (a bucket with a trail
   * prefix, or several trails side by side), looking only at folder names, never inside a layout.
   */
  private List<Path> findAwsLogs(FileSystem fs, Path dir, int depth) {
    List<Path> out = new ArrayList<>();
    List<Path> level = List.of(dir);
    for (int d = 0; d < depth && !level.isEmpty() && out.isEmpty(); d++) {
      List<Path> next = new ArrayList<>();
      for (Path p : level) {
        for (FileStatus child : list(fs, p)) {
          if (!child.isDirectory()) {
            continue;
          }
          if (child.getPath().getName().equals("AWSLogs")) {
            out.add(child.getPath());
          } else {
            next.add(child.getPath());
          }
        }
      }
      level = next.size() > 1000 ? List.of() : next; // a large plain tree: stop looking, read it plainly
    }
    return out;
  }

  /** A root inside the layout: work out which level it is from the segments after AWSLogs. */
  private void walkInside(FileSystem fs, Path root, List<String> after, ExecutorService pool, List<Future<?>> work) {
    if (after.isEmpty()) {
      submit(pool, work, () -> walkAwsLogs(fs, root, pool, work));
      return;
    }
    boolean org = after.get(0).startsWith("o-");
    if (org && after.size() == 1) {
      submit(pool, work, () -> walkAccounts(fs, root, pool, work));
      return;
    }
    int i = org ? 1 : 0;
    String account = after.get(i);
    if (!filter.account(account)) {
      return;
    }
    if (after.size() == i + 1) {
      submit(pool, work, () -> walkAccount(fs, root, pool, work));
      return;
    }
    String service = after.get(i + 1);
    String reason = serviceSkipReason(service);
    if (after.size() == i + 2) {
      submit(pool, work, () -> walkService(fs, root, reason, pool, work));
      return;
    }
    String region = after.get(i + 2);
    if (!filter.region(region)) {
      return;
    }
    if (after.size() == i + 3) {
      submit(pool, work, () -> walkRegion(fs, root, reason, pool, work));
      return;
    }
    // Inside a year, month or day: list what is there, still honouring the date filter.
    submit(pool, work, () -> walkDates(fs, root, after.subList(i + 3, after.size()), reason, pool, work));
  }

  private void walkAwsLogs(FileSystem fs, Path awsLogs, ExecutorService pool, List<Future<?>> work) {
    for (FileStatus child : list(fs, awsLogs)) {
      String name = child.getPath().getName();
      if (child.isFile()) {
        skip(SKIP_NOT_LOG);
      } else if (name.startsWith("o-")) {
        submit(pool, work, () -> walkAccounts(fs, child.getPath(), pool, work));
      } else if (filter.account(name)) {
        submit(pool, work, () -> walkAccount(fs, child.getPath(), pool, work));
      }
    }
  }

  private void walkAccounts(FileSystem fs, Path org, ExecutorService pool, List<Future<?>> work) {
    for (FileStatus child : list(fs, org)) {
      if (child.isFile()) {
        skip(SKIP_NOT_LOG);
      } else if (filter.account(child.getPath().getName())) {
        submit(pool, work, () -> walkAccount(fs, child.getPath(), pool, work));
      }
    }
  }

  private void walkAccount(FileSystem fs, Path account, ExecutorService pool, List<Future<?>> work) {
    for (FileStatus child : list(fs, account)) {
      String name = child.getPath().getName();
      if (child.isFile()) {
        classifySkippedOnly(child);
        continue;
      }
      switch (name) {
        case "CloudTrail", "CloudTrail-Digest", "CloudTrail-Insight" -> {
          String reason = serviceSkipReason(name);
          submit(pool, work, () -> walkService(fs, child.getPath(), reason, pool, work));
        }
        case "Config" -> {
          // Only the writability check is ours to account for; Config's own history is not a trail.
          for (FileStatus f : list(fs, child.getPath())) {
            if (f.isFile()) {
              classifySkippedOnly(f);
            }
          }
        }
        default -> {
          // Other services' folders in a shared bucket (e.g. vpcflowlogs) are not listed at all.
        }
      }
    }
  }

  private void walkService(FileSystem fs, Path service, String reason, ExecutorService pool, List<Future<?>> work) {
    for (FileStatus child : list(fs, service)) {
      if (child.isFile()) {
        classifySkippedOnly(child);
      } else if (filter.region(child.getPath().getName())) {
        submit(pool, work, () -> walkRegion(fs, child.getPath(), reason, pool, work));
      }
    }
  }

  private void walkRegion(FileSystem fs, Path region, String reason, ExecutorService pool, List<Future<?>> work) {
    if (filter.from() != null) {
      // Never list more than the window: one prefix per day, straight to it.
      for (LocalDate d = filter.from(); !d.isAfter(filter.to()); d = d.plusDays(1)) {
        Path day = new Path(region, dayPath(d));
        submit(pool, work, () -> listDay(fs, day, reason));
      }
      if (keepDigests && SKIP_DIGEST.equals(reason)) {
        Path after = new Path(region, dayPath(filter.to().plusDays(1)));
        submit(pool, work, () -> listDigestsOnly(fs, after));
      }
      return;
    }
    walkDates(fs, region, List.of(), reason, pool, work);
  }

  /** Walks YYYY/MM/DD folders below {@code at}, which is {@code parts} (0–3 of them) below the region. */
  private void walkDates(FileSystem fs, Path at, List<String> parts, String reason, ExecutorService pool,
      List<Future<?>> work) {
    if (parts.size() >= 3) {
      if (inWindow(parts)) {
        listDay(fs, at, reason);
      }
      return;
    }
    for (FileStatus child : list(fs, at)) {
      if (child.isFile()) {
        classifySkippedOnly(child);
        continue;
      }
      List<String> next = new ArrayList<>(parts);
      next.add(child.getPath().getName());
      if (couldBeInWindow(next)) {
        submit(pool, work, () -> walkDates(fs, child.getPath(), next, reason, pool, work));
      }
    }
  }

  private static String dayPath(LocalDate d) {
    return String.format("%04d/%02d/%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth());
  }

  /** The day after the window: its digests are kept, not counted (nothing else there is read). */
  private void listDigestsOnly(FileSystem fs, Path day) {
    FileStatus[] files;
    try {
      files = fs.listStatus(day);
    } catch (FileNotFoundException e) {
      return;
    } catch (IOException e) {
      throw failure(day, e);
    }
    prefixes.incrementAndGet();
    for (FileStatus f : files) {
      if (f.isFile() && f.getLen() > 0) {
        digests.add(object(f));
      }
    }
  }

  private LogObject object(FileStatus f) {
    String dir = f.getPath().getParent().toString();
    return new LogObject(dirs.computeIfAbsent(dir, d -> d), f.getPath().getName(), f.getLen(), f.getModificationTime());
  }

  private void listDay(FileSystem fs, Path day, String reason) {
    FileStatus[] files;
    try {
      files = fs.listStatus(day);
    } catch (FileNotFoundException e) {
      prefixes.incrementAndGet();
      return; // no delivery that day: normal
    } catch (IOException e) {
      throw failure(day, e);
    }
    prefixes.incrementAndGet();
    for (FileStatus f : files) {
      if (f.isDirectory()) {
        continue;
      }
      if (reason != null) {
        skip(reason);
        if (keepDigests && SKIP_DIGEST.equals(reason) && f.getLen() > 0) {
          digests.add(object(f));
        }
      } else {
        classifyLog(f);
      }
    }
    report(false);
  }

  private void walkPlain(FileSystem fs, Path root) {
    try {
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
      while (it.hasNext()) {
        classifyPlain(it.next());
      }
    } catch (IOException e) {
      throw failure(root, e);
    }
    prefixes.incrementAndGet();
  }

  // ---- classification ----

  private void classifyPlain(FileStatus f) {
    String p = f.getPath().toString();
    if (p.contains("/CloudTrail-Digest/") || p.contains("_CloudTrail-Digest_")) {
      skip(SKIP_DIGEST);
      if (keepDigests && f.getLen() > 0) {
        digests.add(object(f));
      }
    } else if (p.contains("/CloudTrail-Insight/")) {
      skip(SKIP_INSIGHT);
    } else {
      classifyLog(f);
    }
  }

  private void classifyLog(FileStatus f) {
    String name = f.getPath().getName();
    if (name.equals("ConfigWritabilityCheckFile")) {
      skip(SKIP_CONFIG_CHECK);
    } else if (!isLogName(name)) {
      skip(SKIP_NOT_LOG);
    } else if (f.getLen() == 0) {
      skip(SKIP_EMPTY);
    } else {
      logs.add(object(f));
    }
  }

  private void classifySkippedOnly(FileStatus f) {
    skip(f.getPath().getName().equals("ConfigWritabilityCheckFile") ? SKIP_CONFIG_CHECK : SKIP_NOT_LOG);
  }

  static boolean isLogName(String name) {
    String n = name.toLowerCase(java.util.Locale.ROOT);
    return n.endsWith(".json.gz") || n.endsWith(".json") || n.endsWith(".jsonl") || n.endsWith(".jsonl.gz")
        || n.endsWith(".ndjson") || n.endsWith(".ndjson.gz");
  }

  private static String serviceSkipReason(String service) {
    return switch (service) {
      case "CloudTrail-Digest" -> SKIP_DIGEST;
      case "CloudTrail-Insight" -> SKIP_INSIGHT;
      default -> null;
    };
  }

  // ---- dates ----

  private boolean inWindow(List<String> ymd) {
    LocalDate d = date(ymd);
    if (d == null) {
      return false;
    }
    return filter.from() == null || (!d.isBefore(filter.from()) && !d.isAfter(filter.to()));
  }

  private boolean couldBeInWindow(List<String> parts) {
    if (filter.from() == null) {
      return true;
    }
    try {
      int y = Integer.parseInt(parts.get(0));
      if (parts.size() == 1) {
        return y >= filter.from().getYear() && y <= filter.to().getYear();
      }
      int m = Integer.parseInt(parts.get(1));
      LocalDate first = LocalDate.of(y, m, 1);
      return !first.isAfter(filter.to()) && !first.plusMonths(1).minusDays(1).isBefore(filter.from());
    } catch (RuntimeException e) {
      return false; // not a date folder
    }
  }

  private static LocalDate date(List<String> ymd) {
    try {
      return LocalDate.of(Integer.parseInt(ymd.get(0)), Integer.parseInt(ymd.get(1)), Integer.parseInt(ymd.get(2)));
    } catch (RuntimeException e) {
      return null;
    }
  }

  // ---- plumbing ----

  private List<FileStatus> list(FileSystem fs, Path p) {
    try {
      FileStatus[] s = fs.listStatus(p);
      prefixes.incrementAndGet();
      return List.of(s);
    } catch (FileNotFoundException e) {
      return List.of();
    } catch (IOException e) {
      throw failure(p, e);
    }
  }

  private static RuntimeException failure(Path p, IOException e) {
    if (e instanceof AccessDeniedException) {
      return new IllegalArgumentException("Cannot read trail " + p + ": access denied (403) on listing, got " + p);
    }
    return new UncheckedIOException("Cannot read trail " + p + ": " + e.getMessage(), e);
  }

  private static List<String> segments(Path p) {
    List<String> out = new ArrayList<>();
    for (Path q = p; q != null && !q.isRoot() && !q.getName().isEmpty(); q = q.getParent()) {
      out.add(0, q.getName());
    }
    return out;
  }

  private void skip(String reason) {
    skipped.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
  }

  private static void submit(ExecutorService pool, List<Future<?>> work, Runnable task) {
    work.add(pool.submit(task));
  }

  private static void await(Future<?> f) {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Cannot list trail: interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private void report(boolean last) {
    if (progress == null) {
      return;
    }
    long now = System.nanoTime();
    if (last || now - lastReport > 5_000_000_000L) {
      lastReport = now;
      long sk = skipped.values().stream().mapToLong(AtomicLong::get).sum();
      progress.printf("ebaudit: listed %d prefixes: %d log files, %d skipped%s%n",
          prefixes.get(), logs.size(), sk, last ? " (done)" : "");
    }
  }
}
