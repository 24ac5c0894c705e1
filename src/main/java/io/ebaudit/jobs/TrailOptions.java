package io.ebaudit.jobs;

import io.ebaudit.config.IngestConfig;
import io.ebaudit.config.RunOptions;
import io.ebaudit.config.Settings;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Option;

/** The trail-reading options shared by {@code ingest}, {@code analyze} and later commands. */
public final class TrailOptions {
  @Option(names = "--trail", required = true, split = ",", paramLabel = "URI",
      description = "A trail root: the bucket, a prefix, AWSLogs/ or a folder inside it; or files. Repeatable.")
  List<String> trails = new ArrayList<>();

  @Option(names = "--from", paramLabel = "DATE", description = "First day (UTC, inclusive), e.g. 2026-11-22.")
  LocalDate from;

  @Option(names = "--to", paramLabel = "DATE", description = "Last day (UTC, inclusive); defaults to today with --from.")
  LocalDate to;

  @Option(names = "--accounts", split = ",", paramLabel = "ID", description = "Only these account ids.")
  List<String> accounts = new ArrayList<>();

  @Option(names = "--regions", split = ",", paramLabel = "REGION", description = "Only these regions.")
  List<String> regions = new ArrayList<>();

  @Option(names = "--max-reject-ratio", paramLabel = "R",
      description = "Fail when more than this share is quarantined (default: ingest.max_reject_ratio, 0.01).")
  Double maxRejectRatio;

  @picocli.CommandLine.Mixin DigestOptions digests = new DigestOptions();

  @Option(names = "--incremental",
      description = "Read only log objects not read before (manifest under DIR/_ebaudit/manifest/) and merge their"
          + " events into DIR/events; the rest of the outputs are rebuilt from the merged table.")
  boolean incremental;

  IngestConfig ingestConfig(String out, Settings settings) {
    return IngestConfig.of(trails, from, to, new LinkedHashSet<>(accounts), new LinkedHashSet<>(regions), out,
        maxRejectRatio, settings).withRun(RunOptions.of(digests.verifyDigests, digests.publicKeys, incremental, settings));
  }
}
