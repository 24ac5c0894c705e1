package io.ebaudit.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where the tables of one report date live. {@code analyze --out DIR} writes a table at
 * {@code DIR/<table>} (e.g. {@code DIR/findings/parquet}, {@code DIR/permissions/verdicts}); {@code weekly}
 * publishes the same table at {@code ROOT/<table>/report_date=D/}, so a reader pointed at
 * {@code ROOT/<table>} sees every week as a {@code report_date} partition (Spark partition discovery,
 * Athena partition projection). Besides the tables:
 *
 * <pre>
 * ROOT/report/report_date=D/        index.html, summary.md, findings.csv, findings.jsonl
 * ROOT/export/asff/report_date=D/   Security Hub BatchImportFindings files
 * ROOT/export/ocsf/report_date=D/   OCSF findings (JSON lines)
 * ROOT/run/report_date=D/           ingest-summary.json, run.json (what the run read and when)
 * ROOT/_staging/                    work in progress; never read
 * </pre>
 */
public final class ReportLayout {
  private ReportLayout() {}

  public static final String PARTITION = "report_date";
  public static final String STAGING = "_staging";
  public static final String REPORT = "report";
  public static final String EXPORT = "export";
  public static final String RUN = "run";

  /** {@code report_date=YYYY-MM-DD}. */
  public static String partition(LocalDate date) {
    return PARTITION + "=" + date;
  }

  /** {@code ROOT/<relative>/report_date=D}. */
  public static String published(String root, String relative, LocalDate date) {
    return Storage.child(Storage.child(root, relative), partition(date));
  }

  /** Finds the files and tables of one report date. */
  public interface Locator {
    /** The folder of the table that {@code analyze} writes at {@code DIR/<relative>}. */
    String table(String relative);

    /** A run file ({@code ingest-summary.json}, {@code run.json}). */
    String runFile(String name);

    /** Where the report files ({@code index.html} …) go. */
    String reportDir();
  }

  /** The {@code analyze} layout: every table directly under {@code dir} (also a weekly staging folder). */
  public static Locator analyze(String dir) {
    return new Locator() {
      @Override public String table(String relative) { return Storage.child(dir, relative); }
      @Override public String runFile(String name) { return Storage.child(dir, name); }
      @Override public String reportDir() { return Storage.child(dir, REPORT); }
    };
  }

  /** The published layout of {@code date} under {@code root}. */
  public static Locator published(String root, LocalDate date) {
    return new Locator() {
      @Override public String table(String relative) { return ReportLayout.published(root, relative, date); }
      @Override public String runFile(String name) { return Storage.child(ReportLayout.published(root, RUN, date), name); }
      @Override public String reportDir() { return ReportLayout.published(root, REPORT, date); }
    };
  }

  /** The report dates published under {@code root} (a {@code run/} partition and a commit marker), oldest first. */
  public static List<LocalDate> dates(Configuration conf, String root) {
    Path runs = new Path(Storage.child(root, RUN));
    TreeSet<LocalDate> out = new TreeSet<>();
    try {
      FileSystem fs = runs.getFileSystem(conf);
      for (FileStatus st : fs.listStatus(runs)) {
        String n = st.getPath().getName();
        if (st.isDirectory() && n.startsWith(PARTITION + "=")) {
          try {
            LocalDate d = LocalDate.parse(n.substring(PARTITION.length() + 1));
            // Only dates whose publish committed: a date being published (or whose publish failed) is not one.
            if (Staging.isCommitted(conf, root, partition(d))) {
              out.add(d);
            }
          } catch (DateTimeParseException ignored) {
            // not ours
          }
        }
      }
    } catch (FileNotFoundException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + runs + ": " + e.getMessage(), e);
    }
    return new ArrayList<>(out);
  }

  /**
   * The report to compare {@code date} with: the latest published date at least {@code minDays} days
   * earlier (a re-run in the same week is not "last week").
   */
  public static Optional<LocalDate> previous(Configuration conf, String root, LocalDate date, int minDays) {
    LocalDate limit = date.minusDays(minDays);
    LocalDate best = null;
    for (LocalDate d : dates(conf, root)) {
      if (!d.isAfter(limit)) {
        best = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Whether {@code uri} exists. */
  public static boolean exists(Configuration conf, String uri) {
    Path p = new Path(uri);
    try {
      return p.getFileSystem(conf).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + uri + ": " + e.getMessage(), e);
    }
  }
}
