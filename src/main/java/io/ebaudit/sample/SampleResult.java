package io.ebaudit.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@link TrailGenerator#generate} wrote.
 *
 * @param out the directory that holds {@code AWSLogs/}
 * @param accountIds the generated 12-digit account ids, in order
 * @param logFiles CloudTrail log files ({@code .json.gz} with {@code Records}), duplicates' files included
 * @param digestFiles hourly CloudTrail-Digest files
 * @param otherFiles everything else (Config writability checks, CloudTrail-Insight files)
 * @param events records in log files, duplicates included
 * @param duplicates records delivered a second time (same {@code eventID})
 * @param uncompressedBytes uncompressed JSON bytes of the log files
 * @param compressedBytes bytes on disk of all files written
 * @param elapsed wall-clock time of the generation
 * @param iamFiles one {@code get-account-authorization-details} export per account, under
 *                 {@code out/iam/} (beside {@code AWSLogs/}), in account order
 * @param tampered what {@link SampleSpec#tamper()} planted: the object (key below {@code out}) per kind
 */
public record SampleResult(
    Path out,
    List<String> accountIds,
    long logFiles,
    long digestFiles,
    long otherFiles,
    long events,
    long duplicates,
    long uncompressedBytes,
    long compressedBytes,
    Duration elapsed,
    List<Path> iamFiles,
    java.util.Map<Tamper, String> tampered) {

  public SampleResult {
    tampered = tampered == null ? java.util.Map.of() : java.util.Map.copyOf(tampered);
  }

  /** The {@code list-public-keys} export of the key that signed the digests. */
  public Path publicKeys() {
    return out.resolve(TrailGenerator.PUBLIC_KEYS);
  }

  /** The folder holding {@link #iamFiles()}: what {@code analyze --iam} takes. */
  public Path iamDir() {
    return out.resolve(IamSample.FOLDER);
  }

  /** The sample's {@code list-platform-versions} export ({@link PlatformSample}): what {@code analyze --platforms} takes. */
  public Path platformsDir() {
    return out.resolve(PlatformSample.FOLDER);
  }

  /** One paragraph for a terminal. */
  public String summary() {
    double secs = elapsed.toMillis() / 1000.0;
    return String.format(
        java.util.Locale.ROOT,
        "Wrote a synthetic CloudTrail archive to %s: %,d log files, %,d digest files and %,d other"
            + " files for accounts %s; %,d events (%,d delivered twice), %,d bytes of JSON"
            + " (%.1f MB), %,d bytes on disk (%.1f MB compressed) in %.1f s (%.1f MB/s of JSON);"
            + " %d IAM authorization-details exports in %s; digests signed with the sample key in %s%s.",
        out.resolve("AWSLogs"),
        logFiles,
        digestFiles,
        otherFiles,
        String.join(", ", accountIds),
        events,
        duplicates,
        uncompressedBytes,
        uncompressedBytes / 1048576.0,
        compressedBytes,
        compressedBytes / 1048576.0,
        secs,
        secs <= 0 ? 0.0 : uncompressedBytes / 1048576.0 / secs,
        iamFiles.size(),
        iamDir(),
        publicKeys(),
        tampered.isEmpty() ? "" : "; TAMPERED (for integrity checks): " + tampered);
  }
}
