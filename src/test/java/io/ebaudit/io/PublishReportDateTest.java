package io.ebaudit.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The staging → report_date=D mapping on the local file system. */
class PublishReportDateTest {
  private static final LocalDate D = LocalDate.of(2026, 11, 29);
  @TempDir Path tmp;

  private static void file(Path p, String text) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  private Path staging() throws IOException {
    Path s = tmp.resolve("root/_staging/2026-11-29-abc");
    file(s.resolve("events/event_date=2026-11-28/part-0.parquet"), "e");
    file(s.resolve("events/_SUCCESS"), "");
    file(s.resolve("environment_state/part-0.parquet"), "s");
    file(s.resolve("quarantine/part-00000.jsonl"), "{}");
    file(s.resolve("permissions/usage/part-0.parquet"), "u");
    file(s.resolve("permissions/policies/111122223333/role-a.json"), "{}");
    file(s.resolve("findings/parquet/part-0.parquet"), "f");
    file(s.resolve("findings/findings.csv"), "csv");
    file(s.resolve("findings/findings.jsonl"), "jsonl");
    file(s.resolve("report/index.html"), "<html>");
    file(s.resolve("export/asff/111122223333-us-east-1-0001.json"), "[]");
    file(s.resolve("export/ocsf/detection_finding-111122223333-us-east-1-0001.json"), "{}");
    file(s.resolve("ingest-summary.json"), "{}");
    file(s.resolve("run.json"), "{}");
    return s;
  }

  private static List<String> tree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".crc"))
          .map(p -> root.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void everyTableGoesUnderItsReportDate() throws IOException {
    Path s = staging();
    Path root = tmp.resolve("root");
    PublishReportDate.publish(new Configuration(), s.toString(), root.toString(), D, true);
    assertThat(tree(root)).containsExactly(
        "_commits/report_date=2026-11-29.json", // the commit marker, written last
        "environment_state/report_date=2026-11-29/part-0.parquet",
        "events/report_date=2026-11-29/_SUCCESS",
        "events/report_date=2026-11-29/event_date=2026-11-28/part-0.parquet",
        "export/asff/report_date=2026-11-29/111122223333-us-east-1-0001.json",
        "export/ocsf/report_date=2026-11-29/detection_finding-111122223333-us-east-1-0001.json",
        "findings/parquet/report_date=2026-11-29/part-0.parquet",
        "permissions/policies/report_date=2026-11-29/111122223333/role-a.json",
        "permissions/usage/report_date=2026-11-29/part-0.parquet",
        "quarantine/report_date=2026-11-29/part-00000.jsonl",
        "report/report_date=2026-11-29/findings.csv",
        "report/report_date=2026-11-29/findings.jsonl",
        "report/report_date=2026-11-29/index.html",
        "run/report_date=2026-11-29/ingest-summary.json",
        "run/report_date=2026-11-29/run.json");
    assertThat(root.resolve("_staging/2026-11-29-abc")).doesNotExist();
    assertThat(ReportLayout.dates(new Configuration(), root.toString())).containsExactly(D);
  }

  @Test
  void aWholeDateRunRemovesWhatItNoLongerWritesAndKeepsOtherDates() throws IOException {
    Path root = tmp.resolve("root");
    file(root.resolve("permissions/verdicts/report_date=2026-11-29/part-old.parquet"), "stale");
    file(root.resolve("findings/parquet/report_date=2026-11-29/part-old.parquet"), "stale");
    file(root.resolve("findings/parquet/report_date=2026-11-22/part-0.parquet"), "last week");
    PublishReportDate.publish(new Configuration(), staging().toString(), root.toString(), D, true);
    List<String> t = tree(root);
    assertThat(t).doesNotContain("permissions/verdicts/report_date=2026-11-29/part-old.parquet",
        "findings/parquet/report_date=2026-11-29/part-old.parquet");
    assertThat(t).contains("findings/parquet/report_date=2026-11-22/part-0.parquet",
        "findings/parquet/report_date=2026-11-29/part-0.parquet");
  }

  @Test
  void aReRenderReplacesReportFilesOneByOneAndExportsWhole() throws IOException {
    Path root = tmp.resolve("root");
    PublishReportDate.publish(new Configuration(), staging().toString(), root.toString(), D, true);
    file(root.resolve("export/asff/report_date=2026-11-29/old-name-0001.json"), "[]");
    Path again = tmp.resolve("root/_staging/report-2026-11-29-def");
    file(again.resolve("report/index.html"), "<html>v2");
    file(again.resolve("export/asff/111122223333-us-east-1-0001.json"), "[v2]");
    PublishReportDate.publish(new Configuration(), again.toString(), root.toString(), D, false);
    Path report = root.resolve("report/report_date=2026-11-29");
    assertThat(report.resolve("index.html")).hasContent("<html>v2");
    assertThat(report.resolve("findings.csv")).hasContent("csv");
    assertThat(root.resolve("export/asff/report_date=2026-11-29/old-name-0001.json")).doesNotExist();
    assertThat(root.resolve("export/asff/report_date=2026-11-29/111122223333-us-east-1-0001.json")).hasContent("[v2]");
    assertThat(root.resolve("events/report_date=2026-11-29/event_date=2026-11-28/part-0.parquet")).exists();
  }

  @Test
  void thePreviousReportIsAtLeastAWeekOlder() throws IOException {
    Path root = tmp.resolve("root");
    for (String d : List.of("2026-11-15", "2026-11-22", "2026-11-26")) {
      file(root.resolve("run/report_date=" + d + "/run.json"), "{}");
      file(root.resolve("_commits/report_date=" + d + ".json"), "{}");
    }
    Configuration c = new Configuration();
    assertThat(ReportLayout.previous(c, root.toString(), D, 7)).contains(LocalDate.of(2026, 11, 22));
    // A date whose publish did not commit (no marker) is not a report.
    Files.delete(root.resolve("_commits/report_date=2026-11-22.json"));
    assertThat(ReportLayout.previous(c, root.toString(), D, 7)).contains(LocalDate.of(2026, 11, 15));
    assertThat(ReportLayout.dates(c, root.toString())).containsExactly(LocalDate.of(2026, 11, 15), LocalDate.of(2026, 11, 26));
    file(root.resolve("_commits/report_date=2026-11-22.json"), "{}");
    assertThat(ReportLayout.previous(c, root.toString(), LocalDate.of(2026, 11, 21), 7)).isEmpty();
    assertThat(ReportLayout.previous(c, tmp.resolve("nowhere").toString(), D, 7)).isEmpty();
  }
}
