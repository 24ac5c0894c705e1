package io.ebaudit.iam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ebaudit.iam.Evaluation.Access;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each shipped AWS managed policy, expanded against the standard catalog, against the {@code
 * effective_actions} iam-dataset lists for it.
 */
class ManagedPolicyExpansionTest {

  /** Policies whose expansion must equal iam-dataset's list exactly (no legacy names match them). */
  static final Set<String> EXACT =
      Set.of("AWSElasticBeanstalkServiceRolePolicy", "AWSElasticBeanstalkReadOnly", "AWSElasticBeanstalkEnhancedHealth",
          "AmazonSSMManagedInstanceCore", "CloudWatchAgentServerPolicy", "AWSElasticBeanstalkRoleECS");

  static Stream<String> shipped() {
    return ManagedPolicyLibrary.SHIPPED.stream();
  }

  static JsonNode file(String name) throws Exception {
    try (InputStream in = ManagedPolicyExpansionTest.class.getResourceAsStream("/reference/iam/managed/" + name + ".json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  @ParameterizedTest
  @MethodSource("shipped")
  void expansionMatchesIamDataset(String name) throws Exception {
    JsonNode f = file(name);
    Map<String, Boolean> expected = new HashMap<>(); // action -> only conditional
    for (JsonNode e : f.get("effective_actions")) {
      String a = e.get("effective_action").asText().toLowerCase(Locale.ROOT);
      boolean cond = !e.path("condition").isNull() && !e.path("condition").isMissingNode();
      expected.merge(a, cond, Boolean::logicalAnd);
    }
    ActionCatalog cat = ActionCatalog.standard();
    Evaluation ev = Evaluation.of(List.of(ManagedPolicyLibrary.standard().byName(name).document()), cat);
    Set<String> got = new TreeSet<>();
    for (String a : ev.grantedActions()) got.add(a.toLowerCase(Locale.ROOT));
    Set<String> missing = new TreeSet<>(expected.keySet());
    missing.removeAll(got);
    Set<String> extra = new TreeSet<>(got);
    extra.removeAll(expected.keySet());
    List<String> wrongCondition = new ArrayList<>();
    for (var e : expected.entrySet()) {
      Access want = e.getValue() ? Access.GRANTED_CONDITIONAL : Access.GRANTED;
      if (got.contains(e.getKey()) && ev.access(e.getKey()) != want) wrongCondition.add(e.getKey());
    }
    System.out.printf("managed %s: expected %d, got %d, missing %d, extra %d %s, wrong condition %s%n",
        name, expected.size(), got.size(), missing.size(), extra.size(), extra.size() > 8 ? "" : extra, wrongCondition);
    assertThat(missing).as("actions iam-dataset lists that the expansion misses").isEmpty();
    assertThat(wrongCondition).as("conditional/unconditional disagreement").isEmpty();
    // Documented superset: the catalog also holds names known only from the 2018-2019 lists
    // (cloudtracker, trailscraper) that iam-dataset does not list: API operation names that are not
    // IAM actions (s3:ListObjectsV2, s3:GetBucketEncryption) and retired actions. Any extra must be
    // one of those; an extra that iam-dataset itself knows would be an expansion bug.
    for (String x : extra) {
      assertThat(cat.sources(cat.indexOf(x))).as("source of extra " + x).doesNotContain("iam-dataset");
    }
    if (EXACT.contains(name)) assertThat(extra).as("extra actions").isEmpty();
  }
}
