package io.ebaudit.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.platforms.Lifecycle;
import io.ebaudit.platforms.PlatformCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample's {@code list-platform-versions} export parses as AWS's does and says what the demo needs. */
class PlatformSampleTest {
  @TempDir Path tmp;

  @Test
  void theExportCoversTheSamplesBranchesWithTheirLifecycles() throws Exception {
    SampleSpec spec = SampleSpec.defaults(tmp).withWindow(LocalDate.of(2026, 11, 20), 1);
    Path file = PlatformSample.write(spec, new World(spec));
    assertThat(file).isEqualTo(tmp.resolve("platforms/list-platform-versions.json"));
    PlatformCatalog catalog = PlatformCatalog.parse(Files.readString(file));
    assertThat(catalog.asOf()).isNull(); // AWS's format: no date of its own
    PlatformCatalog.Branch python = catalog.branch(Scenarios.PLATFORM_BRANCH).orElseThrow();
    assertThat(python.lifecycle()).isEqualTo(Lifecycle.SUPPORTED);
    assertThat(python.recommended().orElseThrow().toString()).isEqualTo(PlatformSample.RECOMMENDED);
    assertThat(catalog.branch(Scenarios.DEPRECATED_NODE_BRANCH).orElseThrow().lifecycle()).isEqualTo(Lifecycle.DEPRECATED);
    assertThat(catalog.branch(Scenarios.RETIRED_JAVA_BRANCH).orElseThrow().lifecycle()).isEqualTo(Lifecycle.RETIRED);
    assertThat(catalog.branch(Scenarios.RETIRED_DOCKER_BRANCH).orElseThrow().lifecycle()).isEqualTo(Lifecycle.RETIRED);
    // Every region the sample uses has the platform ARNs its environments carry.
    assertThat(Files.readString(file)).contains("arn:aws:elasticbeanstalk:" + spec.regions().get(0)
        + "::platform/" + Scenarios.PLATFORM_BRANCH + "/" + Scenarios.PLATFORM_OLD);
  }
}
