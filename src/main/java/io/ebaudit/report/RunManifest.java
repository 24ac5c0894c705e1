package io.ebaudit.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;

/**
 * {@code run.json}: what one weekly run read and when, so that {@code report} can re-render the data
 * quality section without the inputs. Times are ISO-8601 UTC; {@code modified} is the input file's
 * modification time (on S3 its upload time), the age the report shows for IAM exports and catalogs.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunManifest(
    @JsonProperty("report_date") String reportDate,
    @JsonProperty("window_from") String windowFrom,
    @JsonProperty("window_to") String windowTo,
    @JsonProperty("started_at") String startedAt,
    @JsonProperty("finished_at") String finishedAt,
    @JsonProperty("ebaudit_version") String version,
    @JsonProperty("trails") List<String> trails,
    @JsonProperty("iam_exports") List<InputFile> iamExports,
    @JsonProperty("platform_exports") List<InputFile> platformExports,
    @JsonProperty("metrics") List<String> metrics,
    @JsonProperty("snapshots") List<String> snapshots,
    @JsonProperty("platform_catalog_source") String platformCatalogSource,
    @JsonProperty("platform_catalog_as_of") String platformCatalogAsOf) {

  /** An input file and its modification time. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record InputFile(@JsonProperty("path") String path, @JsonProperty("modified") String modified) {}

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public String toJson() {
    try {
      return JSON.writeValueAsString(this) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static RunManifest fromJson(String json) {
    try {
      return JSON.readValue(json, RunManifest.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot read run.json: " + e.getOriginalMessage(), e);
    }
  }
}
