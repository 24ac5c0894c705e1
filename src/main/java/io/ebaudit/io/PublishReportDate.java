package io.ebaudit.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The one step that makes a report date visible: moves what a run computed in its staging folder
 * (the {@code analyze} layout, plus {@code report/} and {@code export/}) to the published layout of
 * {@link ReportLayout}. Everything before it writes only to staging, so this is the one place to make
 * publishing atomic.
 *
 * <p>Mapping, for staging folder S, root R and date D:
 * <ul>
 *   <li>a table folder {@code S/t} (it holds {@code *.parquet}, {@code k=v} partitions or {@code _SUCCESS})
 *       → {@code R/t/report_date=D}; a folder holding no table (quarantine, policies, report) likewise,
 *       whole; a folder holding tables below it is walked, its loose files going to
 *       {@code R/<folder>/report_date=D/};
 *   <li>{@code S/findings/findings.csv} and {@code findings.jsonl} → {@code R/report/report_date=D/};
 *   <li>{@code S/export/<format>} → {@code R/export/<format>/report_date=D};
 *   <li>files directly in S ({@code ingest-summary.json}, {@code run.json}) → {@code R/run/report_date=D/}.
 * </ul>
 * Atomic for readers that check the marker: every destination is first moved under a {@link Staging} folder
 * of the root and then published by one {@link Staging#commit} that writes {@code _commits/report_date=D.json}
 * last and rolls the moves back when one fails ({@link #isPublished}; {@code report} and the comparison with
 * the previous week only take committed dates). On S3 a move is a copy: a reader that ignores the marker
 * (Athena) can see a partition while it is being copied.
 */
public final class PublishReportDate {
  private PublishReportDate() {}

  /** One move. */
  public record Move(String from, String to) {}

  /**
   * Publishes {@code staging} as report date {@code date} under {@code root} and removes the staging folder.
   *
   * @param wholeDate true: the run replaces the whole date (every other {@code report_date=D} folder under
   *                  {@code root} is removed first, so a table the run no longer writes does not linger);
   *                  false: only the destinations written are replaced ({@code report} re-renders); report
   *                  files always move one by one, so files not re-rendered stay
   * @return the moves made, in order
   */
  public static List<Move> publish(Configuration conf, String staging, String root, LocalDate date, boolean wholeDate) {
    String qroot = Storage.qualify(conf, root);
    String marker = ReportLayout.partition(date);
    List<Move> plan;
    try {
      Path s = new Path(staging);
      FileSystem fs = s.getFileSystem(conf);
      plan = plan(fs, s, qroot, date, wholeDate);
      // Each destination is staged under its final relative path, then one Staging commit publishes them
      // all and writes the marker _commits/report_date=D.json (rolled back when a move fails).
      String stepOf = s.getName().matches("[A-Za-z0-9._-]{1,100}") ? s.getName() + "." : "";
      try (Staging commit = Staging.open(conf, qroot, stepOf + "publish-" + Staging.newRunId())) {
        try {
          Set<String> destinations = new LinkedHashSet<>();
          for (Move m : plan) {
            String relative = m.to().substring(qroot.length() + 1);
            Path to = new Path(commit.path(relative));
            fs.mkdirs(to.getParent());
            if (!fs.rename(new Path(m.from()), to)) {
              throw new IOException("rename returned false for " + m.from());
            }
            commit.replace(relative);
            destinations.add(new Path(m.to()).toString());
          }
          if (wholeDate) {
            // A table the run no longer writes must not linger in this date: removed once the date commits.
            Set<Path> stale = new LinkedHashSet<>();
            for (Path old : partitionsOf(fs, new Path(qroot), marker, 0)) {
              String o = old.toString();
              if (destinations.stream().noneMatch(d -> d.equals(o) || d.startsWith(o + "/"))) {
                stale.add(old);
              }
            }
            commit.afterCommit(() -> {
              for (Path old : stale) {
                Storage.delete(conf, old.toString());
              }
            });
          }
          commit.commit(marker);
        } catch (Exception e) {
          throw commit.failed("report-date publish", e);
        }
      }
      fs.delete(s, true);
      return plan;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot publish report date " + date + " from " + staging + " to " + root
          + ": " + e.getMessage(), e);
    }
  }

  /** Whether report date {@code date} under {@code root} was published completely (its commit marker exists). */
  public static boolean isPublished(Configuration conf, String root, LocalDate date) {
    return Staging.isCommitted(conf, root, ReportLayout.partition(date));
  }

  /** What {@link #publish} would move. */
  static List<Move> plan(FileSystem fs, Path staging, String root, LocalDate date, boolean wholeDate)
      throws IOException {
    List<Move> out = new ArrayList<>();
    for (FileStatus st : sorted(fs, staging)) {
      String name = st.getPath().getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        continue; // the analyze run's own commit markers, manifest and scratch, never outputs
      }
      if (st.isFile()) {
        out.add(new Move(st.getPath().toString(),
            Storage.child(ReportLayout.published(root, ReportLayout.RUN, date), name)));
      } else if (name.equals(ReportLayout.REPORT)) {
        // File by file: findings.csv and .jsonl join it from findings/, and a re-render keeps them.
        for (FileStatus f : sorted(fs, st.getPath())) {
          out.add(new Move(f.getPath().toString(),
              Storage.child(ReportLayout.published(root, ReportLayout.REPORT, date), f.getPath().getName())));
        }
      } else if (name.equals(ReportLayout.EXPORT)) {
        for (FileStatus f : sorted(fs, st.getPath())) {
          out.add(new Move(f.getPath().toString(),
              ReportLayout.published(root, ReportLayout.EXPORT + "/" + f.getPath().getName(), date)));
        }
      } else {
        walk(fs, st.getPath(), name, root, date, out);
      }
    }
    return out;
  }

  private static void walk(FileSystem fs, Path dir, String relative, String root, LocalDate date, List<Move> out)
      throws IOException {
    if (isTable(fs, dir) || !holdsTable(fs, dir)) {
      out.add(new Move(dir.toString(), ReportLayout.published(root, relative, date)));
      return;
    }
    for (FileStatus st : sorted(fs, dir)) {
      String name = st.getPath().getName();
      if (st.isDirectory()) {
        walk(fs, st.getPath(), relative + "/" + name, root, date, out);
      } else if (relative.equals("findings") && (name.endsWith(".csv") || name.endsWith(".jsonl"))) {
        out.add(new Move(st.getPath().toString(),
            Storage.child(ReportLayout.published(root, ReportLayout.REPORT, date), name)));
      } else {
        out.add(new Move(st.getPath().toString(), Storage.child(ReportLayout.published(root, relative, date), name)));
      }
    }
  }

  private static boolean isTable(FileSystem fs, Path dir) throws IOException {
    for (FileStatus st : fs.listStatus(dir)) {
      String n = st.getPath().getName();
      if (st.isFile() && (n.endsWith(".parquet") || n.equals("_SUCCESS"))) {
        return true;
      }
      if (st.isDirectory() && n.indexOf('=') > 0) {
        return true;
      }
    }
    return false;
  }

  private static boolean holdsTable(FileSystem fs, Path dir) throws IOException {
    for (FileStatus st : fs.listStatus(dir)) {
      if (st.isDirectory() && (isTable(fs, st.getPath()) || holdsTable(fs, st.getPath()))) {
        return true;
      }
    }
    return false;
  }

  /** Folders named {@code partition} under {@code root}, not descending into them or into {@code _staging}. */
  private static Set<Path> partitionsOf(FileSystem fs, Path root, String partition, int depth) throws IOException {
    Set<Path> out = new LinkedHashSet<>();
    if (depth > 4 || !fs.exists(root)) {
      return out;
    }
    for (FileStatus st : fs.listStatus(root)) {
      if (!st.isDirectory()) {
        continue;
      }
      String n = st.getPath().getName();
      if (n.equals(partition)) {
        out.add(st.getPath());
      } else if (!n.startsWith("_") && !n.startsWith(".") && n.indexOf('=') < 0) {
        out.addAll(partitionsOf(fs, st.getPath(), partition, depth + 1));
      }
    }
    return out;
  }

  private static List<FileStatus> sorted(FileSystem fs, Path dir) throws IOException {
    List<FileStatus> l = new ArrayList<>(List.of(fs.listStatus(dir)));
    l.removeIf(st -> st.getPath().getName().startsWith(".") && st.getPath().getName().endsWith(".crc"));
    l.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
    return l;
  }
}
