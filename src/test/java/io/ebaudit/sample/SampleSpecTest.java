package io.ebaudit.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleSpecTest {

  final SampleSpec base = SampleSpec.defaults(Path.of("out"));

  @Test
  void defaultsMatchTheCommandLine() {
    assertThat(base.accounts()).isEqualTo(3);
    assertThat(base.regions()).containsExactly("us-east-1", "eu-west-1");
    assertThat(base.days()).isEqualTo(7);
    assertThat(base.from()).isEqualTo(LocalDate.now(ZoneOffset.UTC).minusDays(7));
    assertThat(base.seed()).isEqualTo(42L);
    assertThat(base.duplicateRatio()).isEqualTo(0.002);
    assertThat(base.targetSizeBytes()).isZero();
    assertThat(base.bucket()).isEqualTo("ebaudit-sample-trail");
    assertThat(base.organizationId()).isNull();
  }

  @Test
  void rejectsBadValuesWithTheValueInTheMessage() {
    assertThatThrownBy(() -> base.withAccounts(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot generate sample: accounts must be between 1 and 1000, got 0");
    assertThatThrownBy(() -> base.withRegions(List.of("mars-1")))
        .hasMessage("Cannot generate sample: region must look like us-east-1, got mars-1");
    assertThatThrownBy(() -> base.withRegions(List.of()))
        .hasMessageStartingWith("Cannot generate sample: at least one region");
    assertThatThrownBy(() -> base.withOrganizationId("org-1"))
        .hasMessage("Cannot generate sample: organization id must look like o-a1b2c3d4e5, got org-1");
    assertThatThrownBy(() -> base.withDuplicateRatio(0.9))
        .hasMessageEndingWith("got 0.9");
    assertThatThrownBy(() -> base.withWindow(LocalDate.of(2024, 1, 1), 0))
        .hasMessageEndingWith("got 0");
    assertThatThrownBy(() -> base.withBucket("Bad_Bucket"))
        .hasMessageEndingWith("got Bad_Bucket");
    assertThatThrownBy(() -> base.withOut(null)).hasMessageStartingWith("Cannot generate sample:");
  }

  @Test
  void parsesSizes() {
    assertThat(SampleSpec.parseSize("2GB")).isEqualTo(2L << 30);
    assertThat(SampleSpec.parseSize("500MB")).isEqualTo(500L << 20);
    assertThat(SampleSpec.parseSize("1.5G")).isEqualTo(3L << 29);
    assertThat(SampleSpec.parseSize("20m")).isEqualTo(20L << 20);
    assertThat(SampleSpec.parseSize("1024")).isEqualTo(1024L);
    assertThat(SampleSpec.parseSize("64KiB")).isEqualTo(64L << 10);
    assertThatThrownBy(() -> SampleSpec.parseSize("lots"))
        .hasMessage("Cannot generate sample: size must look like 2GB, 500MB or 1.5G, got lots");
  }
}
