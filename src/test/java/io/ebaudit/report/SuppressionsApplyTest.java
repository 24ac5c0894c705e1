package io.ebaudit.report;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.testing.SparkSuite;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.Test;

public class SuppressionsApplyTest extends SparkSuite {
  static final LocalDate TODAY = LocalDate.of(2026, 11, 30);
  static final String CI = "arn:aws:iam::123456789012:role/ci-deploy";
  static final String ALICE = "arn:aws:iam::123456789012:user/alice";

  private Map<String, Row> applied(List<Suppression> list) {
    Dataset<Row> in = Findings.of(spark(), List.of(
        Findings.simple("eb_imds", "batch-prod", ALICE, "r1"),
        Findings.simple("eb_imds", "web-prod", ALICE, "r2"),
        Findings.simple("eb_terminated", "review-42", CI, "r3"),
        Findings.simple("eb_terminated", "web_prod", ALICE, "r4"),
        Findings.simple("eb_old", "web-prod", ALICE, "r5"),
        Findings.simple("eb_old", null, null, null)));
    Dataset<Row> out = Suppressions.apply(in, list, TODAY);
    assertThat(out.schema()).isEqualTo(in.schema());
    Map<String, Row> byKey = new HashMap<>();
    for (Row r : out.select("resource_arn", "status", "suppression_reason", "suppressed_until").collectAsList()) {
      byKey.put(String.valueOf(r.getString(0)), r);
    }
    return byKey;
  }

  private static List<Object> state(Row r) {
    return java.util.Arrays.asList(r.get(1), r.get(2), r.get(3));
  }

  @Test
  public void matchingUnexpiredSuppressesExpiredReopensWithAReason() {
    Map<String, Row> r = applied(List.of(
        new Suppression("eb_imds", "batch-prod", null, null, "vendor agent", LocalDate.of(2027, 3, 31)),
        new Suppression("eb_terminated", null, "arn:aws:iam::123456789012:role/ci-*", null, "CI cleanup", null),
        new Suppression("eb_old", null, null, null, "was accepted", LocalDate.of(2026, 11, 29)),
        new Suppression("eb_old", "web-prod", null, null, "last day today", TODAY)));
    assertThat(state(r.get("r1"))).containsExactly("suppressed", "vendor agent", "2027-03-31");
    assertThat(state(r.get("r2"))).containsExactly("open", null, null);
    assertThat(state(r.get("r3"))).containsExactly("suppressed", "CI cleanup", null);
    assertThat(state(r.get("r4"))).containsExactly("open", null, null);
    // an unexpired match wins over an earlier expired one
    assertThat(state(r.get("r5"))).containsExactly("suppressed", "last day today", "2026-11-30");
    // only the expired one matches: open, and it says why it came back
    assertThat(state(r.get("null"))).containsExactly("open", "expired 2026-11-29: was accepted", null);
  }

  @Test
  public void globsAreNotSqlPatterns() {
    // "web_prod" must not match "web-prod": '_' is literal, only '*' is a wildcard.
    Map<String, Row> r = applied(List.of(
        new Suppression("eb_terminated", "web_prod", null, null, "exact", null),
        new Suppression("eb_imds", "web*", null, null, "glob", null)));
    assertThat(state(r.get("r4"))).containsExactly("suppressed", "exact", null);
    assertThat(state(r.get("r2"))).containsExactly("suppressed", "glob", null);
    assertThat(state(r.get("r1"))).containsExactly("open", null, null);
    // unescaped, "web_*" would match "web-prod" too
    Map<String, Row> r3 = applied(List.of(new Suppression("eb_imds", "web_*", null, null, "g", null)));
    assertThat(state(r3.get("r2"))).containsExactly("open", null, null);
    Map<String, Row> r2 = applied(List.of(new Suppression("eb_terminated", "web_pro*", null, null, "g", null)));
    assertThat(state(r2.get("r4"))).containsExactly("suppressed", "g", null);
    assertThat(state(r2.get("r3"))).containsExactly("open", null, null);
  }

  @Test
  public void emptyListChangesNothing() {
    assertThat(applied(List.of()).values()).allSatisfy(row -> assertThat(row.getString(1)).isEqualTo("open"));
  }
}
