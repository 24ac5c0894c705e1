package io.ebaudit.jobs;

import io.ebaudit.config.Settings;
import io.ebaudit.io.Storage;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ebaudit report}: renders a published report date again from its tables. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Render ROOT/report/report_date=D/ (index.html, summary.md) and the exports again from the tables a"
        + " weekly run published, without recomputing them. Exit codes as weekly.")
public final class ReportCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "ROOT", description = "The weekly output root (local or s3a).")
  String out;

  @Option(names = "--report-date", paramLabel = "DATE", description = "The report date; default: today (UTC).")
  LocalDate reportDate;

  @Option(names = "--fail-on", paramLabel = "SEVERITY",
      description = "Exit 3 when an open finding of this severity or higher exists.")
  String failOn;

  @Mixin SettingsOptions settings = new SettingsOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    String severity = ReportJob.failOn(failOn);
    SparkSession spark = SparkSessions.forCli("report");
    Settings st = settings.load(spark.sparkContext().hadoopConfiguration());
    LocalDate date = reportDate != null ? reportDate : LocalDate.now(ZoneOffset.UTC);
    ReportJob.Rendered r = ReportJob.rerender(spark, out, date, st, Clock.systemUTC());
    String root = Storage.qualify(spark.sparkContext().hadoopConfiguration(), out);
    spec.commandLine().getOut().print(ReportJob.describe(r, root, date));
    spec.commandLine().getOut().flush();
    int code = ReportJob.failOnExit(r.openBySeverity(), severity);
    if (code != 0) {
      spec.commandLine().getErr().println("ebaudit: open findings at or above " + severity + ": " + r.openBySeverity());
      spec.commandLine().getErr().flush();
    }
    return code;
  }
}
