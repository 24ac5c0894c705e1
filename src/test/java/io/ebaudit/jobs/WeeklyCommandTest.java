package io.ebaudit.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ebaudit.config.Settings;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** weekly's command line: digest options, report dates as days or scheduler instants. */
class WeeklyCommandTest {
  private static WeeklyJob.Config parse(String... args) {
    CommandLine cli = new CommandLine(new Main());
    CommandLine.ParseResult r = cli.parseArgs(args);
    WeeklyCommand weekly = (WeeklyCommand) r.subcommand().commandSpec().userObject();
    return weekly.config(Settings.defaults());
  }

  @Test
  void digestOptionsIncrementalAndADayReachTheRun() {
    WeeklyJob.Config c = parse("weekly", "--trail", "s3a://trail/AWSLogs/", "--out", "s3a://audit/ebaudit",
        "--report-date", "2026-11-29", "--verify-digests", "--public-keys", "s3a://artifacts/public-keys.json");
    assertThat(c.reportDate()).isEqualTo(LocalDate.of(2026, 11, 29));
    assertThat(c.run().verifyDigests()).isTrue();
    assertThat(c.run().publicKeys()).isEqualTo("s3a://artifacts/public-keys.json");
    assertThat(c.run().incremental()).isFalse();
    assertThat(parse("weekly", "--trail", "t", "--out", "o").run().verifyDigests()).isFalse();
    assertThat(parse("weekly", "--trail", "t", "--out", "o", "--incremental").run().incremental()).isTrue();
  }

  @Test
  void aSchedulerInstantMeansTheLastWholeDayBeforeIt() {
    assertThat(parse("weekly", "--trail", "t", "--out", "o", "--report-date", "2026-11-30T06:00:00Z").reportDate())
        .isEqualTo(LocalDate.of(2026, 11, 29));
    assertThat(parse("weekly", "--trail", "t", "--out", "o").reportDate()).isNull(); // the job's default: today
    assertThatThrownBy(() -> parse("weekly", "--trail", "t", "--out", "o", "--report-date", "last monday"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot parse --report-date: expected a day like 2026-11-29 or an instant like"
            + " 2026-11-30T06:00:00Z, got last monday");
  }
}
