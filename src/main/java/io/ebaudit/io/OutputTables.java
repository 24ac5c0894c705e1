package io.ebaudit.io;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.permissions.EnvironmentRoles;
import io.ebaudit.permissions.Usage;
import io.ebaudit.permissions.Verdicts;
import io.ebaudit.posture.Platforms;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.trail.EventSchema;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The tables of an ebaudit output root, found on the driver with one listing per table folder, in
 * either layout: {@code analyze --out DIR} (a folder per table) or {@code weekly --out ROOT}
 * ({@code ROOT/<table>/report_date=D/}). A report-dated root is read at one report date: the one asked
 * for, else the latest any table has. Folders whose names start with {@code _} or {@code .} (staging,
 * markers) are never taken for a report date.
 *
 * <p>Tables partitioned by {@code event_date} can be read for a window of days: only the day folders in
 * the window are listed and read ({@link #readDays}), so a week costs a week however long the history.
 */
public final class OutputTables {
  /** What a table is called, where it may live under the root (first match wins), how to read it. */
  public record Spec(String name, List<String> paths, StructType schema, boolean byEventDate) {}

  /** Every table an investigation may use; tables a run did not write are simply absent. */
  public static final List<Spec> SPECS = List.of(
      new Spec("events", List.of("events"), EventSchema.EVENTS, true),
      new Spec("beanstalk_events", List.of("beanstalk_events"), BeanstalkSchemas.BEANSTALK_EVENTS, true),
      new Spec("config_changes", List.of("config_changes"), BeanstalkSchemas.CONFIG_CHANGES, true),
      new Spec("environment_state", List.of("environment_state"), BeanstalkSchemas.ENVIRONMENT_STATE, false),
      new Spec("platforms", List.of("platforms"), Platforms.PLATFORMS, false),
      // coverage, imds, impact and metrics have no shared schema constant: Parquet's own footer schema.
      new Spec("coverage", List.of("coverage"), null, false),
      new Spec("imds", List.of("imds"), null, false),
      new Spec("findings", List.of("findings/parquet", "findings"), FindingSchema.FINDINGS, false),
      new Spec("usage", List.of("permissions/usage", "usage"), Usage.USAGE, false),
      new Spec("denied", List.of("permissions/denied", "denied"), Usage.DENIED, false),
      new Spec("verdicts", List.of("permissions/verdicts", "verdicts"), Verdicts.VERDICTS, false),
      new Spec("environment_roles", List.of("permissions/environment_roles", "environment_roles"),
          EnvironmentRoles.ENVIRONMENT_ROLES, false),
      new Spec("impact", List.of("impact"), null, false),
      new Spec("metrics", List.of("metrics"), null, false));

  /** A table found: its spec and the folder that holds its rows at the chosen report date. */
  public record Found(Spec spec, String dir) {}

  private static final String REPORT_DATE = "report_date=";
  private static final String EVENT_DATE = "event_date=";

  private final SparkSession spark;
  private final String root;
  private final LocalDate reportDate;
  private final Map<String, Found> tables;
  private final Map<String, String> missing;

  private OutputTables(SparkSession spark, String root, LocalDate reportDate, Map<String, Found> tables,
      Map<String, String> missing) {
    this.spark = spark;
    this.root = root;
    this.reportDate = reportDate;
    this.tables = tables;
    this.missing = missing;
  }

  /**
   * Finds the tables under {@code root}.
   *
   * @param reportDate the report date to read in a report-dated root; null: the latest
   * @throws IllegalArgumentException when the root holds no ebaudit table, or the date asked for is in none
   */
  public static OutputTables open(SparkSession spark, String root, LocalDate reportDate) {
    if (root == null || root.isBlank()) {
      throw new IllegalArgumentException("Cannot open ebaudit outputs: no folder given, got '" + root + "'");
    }
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String qualified = Storage.qualify(conf, root);
    Map<String, Candidate> found = new LinkedHashMap<>();
    TreeSet<LocalDate> allDates = new TreeSet<>();
    for (Spec spec : SPECS) {
      for (String rel : spec.paths()) {
        Candidate c = inspect(conf, Storage.child(qualified, rel));
        if (c != null) {
          found.put(spec.name(), c);
          allDates.addAll(c.reportDates);
          break;
        }
      }
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException("Cannot open ebaudit outputs: no ebaudit table (events/, findings/, …) "
          + "in the folder, got " + qualified);
    }
    if (reportDate != null && allDates.isEmpty()) {
      throw new IllegalArgumentException("Cannot open ebaudit outputs at a report date: the tables in " + qualified
          + " are not partitioned by report_date, got " + reportDate);
    }
    if (reportDate != null && !allDates.contains(reportDate)) {
      throw new IllegalArgumentException("Cannot open ebaudit outputs at a report date: no table has it (dates: "
          + allDates + "), got " + reportDate);
    }
    // The latest date whose publish committed (a date being published, or whose publish failed, is skipped).
    LocalDate latest = null;
    for (LocalDate d : allDates.descendingSet()) {
      if (Staging.isCommitted(conf, qualified, ReportLayout.partition(d))) {
        latest = d;
        break;
      }
    }
    LocalDate date = reportDate != null ? reportDate : latest != null ? latest : allDates.isEmpty() ? null : allDates.last();
    Map<String, Found> tables = new LinkedHashMap<>();
    Map<String, String> missing = new LinkedHashMap<>();
    for (Spec spec : SPECS) {
      Candidate c = found.get(spec.name());
      if (c == null) {
        missing.put(spec.name(), "not written");
      } else if (c.reportDates.isEmpty()) {
        tables.put(spec.name(), new Found(spec, c.dir));
      } else if (c.reportDates.contains(date)) {
        tables.put(spec.name(), new Found(spec, Storage.child(c.dir, REPORT_DATE + date)));
      } else {
        missing.put(spec.name(), "no report_date=" + date + " partition");
      }
    }
    return new OutputTables(spark, qualified, date, Collections.unmodifiableMap(tables),
        Collections.unmodifiableMap(missing));
  }

  public String root() {
    return root;
  }

  /** The report date read; empty for a root that is not report-dated. */
  public Optional<LocalDate> reportDate() {
    return Optional.ofNullable(reportDate);
  }

  /** The tables found, by name, in {@link #SPECS} order. */
  public Map<String, Found> tables() {
    return tables;
  }

  /** Tables not found, by name, with why. */
  public Map<String, String> missing() {
    return missing;
  }

  public boolean has(String name) {
    return tables.containsKey(name);
  }

  /** The whole table (every file listed now, as Spark does for any read). */
  public Dataset<Row> read(String name) {
    Found f = require(name);
    return reader(f.spec()).parquet(f.dir());
  }

  /**
   * The rows of an {@code event_date}-partitioned table for the days {@code [from, to]} (either null:
   * unbounded), listing and reading only those day folders; the {@code event_date} column is kept.
   */
  public Dataset<Row> readDays(String name, LocalDate from, LocalDate to) {
    Found f = require(name);
    if (!f.spec().byEventDate() || (from == null && to == null)) {
      return read(name);
    }
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<String> days = new ArrayList<>();
    boolean partitioned = false;
    for (FileStatus st : list(conf, f.dir())) {
      String n = st.getPath().getName();
      if (!st.isDirectory() || !n.startsWith(EVENT_DATE)) {
        continue;
      }
      partitioned = true;
      LocalDate d = date(n.substring(EVENT_DATE.length()));
      if (d != null && (from == null || !d.isBefore(from)) && (to == null || !d.isAfter(to))) {
        days.add(st.getPath().toString());
      }
    }
    if (!partitioned) {
      return read(name); // callers filter on event_time anyway
    }
    if (days.isEmpty()) {
      return spark.createDataFrame(List.of(), read(name).schema());
    }
    return reader(f.spec()).option("basePath", f.dir()).parquet(days.toArray(new String[0]));
  }

  /** A table's folder at the chosen report date. */
  public String dir(String name) {
    return require(name).dir();
  }

  /**
   * A file below the table folder {@code name} (e.g. {@code permissions/policies}): the report-dated
   * partition when the folder has one for the date read, else the folder itself; empty if absent.
   */
  public Optional<String> file(String folder, String relative) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String base = Storage.child(root, folder);
    List<String> candidates = new ArrayList<>();
    if (reportDate != null) {
      candidates.add(Storage.child(Storage.child(base, REPORT_DATE + reportDate), relative));
    }
    candidates.add(Storage.child(base, relative));
    for (String c : candidates) {
      Path p = new Path(c);
      try {
        if (p.getFileSystem(conf).isFile(p)) {
          return Optional.of(c);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + c + ": " + e.getMessage(), e);
      }
    }
    return Optional.empty();
  }

  private Found require(String name) {
    Found f = tables.get(name);
    if (f == null) {
      throw new IllegalArgumentException("Cannot read table " + name + ": " + missing.getOrDefault(name, "unknown table")
          + " under " + root + (reportDate == null ? "" : " at report date " + reportDate) + ", got " + name);
    }
    return f;
  }

  private org.apache.spark.sql.DataFrameReader reader(Spec spec) {
    return spec.schema() == null ? spark.read() : spark.read().schema(spec.schema());
  }

  private record Candidate(String dir, TreeSet<LocalDate> reportDates) {}

  /** A folder holding a table: report_date partitions, day partitions or data files. Null: not a table. */
  private static Candidate inspect(Configuration conf, String dir) {
    List<FileStatus> children = list(conf, dir);
    if (children == null) {
      return null;
    }
    TreeSet<LocalDate> dates = new TreeSet<>();
    boolean data = false;
    for (FileStatus st : children) {
      String n = st.getPath().getName();
      if (n.startsWith("_") || n.startsWith(".")) {
        continue;
      }
      if (st.isDirectory() && n.startsWith(REPORT_DATE)) {
        LocalDate d = date(n.substring(REPORT_DATE.length()));
        if (d != null) {
          dates.add(d);
        }
      } else if ((st.isDirectory() && n.contains("=")) || (st.isFile() && n.endsWith(".parquet"))) {
        data = true;
      }
    }
    return dates.isEmpty() && !data ? null : new Candidate(dir, dates);
  }

  /** The folder's entries; null when it does not exist. */
  private static List<FileStatus> list(Configuration conf, String dir) {
    Path p = new Path(dir);
    try {
      FileSystem fs = p.getFileSystem(conf);
      return List.of(fs.listStatus(p));
    } catch (FileNotFoundException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static LocalDate date(String s) {
    try {
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
