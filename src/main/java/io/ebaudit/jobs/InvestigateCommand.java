package io.ebaudit.jobs;

import io.ebaudit.investigate.TimeWindow;
import io.ebaudit.investigate.Timelines;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ebaudit investigate}: timelines of a principal or an environment over an earlier run's outputs. */
@Command(name = "investigate", mixinStandardHelpOptions = true,
    description = "Timelines over the outputs of an earlier analyze or weekly run (DIR).",
    subcommands = {InvestigateCommand.Principal.class, InvestigateCommand.Environment.class})
public final class InvestigateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** Options both investigations take. */
  static class Common {
    @Option(names = "--data", required = true, paramLabel = "DIR",
        description = "Output root of an earlier run (local or s3a): analyze --out or weekly --out.")
    String data;

    @Option(names = "--report-date", paramLabel = "DATE",
        description = "In a weekly root, the report date to read (default: the latest).")
    String reportDate;

    @Option(names = "--from", paramLabel = "WHEN",
        description = "Start (UTC, inclusive): a day (2026-11-22) or an instant (2026-11-22T08:30:00Z).")
    String from;

    @Option(names = "--to", paramLabel = "WHEN",
        description = "End (UTC): a day is included whole; an instant is exclusive.")
    String to;

    @Option(names = "--json", description = "One JSON document instead of the terminal timeline.")
    boolean json;

    @Option(names = "--include-reads", description = "Show successful read-only calls too (Describe*, List*, Get*).")
    boolean includeReads;

    @Option(names = "--limit", defaultValue = "500", paramLabel = "N",
        description = "Timeline rows at most (${DEFAULT-VALUE}); the summary counts them all.")
    int limit;

    @Spec CommandSpec spec;

    Timelines.Options options() {
      return new Timelines.Options(TimeWindow.parse(from, to), limit, includeReads, json);
    }

    int print(String what, java.util.function.Function<SparkSession, String> run) {
      Timelines.Options o = options(); // fails on bad options before Spark starts
      long t0 = System.nanoTime();
      SparkSession spark = SparkSessions.forCli("investigate " + what);
      long t1 = System.nanoTime();
      String out = run.apply(spark);
      long t2 = System.nanoTime();
      spec.commandLine().getOut().print(out);
      spec.commandLine().getOut().flush();
      System.err.printf("ebaudit: spark session started in %.1f s; %s answered in %.1f s%n", (t1 - t0) / 1e9, what,
          (t2 - t1) / 1e9);
      return 0;
    }
  }

  @Command(name = "principal", mixinStandardHelpOptions = true,
      description = "Everything a principal (role, user; ARN or name) did in the window, with its permission verdicts.")
  static final class Principal extends Common implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ARN", description = "The principal: an ARN (role, user, session) or a role or user name.")
    String principal;

    @Override
    public Integer call() {
      return print("principal", spark -> run(spark));
    }

    String run(SparkSession spark) {
      return InvestigateJob.principal(spark, data, reportDate, principal, options());
    }
  }

  @Command(name = "environment", mixinStandardHelpOptions = true,
      description = "An environment's Elastic Beanstalk calls in the window: who, how, what changed, findings, impact.")
  static final class Environment extends Common implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "The environment: its name or id (e-…).")
    String environment;

    @Override
    public Integer call() {
      return print("environment", spark -> run(spark));
    }

    String run(SparkSession spark) {
      return InvestigateJob.environment(spark, data, reportDate, environment, options());
    }
  }
}
