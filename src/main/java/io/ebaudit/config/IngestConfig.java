package io.ebaudit.config;

import io.ebaudit.trail.TrailDiscovery;
import io.ebaudit.trail.TrailReader;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/**
 * What {@code ingest} reads and where it writes. Validated on construction, on the driver.
 *
 * @param trails roots to read: local paths, {@code file:} or {@code s3a:} URIs
 * @param filter accounts, regions and the inclusive date window (null dates: everything)
 * @param out the output root; {@code events/}, {@code quarantine/} and {@code ingest-summary.json} go below it
 * @param maxRejectRatio the run fails when the quarantined share is above this
 * @param run digest verification and incremental reading ({@link RunOptions#defaults()}: neither)
 */
public record IngestConfig(
    List<String> trails,
    TrailDiscovery.Filter filter,
    String out,
    double maxRejectRatio,
    TrailReader.Options read,
    int listingThreads,
    RunOptions run) {

  public IngestConfig(List<String> trails, TrailDiscovery.Filter filter, String out, double maxRejectRatio,
      TrailReader.Options read, int listingThreads) {
    this(trails, filter, out, maxRejectRatio, read, listingThreads, RunOptions.defaults());
  }

  public IngestConfig {
    run = run == null ? RunOptions.defaults() : run;
    trails = List.copyOf(trails);
    if (trails.isEmpty()) {
      throw new IllegalArgumentException("Cannot ingest: at least one --trail is needed, got none");
    }
    for (String t : trails) {
      if (t == null || t.isBlank()) {
        throw new IllegalArgumentException("Cannot ingest: a --trail is blank, got '" + t + "'");
      }
    }
    if (out == null || out.isBlank()) {
      throw new IllegalArgumentException("Cannot ingest: --out is required, got nothing");
    }
    if (!(maxRejectRatio >= 0 && maxRejectRatio <= 1)) {
      throw new IllegalArgumentException("Cannot ingest: --max-reject-ratio must be from 0 to 1, got " + maxRejectRatio);
    }
    if ((filter.from() == null) != (filter.to() == null)) {
      throw new IllegalArgumentException("Cannot ingest: --from and --to go together, got from="
          + filter.from() + " to=" + filter.to());
    }
    if (filter.from() != null && filter.to().isBefore(filter.from())) {
      throw new IllegalArgumentException("Cannot ingest: --to is before --from, got " + filter.from() + ".." + filter.to());
    }
    if (listingThreads < 1) {
      throw new IllegalArgumentException("Cannot ingest: listing threads must be at least 1, got " + listingThreads);
    }
  }

  /** This config with other run options. */
  public IngestConfig withRun(RunOptions options) {
    return new IngestConfig(trails, filter, out, maxRejectRatio, read, listingThreads, options);
  }

  /** This config writing to another output root. */
  public IngestConfig withOut(String root) {
    return new IngestConfig(trails, filter, root, maxRejectRatio, read, listingThreads, run);
  }

  /** Builds a config from command-line values and the layered settings. */
  public static IngestConfig of(List<String> trails, LocalDate from, LocalDate to, Set<String> accounts,
      Set<String> regions, String out, Double maxRejectRatio, Settings settings) {
    LocalDate f = from;
    LocalDate t = to;
    if (f != null && t == null) {
      t = LocalDate.now(java.time.ZoneOffset.UTC);
    }
    if (f == null && t != null) {
      throw new IllegalArgumentException("Cannot ingest: --to needs --from, got --to " + t);
    }
    double ratio = maxRejectRatio != null ? maxRejectRatio : settings.getDouble("ingest.max_reject_ratio", 0, 1);
    TrailReader.Options read = new TrailReader.Options(
        settings.getLong("ingest.max_record_bytes", 1),
        settings.getLong("ingest.max_file_bytes", 1),
        settings.getLong("ingest.target_task_bytes", 1),
        settings.getLong("ingest.max_task_bytes", 1));
    return new IngestConfig(trails, new TrailDiscovery.Filter(Set.copyOf(accounts), Set.copyOf(regions), f, t),
        out, ratio, read, settings.getInt("ingest.listing_threads", 1, 256));
  }
}
