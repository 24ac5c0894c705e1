package io.ebaudit.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * One run's outputs, written to a staging folder and published with one commit step.
 *
 * <p>A run writes everything under {@code ROOT/_staging/<run-id>/} (Spark and Hadoop skip names
 * starting with {@code _}, so a reader of {@code ROOT/<table>} never sees it), declares what each staged
 * path replaces, and calls {@link #commit}. The commit
 * <ol>
 *   <li>removes the marker {@code ROOT/_commits/<name>.json}: from here on the name is not committed;</li>
 *   <li>moves every declared unit into place: a whole table or file ({@link #replace}), the partition
 *       folders of a table ({@link #replacePartitions}, e.g. one {@code report_date=D}), or new files
 *       added beside the published ones ({@link #addFiles});</li>
 *   <li>writes the marker again (one object: on S3 a single PUT, visible whole or not at all), listing
 *       the units, files and bytes;</li>
 *   <li>runs the {@link #afterCommit} actions (the incremental manifest: updated only once the outputs
 *       it describes are committed), and removes the staging folder.</li>
 * </ol>
 * If anything fails before the marker is written, the units moved so far are taken back out (and, where
 * renames are atomic, the previous version put back); {@link #close()} without a commit removes the
 * staging folder. So a failed run leaves no partial output behind.
 *
 * <p>What a reader sees depends on the file system. Where a folder rename is atomic (local disks, HDFS)
 * each unit is swapped with two renames: a reader sees the old unit, the new one, or for an instant
 * none, never a mix. S3 has no rename: a unit is published by deleting the old objects, then a copy and
 * a delete per object, so during those seconds a reader listing the table could see some of a partition's
 * files. The marker is the commit point there: read through {@link #isCommitted} (ebaudit's readers do),
 * and a partition is complete exactly when its marker exists. S3 is strongly consistent (since December
 * 2020): once the marker is visible, every object it lists is.
 */
public final class Staging implements AutoCloseable {

  public static final String STAGING = "_staging";
  public static final String COMMITS = "_commits";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter RUN_STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  /** File systems whose folder rename is atomic. Object stores (s3a, s3 on EMRFS, gs, …) copy instead. */
  private static final Set<String> ATOMIC_RENAME = Set.of("file", "hdfs", "viewfs");

  enum Mode { REPLACE, REPLACE_PARTITIONS, ADD }

  record Unit(String path, Mode mode) {}

  /** What one commit published. */
  public record Commit(String runId, String marker, List<String> units, long files, long bytes) {}

  /** A test seam: called after each unit is moved into place, with the unit's published path. */
  interface Hook {
    void moved(String published) throws IOException;
  }

  private final Configuration conf;
  private final String root;
  private final String runId;
  private final String dir;
  private final FileSystem fs;
  private final boolean atomicRename;
  private final List<Unit> units = new ArrayList<>();
  private final List<Runnable> afterCommit = new ArrayList<>();
  private Hook hook = p -> {};
  private boolean committed;
  private boolean closed;

  private Staging(Configuration conf, String root, String runId) {
    this.conf = conf;
    this.root = Storage.qualify(conf, root).replaceAll("/+$", "");
    this.runId = runId;
    this.dir = this.root + "/" + STAGING + "/" + runId;
    try {
      this.fs = new Path(this.root).getFileSystem(conf);
      String scheme = fs.getUri().getScheme();
      this.atomicRename = scheme != null && ATOMIC_RENAME.contains(scheme.toLowerCase(Locale.ROOT));
      Path d = new Path(dir);
      if (fs.exists(d)) {
        throw new IllegalArgumentException("Cannot stage run " + runId + ": its staging folder exists already, got " + dir);
      }
      fs.mkdirs(d);
      warnAboutLeftovers();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot stage a run under " + this.root + ": " + e.getMessage(), e);
    }
  }

  /** Opens a staging folder for a new run under {@code root} (local or s3a), with a fresh run id. */
  public static Staging open(Configuration conf, String root) {
    return open(conf, root, newRunId());
  }

  /** As {@link #open(Configuration, String)} with the given run id ({@code [A-Za-z0-9._-]+}). */
  public static Staging open(Configuration conf, String root, String runId) {
    if (runId == null || !runId.matches("[A-Za-z0-9._-]{1,128}")) {
      throw new IllegalArgumentException("Cannot stage a run: the run id must be 1-128 letters, digits, '.', '_' or '-', got " + runId);
    }
    if (root == null || root.isBlank()) {
      throw new IllegalArgumentException("Cannot stage a run: an output root is required, got " + root);
    }
    return new Staging(conf, root, runId);
  }

  /** {@code 20261128T101500Z-3fa9c1}: sortable by start time, unique enough for one output root. */
  public static String newRunId() {
    byte[] r = new byte[3];
    new java.security.SecureRandom().nextBytes(r);
    return RUN_STAMP.format(Instant.now()) + "-" + HexFormat.of().formatHex(r);
  }

  /** The published root (qualified, no trailing slash). */
  public String root() {
    return root;
  }

  public String runId() {
    return runId;
  }

  /** The staging folder: write here what {@link #root()} will hold. */
  public String dir() {
    return dir;
  }

  /** {@code dir()/relative}. */
  public String path(String relative) {
    return dir + "/" + strip(relative);
  }

  /** {@code root()/relative}: where a staged path is published. */
  public String published(String relative) {
    return root + "/" + strip(relative);
  }

  /** The staged {@code relative} (a folder or a file) replaces the published one whole. */
  public synchronized Staging replace(String relative) {
    units.add(new Unit(strip(relative), Mode.REPLACE));
    return this;
  }

  /**
   * Each staged partition folder of {@code table} (a {@code key=value} child, e.g. {@code report_date=D}
   * or {@code event_date=D}) replaces its published twin; other published partitions stay.
   */
  public synchronized Staging replacePartitions(String table) {
    units.add(new Unit(strip(table), Mode.REPLACE_PARTITIONS));
    return this;
  }

  /** The staged files in folder {@code relative} are added to the published folder (same names are replaced). */
  public synchronized Staging addFiles(String relative) {
    units.add(new Unit(strip(relative), Mode.ADD));
    return this;
  }

  /** Every top-level staged entry not declared yet (and not hidden: {@code _x}, {@code .x}) replaces its published twin whole. */
  public synchronized Staging replaceAllStaged() {
    Set<String> declared = new java.util.HashSet<>();
    for (Unit u : units) {
      declared.add(u.path().split("/")[0]);
    }
    try {
      for (FileStatus s : fs.listStatus(new Path(dir))) {
        String name = s.getPath().getName();
        // Hidden names are the run's own scratch (and checksum files), never outputs.
        if (!declared.contains(name) && !name.startsWith("_") && !name.startsWith(".")) {
          units.add(new Unit(name, Mode.REPLACE));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the staging folder " + dir + ": " + e.getMessage(), e);
    }
    return this;
  }

  /** Runs after the marker is written (in order); a failure there leaves the outputs committed. */
  public synchronized Staging afterCommit(Runnable action) {
    afterCommit.add(action);
    return this;
  }

  void hook(Hook h) {
    this.hook = h;
  }

  /** The marker of {@code name}: {@code ROOT/_commits/<name>.json}. */
  public static String markerPath(String root, String name) {
    return root.replaceAll("/+$", "") + "/" + COMMITS + "/" + name + ".json";
  }

  /** Whether {@code name} (e.g. {@code latest}, {@code report_date=2026-11-28}) is committed under {@code root}. */
  public static boolean isCommitted(Configuration conf, String root, String name) {
    Path p = new Path(markerPath(Storage.qualify(conf, root), name));
    try {
      return p.getFileSystem(conf).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the commit marker " + p + ": " + e.getMessage(), e);
    }
  }

  /**
   * Publishes every declared unit and writes the marker {@code name}; see the class comment. Throws
   * (with the units taken back out) when a move fails; the caller's {@link #close()} then cleans up.
   */
  public synchronized Commit commit(String name) {
    if (committed || closed) {
      throw new IllegalStateException("Cannot commit run " + runId + " twice");
    }
    if (name == null || !name.matches("[A-Za-z0-9._=-]{1,200}")) {
      throw new IllegalArgumentException("Cannot commit run " + runId + ": marker names are letters, digits, '.', '_', '=' or '-', got " + name);
    }
    Path marker = new Path(markerPath(root, name));
    List<String[]> moves = plan();
    List<String[]> done = new ArrayList<>();
    long files = 0;
    long bytes = 0;
    List<String> published = new ArrayList<>();
    try {
      fs.delete(marker, false);
      for (String[] m : moves) {
        long[] size = size(new Path(m[0]));
        move(m[0], m[1], m[2]);
        done.add(m);
        files += size[0];
        bytes += size[1];
        published.add(m[1].substring(root.length() + 1));
        hook.moved(m[1]);
      }
      writeMarker(marker, name, published, files, bytes);
    } catch (IOException | RuntimeException e) {
      String undone = rollBack(done);
      throw new UncheckedIOException("Cannot publish run " + runId + " to " + root + ": " + e.getMessage()
          + "; " + name + " is not committed" + undone, e instanceof IOException io ? io : new IOException(e));
    }
    committed = true;
    for (Runnable r : afterCommit) {
      r.run();
    }
    removeStaging();
    return new Commit(runId, marker.toString(), List.copyOf(published), files, bytes);
  }

  /**
   * The error to report for a run that failed before its commit: a storage failure (an {@link IOException}
   * somewhere in the cause chain, e.g. S3 still throttling after the retries) becomes one clear line, ending
   * {@code nothing was published}; configuration errors and bugs pass unchanged.
   */
  public RuntimeException failed(String job, Exception failure) {
    // Scala code (Spark, the committers) throws checked IOExceptions that Java does not declare.
    RuntimeException e = failure instanceof RuntimeException r ? r : new IllegalStateException(failure.getMessage(), failure);
    if (committed || e instanceof IllegalArgumentException) {
      return e;
    }
    Throwable io = e;
    while (io != null && !(io instanceof IOException)) {
      io = io.getCause();
    }
    if (io == null) {
      return e;
    }
    if (e instanceof UncheckedIOException u && u.getMessage() != null && u.getMessage().startsWith("Cannot ")) {
      return u.getMessage().startsWith("Cannot publish") ? e
          : new UncheckedIOException(u.getMessage() + "; nothing was published (the previous outputs are as they were)", u.getCause());
    }
    String first = String.valueOf(io.getMessage()).lines().findFirst().orElse("");
    return new UncheckedIOException("Cannot write the " + job + " run " + runId + " to " + root + ": " + first
        + "; nothing was published (the previous outputs are as they were)", (IOException) io);
  }

  /** Removes the staging folder unless the run was committed (a failed run leaves nothing behind). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!committed) {
      removeStaging();
    }
  }

  // ---- publishing ----

  /** {staged, published, trash} per move, in declaration order. */
  private List<String[]> plan() {
    List<String[]> out = new ArrayList<>();
    try {
      for (Unit u : units) {
        Path staged = new Path(dir + "/" + u.path());
        if (!fs.exists(staged)) {
          continue; // declared, nothing staged: the published one stays
        }
        switch (u.mode()) {
          case REPLACE -> out.add(move(u.path()));
          case REPLACE_PARTITIONS -> {
            for (FileStatus c : fs.listStatus(staged)) {
              if (c.isDirectory() && c.getPath().getName().contains("=")) {
                out.add(move(u.path() + "/" + c.getPath().getName()));
              }
            }
          }
          case ADD -> {
            for (FileStatus c : fs.listStatus(staged)) {
              if (c.isFile()) {
                out.add(move(u.path() + "/" + c.getPath().getName()));
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the staging folder " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }

  private String[] move(String relative) {
    return new String[] {dir + "/" + relative, root + "/" + relative, dir + "/_replaced/" + relative};
  }

  private void move(String staged, String target, String trash) throws IOException {
    Path src = new Path(staged);
    Path dst = new Path(target);
    if (fs.exists(dst)) {
      if (atomicRename) {
        Path t = new Path(trash);
        fs.mkdirs(t.getParent());
        rename(dst, t);
      } else if (!fs.delete(dst, true)) {
        throw new IOException("could not delete " + dst);
      }
    }
    fs.mkdirs(dst.getParent());
    rename(src, dst);
  }

  private void rename(Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("rename of " + from + " to " + to + " failed");
    }
  }

  /** Takes the moved units back out, restoring the previous version where it was kept. */
  private String rollBack(List<String[]> done) {
    int restored = 0;
    List<String> failed = new ArrayList<>();
    for (int i = done.size() - 1; i >= 0; i--) {
      String[] m = done.get(i);
      try {
        fs.delete(new Path(m[1]), true);
        Path trash = new Path(m[2]);
        if (atomicRename && fs.exists(trash)) {
          rename(trash, new Path(m[1]));
          restored++;
        }
      } catch (IOException | RuntimeException e) {
        failed.add(m[1]);
      }
    }
    if (done.isEmpty()) {
      return "; nothing had been published";
    }
    String s = "; the " + done.size() + " unit(s) published before the failure were removed"
        + (atomicRename ? " and " + restored + " previous version(s) restored" : " (on an object store their previous version is gone)");
    return failed.isEmpty() ? s : s + "; could not remove " + failed;
  }

  private void writeMarker(Path marker, String name, List<String> published, long files, long bytes) throws IOException {
    ObjectNode m = JSON.createObjectNode();
    m.put("name", name);
    m.put("run_id", runId);
    m.put("committed_at", DateTimeFormatter.ISO_INSTANT.format(Instant.now()));
    m.put("files", files);
    m.put("bytes", bytes);
    ArrayNode u = m.putArray("units");
    published.forEach(u::add);
    // Written aside and renamed: on S3 an object appears whole anyway; on a disk the rename makes it so.
    Path tmp = new Path(dir + "/_marker.json");
    Storage.writeText(conf, tmp.toString(), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
    fs.mkdirs(marker.getParent());
    rename(tmp, marker);
  }

  private long[] size(Path p) throws IOException {
    long files = 0;
    long bytes = 0;
    FileStatus s = fs.getFileStatus(p);
    if (s.isFile()) {
      return new long[] {1, s.getLen()};
    }
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(p, true);
    while (it.hasNext()) {
      LocatedFileStatus f = it.next();
      files++;
      bytes += f.getLen();
    }
    return new long[] {files, bytes};
  }

  private void removeStaging() {
    try {
      fs.delete(new Path(dir), true);
      Path parent = new Path(root + "/" + STAGING);
      FileStatus[] left = fs.listStatus(parent);
      if (left.length == 0) {
        fs.delete(parent, false);
      }
    } catch (FileNotFoundException e) {
      // already gone
    } catch (IOException | RuntimeException e) {
      System.err.println("ebaudit: warning: could not remove the staging folder " + dir + " (" + e.getMessage()
          + "); it is ignored by readers and can be deleted");
    }
  }

  private void warnAboutLeftovers() throws IOException {
    Path parent = new Path(root + "/" + STAGING);
    if (!fs.exists(parent)) {
      return;
    }
    Map<String, String> others = new LinkedHashMap<>();
    for (FileStatus s : fs.listStatus(parent)) {
      String name = s.getPath().getName();
      // A run id "<parent>.<step>" is a step of run <parent> (the weekly job's publish and events store):
      // neither the parent nor its other steps are another run.
      if (!name.equals(runId) && !parentOf(name).equals(parentOf(runId))) {
        others.put(s.getPath().getName(), s.getPath().toString());
      }
    }
    if (!others.isEmpty()) {
      System.err.println("ebaudit: warning: staging folders of other runs under " + parent + ": " + others.keySet()
          + " (a run still going, or one that was killed: remove them once no run is writing here)");
    }
  }

  private static String parentOf(String runId) {
    int dot = runId.indexOf('.');
    return dot < 0 ? runId : runId.substring(0, dot);
  }

  private static String strip(String relative) {
    if (relative == null || relative.isBlank() || relative.startsWith("/") || relative.contains("..")) {
      throw new IllegalArgumentException("Cannot stage: a path relative to the output root is required, got " + relative);
    }
    return relative.replaceAll("/+$", "");
  }
}
