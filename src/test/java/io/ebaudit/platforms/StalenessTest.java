package io.ebaudit.platforms;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class StalenessTest {

  static final String BRANCH = "Python 3.8 running on 64bit Amazon Linux 2";
  static final LocalDate TODAY = LocalDate.of(2024, 1, 15);

  static PlatformCatalog catalog(String lifecycle, String retirement, String recommended, String... versions) {
    StringBuilder s = new StringBuilder("{\"PlatformBranchSummaryList\":[{\"BranchName\":\"" + BRANCH
        + "\",\"LifecycleState\":\"" + lifecycle + "\"" + (retirement == null ? "" : ",\"RetirementDate\":\"" + retirement + "\"")
        + "}],\"PlatformSummaryList\":[");
    for (int i = 0; i < versions.length; i++) {
      s.append(i == 0 ? "" : ",").append("{\"PlatformArn\":\"arn:aws:elasticbeanstalk:us-east-1::platform/")
          .append(BRANCH).append('/').append(versions[i]).append("\",\"PlatformLifecycleState\":")
          .append(versions[i].equals(recommended) ? "\"Recommended\"" : "null").append('}');
    }
    return PlatformCatalog.parse(s.append("]}").toString());
  }

  static PlatformId at(String version) {
    return PlatformId.parseArn("arn:aws:elasticbeanstalk:us-east-1::platform/" + BRANCH + "/" + version).orElseThrow();
  }

  @Test
  void patchLevelNeverAppliesAMinor() {
    PlatformCatalog c = catalog("Supported", null, "3.4.1", "3.3.8", "3.3.9", "3.4.0", "3.4.1", "3.5.0");
    Staleness.Assessment patch = Staleness.assess(at("3.3.9"), c, true, "patch", TODAY);
    assertThat(patch.targetVersion()).isEqualTo(Version.of("3.4.1"));
    assertThat(patch.targetRecommended()).isTrue();
    assertThat(patch.behind()).isEqualTo(Staleness.Behind.MINOR);
    assertThat(patch.minorBehind()).isEqualTo(1);
    assertThat(patch.versionsBehind()).isEqualTo(2);
    assertThat(patch.managedUpdatesReach()).isFalse();
    assertThat(patch.findingId()).isEqualTo(Staleness.OUTDATED);
    assertThat(patch.severity()).isEqualTo("medium");

    Staleness.Assessment minor = Staleness.assess(at("3.3.9"), c, true, "MINOR", TODAY);
    assertThat(minor.managedUpdatesReach()).isTrue();
    assertThat(minor.severity()).isEqualTo("low");

    Staleness.Assessment patchOnly = Staleness.assess(at("3.4.0"), c, true, "patch", TODAY);
    assertThat(patchOnly.behind()).isEqualTo(Staleness.Behind.PATCH);
    assertThat(patchOnly.patchBehind()).isEqualTo(1);
    assertThat(patchOnly.managedUpdatesReach()).isTrue();
    assertThat(patchOnly.severity()).isEqualTo("low");
  }

  @Test
  void managedUpdatesOffOrLevelUnsetNeverReach() {
    PlatformCatalog c = catalog("Supported", null, "3.4.1", "3.4.0", "3.4.1");
    Staleness.Assessment off = Staleness.assess(at("3.4.0"), c, false, "minor", TODAY);
    assertThat(off.managedUpdatesReach()).isFalse();
    assertThat(off.severity()).isEqualTo("medium");
    assertThat(off.reason()).contains("off");
    assertThat(Staleness.assess(at("3.4.0"), c, true, null, TODAY).managedUpdatesReach()).isFalse();
  }

  @Test
  void crossBranchIsNeverReachable() {
    PlatformId from = at("3.3.9");
    PlatformId otherBranch = PlatformId.parseArn(
        "arn:aws:elasticbeanstalk:us-east-1::platform/Python 3.11 running on 64bit Amazon Linux 2023/3.3.9").orElseThrow();
    assertThat(Staleness.canReach(from, otherBranch, true, "minor")).isFalse();
    assertThat(Staleness.canReach(from, at("3.4.0"), true, "minor")).isTrue();
    assertThat(Staleness.canReach(from, at("4.0.0"), true, "minor")).as("never a major").isFalse();
  }

  @Test
  void majorBehindAndManyVersionsIsHigh() {
    PlatformCatalog c = catalog("supported", null, null, "2.0.0", "3.0.0", "3.1.0");
    Staleness.Assessment a = Staleness.assess(at("2.0.0"), c, true, "minor", TODAY);
    assertThat(a.targetVersion()).isEqualTo(Version.of("3.1.0"));
    assertThat(a.targetRecommended()).as("newest, none recommended").isFalse();
    assertThat(a.behind()).isEqualTo(Staleness.Behind.MAJOR);
    assertThat(a.majorBehind()).isEqualTo(1);
    assertThat(a.severity()).isEqualTo("high");
  }

  @Test
  void upToDateHasNoFinding() {
    PlatformCatalog c = catalog("SUPPORTED", null, "3.10.0", "3.9.9", "3.10.0");
    Staleness.Assessment a = Staleness.assess(at("3.10.0"), c, false, null, TODAY);
    assertThat(a.behind()).isEqualTo(Staleness.Behind.NONE);
    assertThat(a.hasFinding()).isFalse();
    assertThat(a.severity()).isNull();
    assertThat(Staleness.assess(at("3.9.9"), c, false, null, TODAY).hasFinding()).isTrue();
  }

  @Test
  void retiredDeadlineIsRetirementPlus90Days() {
    PlatformCatalog c = catalog("Retired", "2023-10-01", null, "3.3.9");
    Staleness.Assessment before = Staleness.assess(at("3.3.9"), c, true, "minor", LocalDate.of(2023, 12, 30));
    assertThat(before.retirementDate()).isEqualTo(LocalDate.of(2023, 10, 1));
    assertThat(before.deadline()).isEqualTo(LocalDate.of(2023, 12, 30));
    assertThat(before.findingId()).isEqualTo(Staleness.RETIRED);
    assertThat(before.severity()).isEqualTo("high");
    Staleness.Assessment after = Staleness.assess(at("3.3.9"), c, true, "minor", LocalDate.of(2023, 12, 31));
    assertThat(after.severity()).isEqualTo("critical");
  }

  @Test
  void deprecatedRisesAsRetirementNears() {
    PlatformCatalog c = catalog("deprecated", "2024-06-30", null, "3.3.9");
    assertThat(Staleness.assess(at("3.3.9"), c, true, "minor", LocalDate.of(2024, 1, 1)).severity()).isEqualTo("medium");
    Staleness.Assessment soon = Staleness.assess(at("3.3.9"), c, true, "minor", LocalDate.of(2024, 4, 1));
    assertThat(soon.findingId()).isEqualTo(Staleness.DEPRECATED);
    assertThat(soon.severity()).isEqualTo("high");
    assertThat(soon.deadline()).isEqualTo(LocalDate.of(2024, 9, 28));
  }

  @Test
  void unknownPlatform() {
    PlatformCatalog c = catalog("Supported", null, "3.3.9", "3.3.9");
    Staleness.Assessment none = Staleness.assess(null, c, true, "minor", TODAY);
    assertThat(none.findingId()).isEqualTo(Staleness.UNKNOWN);
    assertThat(none.severity()).isEqualTo("info");
    PlatformId elsewhere = PlatformId.parseSolutionStack("64bit Amazon Linux 2023 v4.0.1 running Python 3.11").orElseThrow();
    Staleness.Assessment missing = Staleness.assess(elsewhere, c, true, "minor", TODAY);
    assertThat(missing.findingId()).isEqualTo(Staleness.UNKNOWN);
    assertThat(missing.severity()).isEqualTo("low");
    assertThat(missing.branch()).isEqualTo("Python 3.11 running on 64bit Amazon Linux 2023");
  }

  @Test
  void realStaleAl1PlatformAgainstReferenceCatalog() {
    // The Cloud Custodian recording's environment runs this platform (see SOURCES); the 2017 Docker branch.
    PlatformId docker = PlatformId.parseArn(
        "arn:aws:elasticbeanstalk:us-east-1::platform/Docker running on 64bit Amazon Linux/2.8.0").orElseThrow();
    Staleness.Assessment a = Staleness.assess(docker, PlatformCatalog.reference(), false, null, LocalDate.of(2026, 1, 1));
    assertThat(a.findingId()).isEqualTo(Staleness.RETIRED);
    assertThat(a.deadline()).isEqualTo(LocalDate.of(2022, 9, 28));
    assertThat(a.severity()).isEqualTo("critical");
  }
}
