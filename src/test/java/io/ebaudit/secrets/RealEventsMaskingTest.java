package io.ebaudit.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * Masking on the real third-party CloudTrail records in {@code src/test/resources/real}: they hold no
 * customer secrets, so nothing CloudTrail wrote may change. Only Panther's enrichment list
 * {@code p_any_trace_ids} (access key ids with no field name to say so) is masked.
 */
class RealEventsMaskingTest {
  private static final ObjectMapper M = new ObjectMapper();

  @Test
  void realRecordsKeepEverythingCloudTrailWrote() throws Exception {
    int records = 0;
    int changed = 0;
    for (String f : new String[] {"/real/panther/aws_cloudtrail_rules_test_events.json",
        "/real/trailscraper/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json",
        "/real/awsdocs/UpdateEnvironment_example_2023.json"}) {
      JsonNode root;
      try (InputStream in = getClass().getResourceAsStream(f)) {
        root = M.readTree(in);
      }
      for (JsonNode r : root.has("Records") ? root.get("Records") : root) {
        records++;
        String s = M.writeValueAsString(r);
        String masked = Secrets.maskJson(s);
        if (masked == s) {
          continue;
        }
        changed++;
        ObjectNode before = (ObjectNode) M.readTree(s);
        ObjectNode after = (ObjectNode) M.readTree(masked);
        assertThat(after.get("p_any_trace_ids").toString()).contains(Secrets.MASK);
        before.remove("p_any_trace_ids");
        after.remove("p_any_trace_ids");
        assertThat(after).isEqualTo(before);
      }
    }
    assertThat(records).isEqualTo(454);
    assertThat(changed).isPositive();
  }
}
