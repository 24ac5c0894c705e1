package io.ebaudit.trail;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Map;

/**
 * {@code ingest-summary.json}: the account of one ingest. Files: {@code files_listed = files_read +
 * files_skipped}; {@code files_quarantined} counts read files with a file-level problem. Records:
 * {@code records_read = records_kept + records_duplicate + records_quarantined}. In an incremental run the
 * counts are those of the new objects read, and {@code incremental} tells how they were merged.
 */
@JsonPropertyOrder(alphabetic = false)
public record IngestSummary(
    @JsonProperty("trails") List<String> trails,
    @JsonProperty("from") String from,
    @JsonProperty("to") String to,
    @JsonProperty("files_listed") long filesListed,
    @JsonProperty("files_read") long filesRead,
    @JsonProperty("files_skipped") long filesSkipped,
    @JsonProperty("files_skipped_by_reason") Map<String, Long> filesSkippedByReason,
    @JsonProperty("files_quarantined") long filesQuarantined,
    @JsonProperty("records_read") long recordsRead,
    @JsonProperty("records_kept") long recordsKept,
    @JsonProperty("records_duplicate") long recordsDuplicate,
    @JsonProperty("records_quarantined") long recordsQuarantined,
    @JsonProperty("prefixes_listed") long prefixesListed,
    @JsonProperty("compressed_bytes") long compressedBytes,
    @JsonProperty("uncompressed_bytes") long uncompressedBytes,
    @JsonProperty("reject_ratio") double rejectRatio,
    @JsonProperty("max_reject_ratio") double maxRejectRatio,
    @JsonProperty("listing_seconds") double listingSeconds,
    @JsonProperty("read_seconds") double readSeconds,
    @JsonProperty("events_path") String eventsPath,
    @JsonProperty("quarantine_path") String quarantinePath,
    @JsonProperty("incremental") Incremental incremental) {

  /**
   * How an incremental run merged: objects in the window, already read (in the manifest), read now; the
   * event days rewritten; rows of those days before, read now, and after the merge.
   */
  public record Incremental(
      @JsonProperty("run_id") String runId,
      @JsonProperty("objects_listed") long objectsListed,
      @JsonProperty("objects_known") long objectsKnown,
      @JsonProperty("objects_new") long objectsNew,
      @JsonProperty("days_rewritten") List<String> daysRewritten,
      @JsonProperty("rows_before") long rowsBefore,
      @JsonProperty("rows_new") long rowsNew,
      @JsonProperty("rows_after") long rowsAfter,
      @JsonProperty("duplicates_across_runs") long duplicatesAcrossRuns,
      @JsonProperty("manifest") String manifest) {}

  public IngestSummary(List<String> trails, String from, String to, long filesListed, long filesRead, long filesSkipped,
      Map<String, Long> filesSkippedByReason, long filesQuarantined, long recordsRead, long recordsKept,
      long recordsDuplicate, long recordsQuarantined, long prefixesListed, long compressedBytes, long uncompressedBytes,
      double rejectRatio, double maxRejectRatio, double listingSeconds, double readSeconds, String eventsPath,
      String quarantinePath) {
    this(trails, from, to, filesListed, filesRead, filesSkipped, filesSkippedByReason, filesQuarantined, recordsRead,
        recordsKept, recordsDuplicate, recordsQuarantined, prefixesListed, compressedBytes, uncompressedBytes, rejectRatio,
        maxRejectRatio, listingSeconds, readSeconds, eventsPath, quarantinePath, null);
  }

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The share of what was read that could not be kept: quarantined records and unreadable files. */
  public static double rejectRatio(long recordsRead, long recordsQuarantined, long filesQuarantined) {
    long units = recordsRead + filesQuarantined;
    return units == 0 ? 0.0 : (double) (recordsQuarantined + filesQuarantined) / units;
  }

  public boolean overThreshold() {
    return rejectRatio > maxRejectRatio;
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static IngestSummary fromJson(String json) {
    try {
      return JSON.readValue(json, IngestSummary.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot read ingest summary: " + e.getOriginalMessage(), e);
    }
  }

  /** A few lines for a terminal. */
  public String describe() {
    String inc = incremental == null ? "" : String.format("%nincremental: %,d objects in the window, %,d read before,"
            + " %,d new; %,d event days rewritten (%,d rows before, %,d new, %,d after, %,d duplicates across runs)",
        incremental.objectsListed(), incremental.objectsKnown(), incremental.objectsNew(), incremental.daysRewritten().size(),
        incremental.rowsBefore(), incremental.rowsNew(), incremental.rowsAfter(), incremental.duplicatesAcrossRuns());
    return base() + inc;
  }

  private String base() {
    return String.format(
        "files: %,d listed, %,d read, %,d skipped %s, %,d quarantined%n"
            + "records: %,d read, %,d kept, %,d duplicate, %,d quarantined (reject ratio %.4f, limit %.4f)%n"
            + "events: %s%nquarantine: %s",
        filesListed, filesRead, filesSkipped, filesSkippedByReason, filesQuarantined,
        recordsRead, recordsKept, recordsDuplicate, recordsQuarantined, rejectRatio, maxRejectRatio,
        eventsPath, quarantinePath);
  }
}
