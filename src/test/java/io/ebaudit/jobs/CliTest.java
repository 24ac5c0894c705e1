package io.ebaudit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.testing.SparkSuite;
import io.ebaudit.trail.IngestSummary;
import io.ebaudit.trail.TrailFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The CLI as users call it: exit codes and one-line errors. Runs on the shared test session. */
public class CliTest extends SparkSuite {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    spark(); // the commands' getOrCreate() then finds the shared session
    return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  public void configMistakesFailFastWithOneLine() throws Exception {
    String trail = tmp.newFolder("t").toString();
    String o = tmp.newFolder("o").toString();
    assertThat(run("ingest", "--trail", trail, "--out", o, "--max-reject-ratio", "1.5")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("ebaudit: Cannot ingest: --max-reject-ratio must be from 0 to 1, got 1.5\n");
    err.getBuffer().setLength(0);
    assertThat(run("ingest", "--trail", trail, "--out", o, "--from", "2026-11-20", "--to", "2026-11-01")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("ebaudit: Cannot ingest: --to is before --from, got 2026-11-20..2026-11-01\n");
    err.getBuffer().setLength(0);
    assertThat(run("ingest", "--trail", trail, "--out", o, "--set", "ingest.nope=3")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("ebaudit: Cannot configure: unknown setting ingest.nope, got ingest.nope=3\n");
    err.getBuffer().setLength(0);
    assertThat(run("ingest", "--trail", trail, "--out", o, "--set", "ingest.max_task_bytes=zero")).isEqualTo(2);
    assertThat(err.toString()).startsWith("ebaudit: Cannot configure: ingest.max_task_bytes must be a whole number");
    err.getBuffer().setLength(0);
    assertThat(run("ingest", "--out", o)).isEqualTo(2); // picocli: missing --trail
    assertThat(err.toString()).contains("Missing required option: '--trail=URI'");
  }

  @Test
  public void ingestWritesTheSummaryAndExitsZeroOrOneOnTheRejectRatio() throws Exception {
    Path trail = tmp.newFolder("trail").toPath();
    TrailFixture.write(trail, TrailFixture.logKey(null, "111122223333", "us-east-1", "2026/11/20", "OK"),
        TrailFixture.envelope(List.of(TrailFixture.event("c-1", "2026-11-20T01:02:03Z", "ec2.amazonaws.com", "RunInstances"))), true);
    TrailFixture.write(trail, TrailFixture.logKey(null, "111122223333", "us-east-1", "2026/11/20", "BAD"), "not json", true);
    Path conf = tmp.newFile("ebaudit.yaml").toPath();
    Files.writeString(conf, "ingest:\n  max_reject_ratio: 0.9\n");
    Path o = tmp.newFolder("out").toPath();
    // 1 file of 2 units quarantined: 0.5, under the --conf limit of 0.9.
    assertThat(run("ingest", "--trail", trail.toString(), "--out", o.toString(), "--conf", conf.toString())).isEqualTo(0);
    assertThat(out.toString()).contains("records: 1 read, 1 kept, 0 duplicate, 0 quarantined");
    IngestSummary s = IngestSummary.fromJson(Files.readString(o.resolve("ingest-summary.json")));
    assertThat(s.maxRejectRatio()).isEqualTo(0.9);
    // The command line beats the file.
    assertThat(run("ingest", "--trail", trail.toString(), "--out", o.toString(), "--conf", conf.toString(),
        "--max-reject-ratio", "0.1")).isEqualTo(1);
    assertThat(err.toString()).contains("Cannot finish ingest: 0.5000 of what was read was quarantined");
  }
}
