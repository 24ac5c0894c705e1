package io.ebaudit.trail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordParserTest {

  private static final String E1 = """
      {"eventVersion":"1.10","eventID":"e-1","eventTime":"2026-11-20T10:00:00Z",
       "eventSource":"elasticbeanstalk.amazonaws.com","eventName":"UpdateEnvironment","awsRegion":"us-east-1",
       "userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::123456789012:assumed-role/Admin/alice",
         "accountId":"123456789012","principalId":"AROA:alice",
         "sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::123456789012:role/ops/Admin",
           "accountId":"123456789012","userName":"Admin"},
           "attributes":{"mfaAuthenticated":"true","creationDate":"2026-11-20T09:00:00Z"}}},
       "sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2.15.0",
       "requestParameters":{"environmentName":"shop-prod","optionSettings":[{"namespace":"aws:autoscaling:launchconfiguration","optionName":"DisableIMDSv1","value":"false"}]},
       "responseElements":null,"readOnly":false,"managementEvent":"true","eventCategory":"Management",
       "recipientAccountId":"123456789012","resources":[{"ARN":"arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/shop/shop-prod","accountId":"123456789012","type":"AWS::ElasticBeanstalk::Environment"}],
       "tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"elasticbeanstalk.us-east-1.amazonaws.com"},
       "someFutureField":{"nested":[1,2,3]}}""";

  @Test
  void envelopeRecordIsNormalized() {
    ParsedFile f = ParsedFile.of("{\"Records\":[" + E1 + "]}");
    assertThat(f.problems).isEmpty();
    assertThat(f.counts).isEqualTo(new RecordParser.FileCounts(1, 1, 0, false));
    Map<String, Object> e = f.event("e-1");
    assertThat(e.get("event_version")).isEqualTo("1.10"); // a string: "1.10" is not 1.1
    assertThat(e.get("event_time")).isEqualTo(EventTimes.parseMicros("2026-11-20T10:00:00Z"));
    assertThat(e.get("event_date")).isEqualTo((int) java.time.LocalDate.of(2026, 11, 20).toEpochDay());
    assertThat(e.get("principal_arn")).isEqualTo("arn:aws:iam::123456789012:role/ops/Admin");
    assertThat(e.get("principal_kind")).isEqualTo(Principals.ASSUMED_ROLE);
    assertThat(e.get("session_name")).isEqualTo("alice");
    assertThat(e.get("session_mfa_authenticated")).isEqualTo(true);
    assertThat(e.get("session_creation_date")).isEqualTo(EventTimes.parseMicros("2026-11-20T09:00:00Z"));
    assertThat(e.get("iam_action")).isEqualTo("elasticbeanstalk:UpdateEnvironment");
    assertThat(e.get("failed")).isEqualTo(false);
    assertThat(e.get("service_originated")).isEqualTo(false);
    assertThat(e.get("read_only")).isEqualTo(false);
    assertThat(e.get("management_event")).isEqualTo(true); // the string "true" too
    assertThat(e.get("response_elements")).isNull();
    // Raw members are the exact source text.
    assertThat(e.get("request_parameters")).isEqualTo(
        "{\"environmentName\":\"shop-prod\",\"optionSettings\":[{\"namespace\":\"aws:autoscaling:launchconfiguration\",\"optionName\":\"DisableIMDSv1\",\"value\":\"false\"}]}");
    assertThat(e.get("source_object")).isEqualTo("test.json");
  }

  @Test
  void bareArrayAndJsonLinesAreAccepted() {
    String e2 = E1.replace("\"e-1\"", "\"e-2\"").replace("\n", " ");
    String e1 = E1.replace("\n", " ");
    ParsedFile array = ParsedFile.of("[" + e1 + ",\n" + e2 + "]");
    ParsedFile lines = ParsedFile.of(e1 + "\n" + e2 + "\n");
    assertThat(array.events).extracting(m -> m.get("event_id")).containsExactly("e-1", "e-2");
    assertThat(lines.events).extracting(m -> m.get("event_id")).containsExactly("e-1", "e-2");
    // Raw slices are right past the first line too (offsets are per parser).
    assertThat(lines.event("e-2").get("request_parameters")).isEqualTo(array.event("e-2").get("request_parameters"));
    assertThat(lines.event("e-2").get("request_parameters").toString()).startsWith("{\"environmentName\"");
  }

  @Test
  void aBrokenJsonLineCostsOneRecord() {
    String e1 = E1.replace("\n", " ");
    String e3 = E1.replace("\"e-1\"", "\"e-3\"").replace("\n", " ");
    ParsedFile f = ParsedFile.of(e1 + "\n{\"eventID\":\"e-2\", \"eventTime\": tru\n" + e3 + "\n");
    assertThat(f.events).extracting(m -> m.get("event_id")).containsExactly("e-1", "e-3");
    assertThat(f.problems).singleElement().satisfies(p -> {
      assertThat(p.scope()).isEqualTo("record");
      assertThat(p.reason()).startsWith("malformed JSON");
      assertThat(p.excerpt()).contains("\"e-2\"");
    });
    assertThat(f.counts).isEqualTo(new RecordParser.FileCounts(3, 2, 1, false));
  }

  @Test
  void truncatedEnvelopeKeepsEarlierRecordsAndQuarantinesTheRest() {
    String whole = "{\"Records\":[" + E1 + "," + E1.replace("\"e-1\"", "\"e-2\"") + "]}";
    String truncated = whole.substring(0, whole.length() - 40);
    ParsedFile f = ParsedFile.of(truncated);
    assertThat(f.events).extracting(m -> m.get("event_id")).containsExactly("e-1");
    assertThat(f.counts.fileProblem()).isTrue();
    assertThat(f.problems).singleElement().satisfies(p -> {
      assertThat(p.scope()).isEqualTo("file");
      assertThat(p.reason()).contains("malformed JSON").contains("after 1 records");
    });
  }

  @Test
  void notJsonAndNotCloudTrailAreFileProblems() {
    assertThat(ParsedFile.of("hello, world").reasons()).singleElement().asString().startsWith("not JSON");
    assertThat(ParsedFile.of("   \n").reasons()).containsExactly("empty file: no JSON content");
    assertThat(ParsedFile.of("{\"awsAccountId\":\"1\",\"logFiles\":[]}").reasons())
        .singleElement().asString().startsWith("not CloudTrail");
    assertThat(ParsedFile.of("{\"Records\":{\"a\":1}}").reasons())
        .containsExactly("not CloudTrail: \"Records\" is not an array");
    ParsedFile f = ParsedFile.of("[1, \"x\", " + E1 + "]");
    assertThat(f.events).hasSize(1);
    assertThat(f.reasons()).containsExactly("not an event: a JSON number in the record list",
        "not an event: a JSON string in the record list");
    assertThat(f.counts).isEqualTo(new RecordParser.FileCounts(3, 1, 2, false));
  }

  @Test
  void recordsMissingRequiredFieldsOrWithBadTypesAreQuarantinedWithTheReason() {
    String noId = E1.replace("\"eventID\":\"e-1\",", "");
    String nullSource = E1.replace("\"elasticbeanstalk.amazonaws.com\"", "null");
    String badTime = E1.replace("2026-11-20T10:00:00Z", "...");
    String badIdentity = E1.replace("\"userIdentity\":{", "\"userIdentity\":\"alice\",\"x\":{");
    String badBool = E1.replace("\"readOnly\":false", "\"readOnly\":\"sometimes\"");
    String badResources = E1.replace("\"resources\":[", "\"resources\":7,\"y\":[");
    ParsedFile f = ParsedFile.of("{\"Records\":[" + String.join(",", noId, nullSource, badTime, badIdentity, badBool, badResources) + "]}");
    assertThat(f.events).isEmpty();
    assertThat(f.reasons()).containsExactly(
        "missing eventID", "missing eventSource", "eventTime is not an ISO-8601 time: '...'",
        "userIdentity is not an object: a JSON string", "readOnly is not a boolean: 'sometimes'",
        "resources is not an array");
    assertThat(f.problems).extracting(RecordParser.Problem::recordIndex).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(f.problems.get(1).eventId()).isEqualTo("e-1");
    assertThat(f.counts).isEqualTo(new RecordParser.FileCounts(6, 0, 6, false));
  }

  @Test
  void hugeRecordsAreQuarantinedNotKept() {
    String big = "x".repeat(9 << 20);
    String huge = E1.replace("\"someFutureField\"", "\"padding\":\"" + big + "\",\"someFutureField\"");
    ParsedFile f = ParsedFile.of("{\"Records\":[" + huge + "," + E1.replace("\"e-1\"", "\"e-2\"") + "]}");
    assertThat(f.events).extracting(m -> m.get("event_id")).containsExactly("e-2");
    assertThat(f.reasons()).singleElement().asString().contains("over the limit of 8388608");
    assertThat(f.problems.get(0).excerpt()).hasSizeLessThanOrEqualTo(RecordParser.EXCERPT_BYTES);
  }

  @Test
  void utf8BomAndNonAsciiSurvive() {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    String json = "{\"Records\":[" + E1.replace("aws-cli/2.15.0", "Müller's ünïcode — ☃") + "]}";
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[bom.length + body.length];
    System.arraycopy(bom, 0, all, 0, 3);
    System.arraycopy(body, 0, all, 3, body.length);
    ParsedFile f = ParsedFile.of(all, "bom.json");
    assertThat(f.event("e-1").get("user_agent")).isEqualTo("Müller's ünïcode — ☃");
  }

  @Test
  void failedCallsAndServicePrincipals() {
    String failed = E1.replace("\"responseElements\":null", "\"errorCode\":\"AccessDenied\",\"errorMessage\":\"no\",\"responseElements\":null");
    assertThat(ParsedFile.of(failed).event("e-1")).containsEntry("failed", true).containsEntry("error_code", "AccessDenied");
    String service = """
        {"eventID":"s-1","eventTime":"2026-11-20T10:00:00Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole",
         "userIdentity":{"type":"AWSService","invokedBy":"elasticbeanstalk.amazonaws.com"},
         "sourceIPAddress":"elasticbeanstalk.amazonaws.com","eventType":"AwsApiCall"}""";
    assertThat(ParsedFile.of(service).event("s-1"))
        .containsEntry("principal_kind", Principals.AWS_SERVICE)
        .containsEntry("principal_arn", "elasticbeanstalk.amazonaws.com")
        .containsEntry("service_originated", true)
        .containsEntry("iam_action", "sts:AssumeRole");
  }

  @Test
  void realTrailscraperLogFile() {
    ParsedFile f = ParsedFile.resource("/real/trailscraper/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json.gz");
    assertThat(f.problems).isEmpty();
    assertThat(f.events).hasSize(2);
    assertThat(f.events.get(0))
        .containsEntry("event_name", "DescribeLaunchConfigurations")
        .containsEntry("principal_arn", "arn:aws:iam::111111111111:role/someRole")
        .containsEntry("iam_action", "autoscaling:DescribeLaunchConfigurations")
        .containsEntry("service_originated", true) // sourceIPAddress config.amazonaws.com
        .containsEntry("invoked_by", "config.amazonaws.com");
    assertThat(f.events.get(1)).containsEntry("principal_kind", Principals.AWS_SERVICE).containsEntry("event_name", "AssumeRole");
  }

  @Test
  void realAwsDocsUpdateEnvironmentEvent() {
    ParsedFile f = ParsedFile.resource("/real/awsdocs/UpdateEnvironment_example_2023.json");
    assertThat(f.problems).isEmpty();
    assertThat(f.event("e48b6a08-c6be-4a22-99e1-c53139cbfb18"))
        .containsEntry("event_source", "elasticbeanstalk.amazonaws.com")
        .containsEntry("principal_arn", "arn:aws:iam::123456789012:user/intern")
        .containsEntry("principal_kind", Principals.IAM_USER)
        .containsEntry("session_mfa_authenticated", false)
        .containsEntry("service_originated", false) // console, though invokedBy is signin.amazonaws.com
        .containsEntry("response_elements", null)
        .containsEntry("iam_action", "elasticbeanstalk:UpdateEnvironment");
    assertThat(f.events.get(0).get("request_parameters").toString()).contains("\"optionSettings\": []");
  }

  @Test
  void realPantherEventsAreAllAccountedFor() {
    ParsedFile f = ParsedFile.resource("/real/panther/aws_cloudtrail_rules_test_events.json");
    assertThat(f.counts.recordsRead()).isEqualTo(451);
    assertThat(f.counts.recordsKept() + f.counts.recordsQuarantined()).isEqualTo(451);
    assertThat(f.events.size() + f.problems.size()).isEqualTo(451);
    // Panther's fixtures: 48 records have no eventID, one a redacted eventTime.
    assertThat(f.reasons()).filteredOn("missing eventID"::equals).hasSize(48);
    assertThat(f.reasons()).contains("eventTime is not an ISO-8601 time: 'redacted'");
    assertThat(f.problems).allSatisfy(p -> assertThat(p.scope()).isEqualTo("record"));
    // Panther's zone-less times ("2025-01-21 17:49:47.000000000") are UTC, not rejected.
    assertThat(f.events).anySatisfy(e -> assertThat(e.get("event_date"))
        .isEqualTo((int) java.time.LocalDate.of(2025, 1, 21).toEpochDay()));
  }

  @Test
  void processingLibraryEdgeCases() {
    ParsedFile bad = ParsedFile.resource("/real/processing-library/SerializerTestFileBadJsonFormat.json");
    assertThat(bad.counts.fileProblem()).isTrue();
    assertThat(bad.reasons()).singleElement().asString().startsWith("malformed JSON at byte");

    ParsedFile nulls = ParsedFile.resource("/real/processing-library/SerializerAllFieldsNull.json");
    assertThat(nulls.counts.recordsRead()).isEqualTo(2);
    assertThat(nulls.reasons()).contains("missing eventID");

    for (String name : new String[] {"SerializerTestFileNewFieldsInRoot.json", "SerializerTestFileNewFieldsInUserIdentity.json",
        "SerializerTestFileNewFieldAtRandomPlaces.json", "SerializerTestFileNewFieldName.json"}) {
      ParsedFile f = ParsedFile.resource("/real/processing-library/" + name);
      assertThat(f.counts.recordsRead()).as(name).isEqualTo(2);
      assertThat(f.counts.fileProblem()).as(name).isFalse();
      assertThat(f.counts.recordsKept() + f.counts.recordsQuarantined()).as(name).isEqualTo(2);
    }
    ParsedFile gz = ParsedFile.resource("/real/processing-library/SerializerTestFileCompact.json.gz");
    ParsedFile plain = ParsedFile.resource("/real/processing-library/SerializerTestFileCompact.json");
    assertThat(gz.counts.recordsRead()).isEqualTo(6);
    assertThat(gz.events.size()).isEqualTo(plain.events.size());
  }
}
