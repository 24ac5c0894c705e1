package io.ebaudit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ebaudit.secrets.Secrets;
import io.ebaudit.testing.SparkSuite;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class FindingWriterTest extends SparkSuite {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final ObjectMapper M = new ObjectMapper();
  static final String FORMULA = "=HYPERLINK(\"http://evil\",\"x\")";
  static final Instant T = Instant.parse("2026-11-29T10:15:30Z");

  private Dataset<Row> findings() {
    return Findings.of(spark(), List.of(
        Findings.row("eb_b_rule", "low", "@SUM(1+1)", "arn:aws:iam::123456789012:user/alice", null,
            "Title, with comma", "line one\nline \"two\"", null, List.of("e3"), null),
        Findings.row("eb_a_rule", "critical", FORMULA, "+cmd|' /C calc'!A0", "-2+3",
            "Plain", "uses key AKIAIOSFODNN7EXAMPLE", "{\"optionSettings\":[{\"namespace\":"
                + "\"aws:elasticbeanstalk:application:environment\",\"optionName\":\"DB_PASSWORD\",\"value\":\"hunter2\"}]}",
            List.of("e1", "e2"), T)));
  }

  @Test
  public void writesParquetJsonLinesAndCsvSideBySide() throws IOException {
    Path dir = tmp.getRoot().toPath().resolve("out/findings");
    FindingWriter.write(findings(), dir.toString());

    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
          .containsExactlyInAnyOrder("parquet", "findings.jsonl", "findings.csv");
    }
    Dataset<Row> back = spark().read().schema(FindingSchema.FINDINGS).parquet(dir.resolve("parquet").toString());
    assertThat(back.count()).isEqualTo(2);
    Row a = back.filter("rule_id = 'eb_a_rule'").first();
    assertThat(a.getString(a.fieldIndex("evidence"))).doesNotContain("hunter2").contains(Secrets.MASK);
    assertThat(a.getString(a.fieldIndex("detail"))).isEqualTo("uses key " + Secrets.MASK);
    assertThat(a.getString(a.fieldIndex("environment"))).isEqualTo(FORMULA);

    List<String> lines = Files.readAllLines(dir.resolve("findings.jsonl"), StandardCharsets.UTF_8);
    assertThat(lines).hasSize(2);
    JsonNode first = M.readTree(lines.get(0)); // critical before low
    assertThat(first.get("rule_id").asText()).isEqualTo("eb_a_rule");
    assertThat(first.get("environment").asText()).isEqualTo(FORMULA);
    assertThat(first.get("event_ids").isArray()).isTrue();
    assertThat(first.get("event_ids")).hasSize(2);
    assertThat(first.get("event_ids").get(1).asText()).isEqualTo("e2");
    assertThat(first.get("first_seen").asText()).isEqualTo("2026-11-29T10:15:30Z");
    assertThat(first.get("last_seen").asText()).isEqualTo("2026-11-29T10:16:30Z");
    assertThat(first.get("evidence").asText()).doesNotContain("hunter2");
    assertThat(first.get("compliance").get(1).asText()).isEqualTo("ElasticBeanstalk.2");
    JsonNode second = M.readTree(lines.get(1));
    assertThat(second.get("resource_arn").isNull()).isTrue();
    assertThat(second.get("first_seen").isNull()).isTrue();
    assertThat(second.get("detail").asText()).isEqualTo("line one\nline \"two\"");
    List<String> names = new ArrayList<>();
    first.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly(FindingSchema.FINDINGS.fieldNames());

    String csv = Files.readString(dir.resolve("findings.csv"), StandardCharsets.UTF_8);
    List<List<String>> table = parseCsv(csv);
    assertThat(table).hasSize(3);
    assertThat(table.get(0)).containsExactly(FindingSchema.FINDINGS.fieldNames());
    List<String> r1 = table.get(1);
    List<String> r2 = table.get(2);
    int env = List.of(FindingSchema.FINDINGS.fieldNames()).indexOf("environment");
    int principal = List.of(FindingSchema.FINDINGS.fieldNames()).indexOf("principal_arn");
    int resource = List.of(FindingSchema.FINDINGS.fieldNames()).indexOf("resource_arn");
    int events = List.of(FindingSchema.FINDINGS.fieldNames()).indexOf("event_ids");
    int title = List.of(FindingSchema.FINDINGS.fieldNames()).indexOf("title");
    int detail = List.of(FindingSchema.FINDINGS.fieldNames()).indexOf("detail");
    int seen = List.of(FindingSchema.FINDINGS.fieldNames()).indexOf("first_seen");
    assertThat(r1.get(env)).isEqualTo("'" + FORMULA);
    assertThat(r1.get(principal)).isEqualTo("'+cmd|' /C calc'!A0");
    assertThat(r1.get(resource)).isEqualTo("'-2+3");
    assertThat(r1.get(events)).isEqualTo("e1;e2");
    assertThat(r1.get(seen)).isEqualTo("2026-11-29T10:15:30Z");
    assertThat(r2.get(env)).isEqualTo("'@SUM(1+1)");
    assertThat(r2.get(title)).isEqualTo("Title, with comma");
    assertThat(r2.get(detail)).isEqualTo("line one\nline \"two\"");
    assertThat(r2.get(resource)).isEmpty();
    // no raw cell anywhere starts a formula
    for (List<String> row : table) {
      for (String cell : row) {
        assertThat(cell).doesNotStartWith("=").doesNotStartWith("@").doesNotStartWith("+");
      }
    }
  }

  @Test
  public void rewritingReplaces() throws IOException {
    Path dir = tmp.getRoot().toPath().resolve("f");
    FindingWriter.write(findings(), dir.toString());
    FindingWriter.write(findings().limit(0), dir.toString());
    assertThat(Files.readAllLines(dir.resolve("findings.jsonl"))).isEmpty();
    assertThat(parseCsv(Files.readString(dir.resolve("findings.csv")))).hasSize(1);
    assertThat(spark().read().schema(FindingSchema.FINDINGS).parquet(dir.resolve("parquet").toString()).count()).isZero();
  }

  @Test
  public void missingColumnsFailClearly() {
    assertThatThrownBy(() -> FindingWriter.write(findings().drop("evidence"), tmp.getRoot().toString()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Cannot write findings: missing columns [evidence]");
  }

  @Test
  public void csvCells() {
    assertThat(FindingWriter.csvCell("plain")).isEqualTo("plain");
    assertThat(FindingWriter.csvCell(null)).isEmpty();
    assertThat(FindingWriter.csvCell("=1+1")).isEqualTo("'=1+1");
    assertThat(FindingWriter.csvCell("+1")).isEqualTo("'+1");
    assertThat(FindingWriter.csvCell("-1")).isEqualTo("'-1");
    assertThat(FindingWriter.csvCell("@x")).isEqualTo("'@x");
    assertThat(FindingWriter.csvCell("\tx")).isEqualTo("'\tx");
    assertThat(FindingWriter.csvCell("\rx")).isEqualTo("\"'\rx\"");
    assertThat(FindingWriter.csvCell("  =1")).isEqualTo("'  =1");
    assertThat(FindingWriter.csvCell(" x")).isEqualTo("\" x\"");
    assertThat(FindingWriter.csvCell("a,b")).isEqualTo("\"a,b\"");
    assertThat(FindingWriter.csvCell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(FindingWriter.csvCell("a\nb")).isEqualTo("\"a\nb\"");
    assertThat(FindingWriter.csvCell("a=b")).isEqualTo("a=b");
  }

  /** A strict RFC 4180 reader (CRLF records, quoted fields). */
  static List<List<String>> parseCsv(String s) throws IOException {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    StringReader in = new StringReader(s);
    boolean quoted = false;
    boolean wasQuoted = false;
    int c;
    while ((c = in.read()) != -1) {
      if (quoted) {
        if (c == '"') {
          in.mark(1);
          int n = in.read();
          if (n == '"') {
            f.append('"');
          } else {
            quoted = false;
            in.reset();
          }
        } else {
          f.append((char) c);
        }
      } else if (c == '"') {
        assertThat(f.length()).as("quote inside an unquoted field").isZero();
        quoted = true;
        wasQuoted = true;
      } else if (c == ',') {
        row.add(f.toString());
        f.setLength(0);
        wasQuoted = false;
      } else if (c == '\r') {
        assertThat(in.read()).as("CR must start CRLF").isEqualTo('\n');
        row.add(f.toString());
        f.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
        wasQuoted = false;
      } else {
        assertThat(c).as("bare LF outside quotes").isNotEqualTo('\n');
        f.append((char) c);
      }
    }
    assertThat(quoted).isFalse();
    assertThat(row).isEmpty();
    assertThat(f.length() == 0 || wasQuoted).isTrue();
    return rows;
  }
}
