package io.ebaudit.jobs;

import io.ebaudit.sample.SampleResult;
import io.ebaudit.sample.SampleSpec;
import io.ebaudit.sample.TrailGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ebaudit sample}: writes a synthetic CloudTrail archive with a scripted Beanstalk story. */
@Command(
    name = "sample",
    mixinStandardHelpOptions = true,
    description = "Write a synthetic CloudTrail archive in the real S3 layout.")
public final class SampleCommand implements Callable<Integer> {

  @Spec CommandSpec command;

  @Option(names = "--out", required = true, description = "Directory to write AWSLogs/ under.")
  Path out;

  @Option(names = "--accounts", defaultValue = "3", description = "Number of accounts (${DEFAULT-VALUE}).")
  int accounts;

  @Option(
      names = "--regions",
      split = ",",
      defaultValue = "us-east-1,eu-west-1",
      description = "Comma-separated regions (${DEFAULT-VALUE}).")
  List<String> regions;

  @Option(names = "--from", description = "First day, YYYY-MM-DD (default: 7 days ago, UTC).")
  String from;

  @Option(names = "--days", defaultValue = "7", description = "Days of activity (${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--seed", defaultValue = "42", description = "RNG seed (${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--target-size",
      description = "Uncompressed JSON to aim for, e.g. 2GB, 500MB, 1.5G (default: a small demo).")
  String targetSize;

  @Option(names = "--organization-id", description = "Write the organization-trail layout.")
  String organizationId;

  @Option(
      names = "--duplicate-ratio",
      defaultValue = "0.002",
      description = "Share of events delivered twice (${DEFAULT-VALUE}).")
  double duplicateRatio;

  @Option(
      names = "--bucket",
      defaultValue = SampleSpec.DEFAULT_BUCKET,
      description = "Bucket name written into digests (${DEFAULT-VALUE}).")
  String bucket;

  @Option(names = "--threads", description = "Writer threads (default: cores, at most 4).")
  Integer threads;

  @Option(names = "--tamper", split = ",", paramLabel = "KIND",
      description = "Plant damage for integrity checks: delete-log, modify-log, add-log, delete-digest (default: none).")
  List<String> tamper = new java.util.ArrayList<>();

  @Override
  public Integer call() {
    SampleSpec defaults = SampleSpec.defaults(out);
    LocalDate start = from == null ? LocalDate.now(ZoneOffset.UTC).minusDays(7) : date(from);
    SampleSpec spec =
        new SampleSpec(
            out,
            accounts,
            regions,
            start,
            days,
            seed,
            targetSize == null ? 0 : SampleSpec.parseSize(targetSize),
            organizationId,
            duplicateRatio,
            bucket,
            defaults.trailName(),
            threads == null ? defaults.threads() : threads,
            io.ebaudit.sample.Tamper.parse(tamper));
    try {
      SampleResult result = TrailGenerator.generate(spec);
      command.commandLine().getOut().println(result.summary());
      command.commandLine().getOut().flush();
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot generate sample in " + out + ": " + e.getMessage(), e);
    }
  }

  private static LocalDate date(String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "Cannot generate sample: --from must be a date like 2024-05-01, got " + text, e);
    }
  }
}
