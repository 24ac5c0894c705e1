package io.ebaudit.report;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ebaudit.io.Storage;
import io.ebaudit.secrets.SecretColumns;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Writes the findings table ({@link FindingSchema#FINDINGS}) to a findings directory, replacing what
 * is there:
 *
 * <pre>
 * DIR/findings/
 *   parquet/part-*.parquet   the table (read it with FindingSchema.FINDINGS)
 *   findings.jsonl           one JSON object per line, every column; arrays as JSON arrays, timestamps
 *                            ISO-8601 UTC (2026-11-29T10:15:30Z), nulls as null
 *   findings.csv             RFC 4180 (header, CRLF, quotes doubled); arrays joined with ';';
 *                            spreadsheet formulas neutralized (see {@link #csvCell})
 * </pre>
 *
 * Parquet sits in its own folder so that a Parquet reader (Spark, Athena, DuckDB) pointed at it finds
 * only Parquet files. Before writing, {@code evidence} is masked with {@code Secrets.maskJson} and
 * {@code title} and {@code detail} with {@code Secrets.maskText}, whatever the rules did.
 *
 * <p>The two text files are single files, sorted by severity (critical first), rule and finding id so
 * that runs diff well. They are streamed from the written Parquet with {@code toLocalIterator()} into
 * one Hadoop {@code FileSystem} output stream each, in one pass: the driver holds one partition at a
 * time, not the table; nothing is renamed (a rename on S3 is a copy, and Spark's own text/CSV writers
 * would leave a folder with {@code _SUCCESS} and CRC files to clean up); and the CSV escaping that
 * defuses attacker-controlled CloudTrail strings is ours, not a writer option's. Any Hadoop file system
 * works ({@code file:}, local paths, {@code s3a://}); on S3 an object appears only when complete.
 */
public final class FindingWriter {
  private FindingWriter() {}

  public static final String PARQUET = "parquet";
  public static final String JSONL = "findings.jsonl";
  public static final String CSV = "findings.csv";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;

  /** Writes {@code findings} (columns of {@link FindingSchema#FINDINGS}, by name) under {@code dir}. */
  public static void write(Dataset<Row> findings, String dir) {
    List<String> names = Arrays.asList(FindingSchema.FINDINGS.fieldNames());
    List<String> missing = new ArrayList<>(names);
    missing.removeAll(Arrays.asList(findings.columns()));
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("Cannot write findings: missing columns " + missing
          + ", got " + Arrays.toString(findings.columns()));
    }
    List<Column> cols = new ArrayList<>();
    for (String n : names) {
      Column c = col(n);
      if (n.equals("evidence")) {
        c = SecretColumns.maskJsonColumn(c);
      } else if (n.equals("title") || n.equals("detail")) {
        c = SecretColumns.maskTextColumn(c);
      }
      cols.add(c.as(n));
    }
    String parquet = Storage.child(dir, PARQUET);
    findings.select(cols.toArray(Column[]::new)).write().mode(SaveMode.Overwrite).parquet(parquet);

    Column[] severities = FindingSchema.SEVERITIES.stream().map(s -> lit(s)).toArray(Column[]::new);
    Dataset<Row> written = findings.sparkSession().read().schema(FindingSchema.FINDINGS).parquet(parquet)
        .orderBy(array_position(array(severities), col("severity")), col("rule_id"), col("finding_id"));
    Configuration conf = findings.sparkSession().sparkContext().hadoopConfiguration();
    writeText(written.toLocalIterator(), conf, Storage.child(dir, JSONL), Storage.child(dir, CSV));
  }

  private static void writeText(Iterator<Row> rows, Configuration conf, String jsonl, String csv) {
    StructField[] fields = FindingSchema.FINDINGS.fields();
    try (Writer j = writer(conf, jsonl); Writer c = writer(conf, csv)) {
      List<String> header = new ArrayList<>();
      for (StructField f : fields) {
        header.add(csvCell(f.name()));
      }
      c.write(String.join(",", header));
      c.write("\r\n");
      while (rows.hasNext()) {
        Row r = rows.next();
        ObjectNode o = JSON.createObjectNode();
        List<String> cells = new ArrayList<>(fields.length);
        for (int i = 0; i < fields.length; i++) {
          String name = fields[i].name();
          if (r.isNullAt(i)) {
            o.putNull(name);
            cells.add("");
          } else if (fields[i].dataType() instanceof ArrayType) {
            List<Object> list = r.getList(i);
            ArrayNode a = o.putArray(name);
            List<String> parts = new ArrayList<>(list.size());
            for (Object v : list) {
              String s = text(v);
              a.add(s);
              parts.add(s == null ? "" : s);
            }
            cells.add(csvCell(String.join(";", parts)));
          } else {
            String s = fields[i].dataType().equals(DataTypes.TimestampType) ? text(r.get(i)) : r.get(i).toString();
            o.put(name, s);
            cells.add(csvCell(s));
          }
        }
        j.write(JSON.writeValueAsString(o));
        j.write('\n');
        c.write(String.join(",", cells));
        c.write("\r\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write findings " + jsonl + " and " + csv + ": " + e.getMessage(), e);
    }
  }

  private static Writer writer(Configuration conf, String uri) throws IOException {
    return new BufferedWriter(new OutputStreamWriter(Storage.create(conf, uri), StandardCharsets.UTF_8), 1 << 16);
  }

  /** Timestamps as ISO-8601 UTC, anything else as its string. */
  static String text(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Timestamp t) {
      return ISO.format(t.toInstant());
    }
    if (v instanceof Instant i) {
      return ISO.format(i);
    }
    if (v instanceof LocalDate d) {
      return d.toString();
    }
    return v.toString();
  }

  /**
   * One CSV cell. A cell that a spreadsheet would run as a formula (first character {@code =}, {@code +},
   * {@code -}, {@code @}, tab or CR, also after leading spaces) gets a leading {@code '}. Then RFC 4180:
   * quoted when it holds a comma, quote, CR or LF (or starts or ends with a space), quotes doubled.
   */
  public static String csvCell(String s) {
    if (s == null || s.isEmpty()) {
      return "";
    }
    String v = s;
    int k = 0;
    while (k < v.length() && v.charAt(k) == ' ') {
      k++;
    }
    if (k < v.length() && "=+-@\t\r".indexOf(v.charAt(k)) >= 0) {
      v = "'" + v;
    }
    boolean quote = v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0
        || v.startsWith(" ") || v.endsWith(" ");
    return quote ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
  }
}
