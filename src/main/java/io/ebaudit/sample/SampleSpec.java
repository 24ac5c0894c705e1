package io.ebaudit.sample;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@link TrailGenerator} writes: an immutable, validated description of a synthetic trail.
 *
 * @param out local directory that plays the role of the bucket root ({@code AWSLogs/} goes under it)
 * @param accounts number of AWS accounts (12-digit ids are derived from {@code seed})
 * @param regions regions the trail records; IAM and STS events go to {@code us-east-1} only
 * @param from first day (UTC) of the window
 * @param days length of the window in days
 * @param seed RNG seed: same spec, same bytes
 * @param targetSizeBytes total uncompressed JSON bytes to aim for (±10 %), or 0 for a small demo trail
 * @param organizationId {@code o-...} for the organization-trail layout, or null
 * @param duplicateRatio share of events delivered a second time in a later file
 * @param bucket bucket name written into digest files
 * @param trailName trail name used in digest file names
 * @param threads worker threads for writing log files; does not change the output
 * @param tamper damage to plant after writing a correct trail ({@link Tamper}); empty for an intact trail
 */
public record SampleSpec(
    Path out,
    int accounts,
    List<String> regions,
    LocalDate from,
    int days,
    long seed,
    long targetSizeBytes,
    String organizationId,
    double duplicateRatio,
    String bucket,
    String trailName,
    int threads,
    java.util.Set<Tamper> tamper) {

  /** An intact trail (no {@link Tamper}). */
  public SampleSpec(Path out, int accounts, List<String> regions, LocalDate from, int days, long seed,
      long targetSizeBytes, String organizationId, double duplicateRatio, String bucket, String trailName,
      int threads) {
    this(out, accounts, regions, from, days, seed, targetSizeBytes, organizationId, duplicateRatio, bucket,
        trailName, threads, java.util.Set.of());
  }

  public static final String DEFAULT_BUCKET = "ebaudit-sample-trail";
  public static final String DEFAULT_TRAIL = "management-events";
  public static final List<String> DEFAULT_REGIONS = List.of("us-east-1", "eu-west-1");
  public static final long MAX_TARGET_BYTES = 1L << 40;

  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d");
  private static final Pattern ORG_ID = Pattern.compile("o-[a-z0-9]{10,32}");
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern TRAIL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{2,127}");
  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?b)?", Pattern.CASE_INSENSITIVE);

  public SampleSpec {
    if (out == null) {
      throw invalid("output directory is required", null);
    }
    if (accounts < 1 || accounts > 1000) {
      throw invalid("accounts must be between 1 and 1000", accounts);
    }
    if (regions == null || regions.isEmpty()) {
      throw invalid("at least one region is required", regions);
    }
    regions = List.copyOf(regions);
    for (String r : regions) {
      if (!REGION.matcher(r).matches()) {
        throw invalid("region must look like us-east-1", r);
      }
    }
    if (regions.stream().distinct().count() != regions.size()) {
      throw invalid("regions must be distinct", regions);
    }
    if (from == null) {
      throw invalid("a start date is required", null);
    }
    if (days < 1 || days > 366) {
      throw invalid("days must be between 1 and 366", days);
    }
    if (targetSizeBytes < 0 || targetSizeBytes > MAX_TARGET_BYTES) {
      throw invalid("target size must be between 0 (demo) and 1TB", targetSizeBytes);
    }
    if (organizationId != null && !ORG_ID.matcher(organizationId).matches()) {
      throw invalid("organization id must look like o-a1b2c3d4e5", organizationId);
    }
    if (!(duplicateRatio >= 0 && duplicateRatio <= 0.5)) {
      throw invalid("duplicate ratio must be between 0 and 0.5", duplicateRatio);
    }
    if (bucket == null || !BUCKET.matcher(bucket).matches()) {
      throw invalid("bucket must be a valid S3 bucket name", bucket);
    }
    if (trailName == null || !TRAIL.matcher(trailName).matches()) {
      throw invalid("trail name must be 3-128 letters, digits, '.', '_' or '-'", trailName);
    }
    if (threads < 1 || threads > 64) {
      throw invalid("threads must be between 1 and 64", threads);
    }
    tamper = tamper == null || tamper.isEmpty() ? java.util.Set.of()
        : java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(tamper));
  }

  /** The defaults of {@code ebaudit sample}: 3 accounts, 2 regions, the last 7 days, seed 42, demo size. */
  public static SampleSpec defaults(Path out) {
    return new SampleSpec(
        out,
        3,
        DEFAULT_REGIONS,
        LocalDate.now(ZoneOffset.UTC).minusDays(7),
        7,
        42L,
        0L,
        null,
        0.002,
        DEFAULT_BUCKET,
        DEFAULT_TRAIL,
        defaultThreads());
  }

  public SampleSpec withAccounts(int n) {
    return new SampleSpec(out, n, regions, from, days, seed, targetSizeBytes, organizationId,
        duplicateRatio, bucket, trailName, threads, tamper);
  }

  public SampleSpec withRegions(List<String> r) {
    return new SampleSpec(out, accounts, r, from, days, seed, targetSizeBytes, organizationId,
        duplicateRatio, bucket, trailName, threads, tamper);
  }

  public SampleSpec withWindow(LocalDate start, int numberOfDays) {
    return new SampleSpec(out, accounts, regions, start, numberOfDays, seed, targetSizeBytes,
        organizationId, duplicateRatio, bucket, trailName, threads, tamper);
  }

  public SampleSpec withSeed(long s) {
    return new SampleSpec(out, accounts, regions, from, days, s, targetSizeBytes, organizationId,
        duplicateRatio, bucket, trailName, threads, tamper);
  }

  public SampleSpec withTargetSizeBytes(long bytes) {
    return new SampleSpec(out, accounts, regions, from, days, seed, bytes, organizationId,
        duplicateRatio, bucket, trailName, threads, tamper);
  }

  public SampleSpec withOrganizationId(String orgId) {
    return new SampleSpec(out, accounts, regions, from, days, seed, targetSizeBytes, orgId,
        duplicateRatio, bucket, trailName, threads, tamper);
  }

  public SampleSpec withDuplicateRatio(double ratio) {
    return new SampleSpec(out, accounts, regions, from, days, seed, targetSizeBytes,
        organizationId, ratio, bucket, trailName, threads, tamper);
  }

  public SampleSpec withBucket(String b) {
    return new SampleSpec(out, accounts, regions, from, days, seed, targetSizeBytes,
        organizationId, duplicateRatio, b, trailName, threads, tamper);
  }

  public SampleSpec withThreads(int n) {
    return new SampleSpec(out, accounts, regions, from, days, seed, targetSizeBytes,
        organizationId, duplicateRatio, bucket, trailName, n, tamper);
  }

  public SampleSpec withOut(Path dir) {
    return new SampleSpec(dir, accounts, regions, from, days, seed, targetSizeBytes,
        organizationId, duplicateRatio, bucket, trailName, threads, tamper);
  }

  public SampleSpec withTamper(java.util.Set<Tamper> t) {
    return new SampleSpec(out, accounts, regions, from, days, seed, targetSizeBytes,
        organizationId, duplicateRatio, bucket, trailName, threads, t);
  }

  /**
   * Parses a size such as {@code 2GB}, {@code 500MB}, {@code 1.5G}, {@code 20m} or {@code 1048576}.
   * Units are binary (1 KB = 1024 bytes), as in Spark's and the JVM's size options.
   */
  public static long parseSize(String text) {
    if (text == null) {
      throw invalid("a size is required", null);
    }
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw invalid("size must look like 2GB, 500MB or 1.5G", text);
    }
    double n = Double.parseDouble(m.group(1));
    int shift =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    double bytes = n * (1L << shift);
    if (bytes > MAX_TARGET_BYTES) {
      throw invalid("target size must be at most 1TB", text);
    }
    return Math.round(bytes);
  }

  static int defaultThreads() {
    return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
  }

  private static IllegalArgumentException invalid(String reason, Object value) {
    return new IllegalArgumentException("Cannot generate sample: " + reason + ", got " + value);
  }
}
