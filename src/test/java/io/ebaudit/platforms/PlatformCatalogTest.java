package io.ebaudit.platforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class PlatformCatalogTest {

  /** The value of one EB CLI literal, by test file and line, as JSON text. */
  static String literal(String file, int line) throws Exception {
    for (JsonNode lit : PlatformIdTest.real("platform_test_literals_extracted.json")) {
      if (lit.get("source_file").asText().endsWith(file) && lit.get("source_line").asInt() == line) {
        return lit.get("value").toString();
      }
    }
    throw new AssertionError("no literal " + file + ":" + line);
  }

  @Test
  void buildsFromEbCliLiterals() throws Exception {
    PlatformCatalog c = PlatformCatalog.parse(
        literal("test_elasticbeanstalk.py", 1697),      // three ListPlatformBranches pages
        literal("test_platformops.py", 1422),          // branches with BranchOrder
        literal("test_platformops.py", 154),           // ListPlatformVersions summaries
        literal("test_platform.py", 56),               // summary: Deprecated branch, Recommended version
        literal("test_platformops.py", 217));          // DescribePlatformVersion of a custom platform

    assertThat(c.branch("Python 2.7 running on 32bit Amazon Linux").orElseThrow().lifecycle()).isEqualTo(Lifecycle.RETIRED);
    assertThat(c.branch("python 3.4 RUNNING ON 64bit amazon linux").orElseThrow().lifecycle()).isEqualTo(Lifecycle.DEPRECATED);
    assertThat(c.branch("Python 3.7 running on 64bit Amazon Linux 2").orElseThrow().branchOrder()).isEqualTo(9100);

    PlatformCatalog.Branch java8 = c.branch("Java 8 running on 64bit Amazon Linux").orElseThrow();
    assertThat(java8.versions()).extracting(e -> e.version().toString()).containsExactly("2.5.2", "2.5.3");
    assertThat(java8.recommended()).isEmpty();
    assertThat(java8.target()).contains(Version.of("2.5.3"));
    assertThat(java8.versions().get(0).osVersion()).isEqualTo("2017.03");

    PlatformCatalog.Branch php = c.branch("PHP 7.1 running on 64bit Amazon Linux").orElseThrow();
    assertThat(php.lifecycle()).isEqualTo(Lifecycle.DEPRECATED);
    assertThat(php.recommended()).contains(Version.of("2.9.2"));

    PlatformId custom = PlatformId.parseArn("arn:aws:elasticbeanstalk:us-west-2:123123123:platform/custom-platform-1/1.0.0").orElseThrow();
    assertThat(c.entry(custom)).isPresent();
    assertThat(c.branch("custom-platform-1")).as("custom platforms are keyed with their account").isEmpty();
    assertThat(c.source()).isEqualTo("exports");
    assertThat(c.asOf()).isNull();
  }

  @Test
  void lifecycleComparedCaseInsensitivelyAndLaterStateWins() {
    String docs = "{\"PlatformBranchSummaryList\":[{\"PlatformName\":\"Python\",\"BranchName\":\"Python 3.8 running on 64bit Amazon Linux 2\",\"LifecycleState\":\"Supported\"}]}";
    String real = "{\"PlatformSummaryList\":[{\"PlatformArn\":\"arn:aws:elasticbeanstalk:us-east-1::platform/Python 3.8 running on 64bit Amazon Linux 2/3.3.9\","
        + "\"PlatformLifecycleState\":\"recommended\",\"PlatformBranchName\":\"Python 3.8 running on 64bit Amazon Linux 2\",\"PlatformBranchLifecycleState\":\"deprecated\",\"PlatformVersion\":\"3.3.9\"}]}";
    assertThat(PlatformCatalog.parse(docs, real).branch("Python 3.8 running on 64bit Amazon Linux 2").orElseThrow().lifecycle())
        .isEqualTo(Lifecycle.DEPRECATED);
    assertThat(PlatformCatalog.parse(real, docs).branch("Python 3.8 running on 64bit Amazon Linux 2").orElseThrow().lifecycle())
        .isEqualTo(Lifecycle.DEPRECATED);
    String upper = real.replace("\"deprecated\"", "\"DEPRECATED\"").replace("\"recommended\"", "\"Recommended\"");
    PlatformCatalog.Branch b = PlatformCatalog.parse(upper).branch("Python 3.8 running on 64bit Amazon Linux 2").orElseThrow();
    assertThat(b.lifecycle()).isEqualTo(Lifecycle.DEPRECATED);
    assertThat(b.recommended()).contains(Version.of("3.3.9"));
  }

  @Test
  void describePlatformVersionShape() {
    String json = "{\"PlatformDescription\":{\"PlatformArn\":\"arn:aws:elasticbeanstalk:us-east-1::platform/Node.js 18 running on 64bit Amazon Linux 2023/6.1.0\","
        + "\"PlatformLifecycleState\":\"Recommended\",\"PlatformBranchLifecycleState\":\"Supported\",\"PlatformVersion\":\"6.1.0\"}}";
    PlatformCatalog.Branch b = PlatformCatalog.parse(json).branch("Node.js 18 running on 64bit Amazon Linux 2023").orElseThrow();
    assertThat(b.lifecycle()).isEqualTo(Lifecycle.SUPPORTED);
    assertThat(b.recommended()).contains(Version.of("6.1.0"));
  }

  @Test
  void rejectsUnrecognisedDocuments() {
    assertThatThrownBy(() -> PlatformCatalog.parse("{\"Records\":[]}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PlatformCatalog.parse("not json")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void referenceCatalogLoadsWithItsAsOfDate() {
    PlatformCatalog ref = PlatformCatalog.reference();
    assertThat(ref.asOf()).isEqualTo(LocalDate.of(2023, 6, 15));
    assertThat(ref.source()).contains("EB CLI").contains("platforms-support-policy");
    assertThat(ref.branches()).hasSizeGreaterThan(30);
    assertThat(ref.branches()).allSatisfy(b -> assertThat(b.lifecycle()).as(b.name()).isNotEqualTo(Lifecycle.UNKNOWN));
    PlatformCatalog.Branch node = ref.branch("Node.js running on 64bit Amazon Linux").orElseThrow();
    assertThat(node.lifecycle()).isEqualTo(Lifecycle.RETIRED);
    assertThat(node.retirementDate()).isEqualTo(LocalDate.of(2022, 6, 30));
    assertThat(node.versions()).extracting(e -> e.version().toString()).containsExactly("2.0.0", "4.1.0");
    assertThat(ref.branch("IIS 7.5 running on 64bit Windows Server 2008 R2").orElseThrow().retirementDate())
        .isEqualTo(LocalDate.of(2019, 10, 28));
    // every 2017 EB CLI stack is in it
    PlatformId docker = PlatformId.parseSolutionStack("64bit Amazon Linux 2017.03 v2.6.0 running Docker 1.12.6").orElseThrow();
    assertThat(ref.entry(docker)).isPresent();
  }
}
