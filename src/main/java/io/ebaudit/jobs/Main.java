package io.ebaudit.jobs;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one entry point, locally ({@code jobs/ebaudit}) and on EMR ({@code spark-submit --class}). */
@Command(
    name = "ebaudit",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Audit Elastic Beanstalk changes, posture and permissions from CloudTrail archives.",
    subcommands = {SampleCommand.class, IngestCommand.class, AnalyzeCommand.class, WeeklyCommand.class,
        ReportCommand.class, ExportMetricsCommand.class, InvestigateCommand.class, DemoCommand.class,
        BenchSparkJsonCommand.class})
public final class Main {
  /** Exit code of {@code weekly} and {@code report} when open findings at or above {@code --fail-on} exist. */
  public static final int EXIT_FINDINGS = 3;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code; config errors print one line, no stack trace. */
  public static int execute(String... args) {
    return execute(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
  }

  /** As {@link #execute(String...)}, writing to the given streams (tests read them). */
  public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main()).setOut(out).setErr(err);
    cli.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          if (ex instanceof IllegalArgumentException || ex instanceof java.io.UncheckedIOException) {
            cmd.getErr().println("ebaudit: " + ex.getMessage());
            cmd.getErr().flush();
            return 2;
          }
          throw ex;
        });
    return cli.execute(args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"ebaudit " + (v == null ? "dev" : v)};
    }
  }
}
