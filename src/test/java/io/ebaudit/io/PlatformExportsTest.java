package io.ebaudit.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ebaudit.platforms.Lifecycle;
import io.ebaudit.platforms.PlatformCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlatformExportsTest {
  static final String BRANCH = "Python 3.11 running on 64bit Amazon Linux 2023";
  static final String BRANCHES = "{\"PlatformBranchSummaryList\":[{\"BranchName\":\"" + BRANCH
      + "\",\"LifecycleState\":\"Deprecated\"}]}";
  static final String VERSIONS = "{\"PlatformSummaryList\":[{\"PlatformArn\":\"arn:aws:elasticbeanstalk:us-east-1::platform/"
      + BRANCH + "/4.1.0\",\"PlatformLifecycleState\":\"Recommended\",\"PlatformBranchName\":\"" + BRANCH + "\"}]}";

  @TempDir Path dir;

  @Test
  void readsFilesAndFoldersIntoOneCatalog() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("exports/sub"));
    Files.writeString(folder.resolve("versions.json"), VERSIONS);
    Files.writeString(dir.resolve("exports/.hidden.json"), "not json");
    Files.writeString(dir.resolve("exports/notes.txt"), "ignored");
    Path branches = Files.writeString(dir.resolve("branches.json"), BRANCHES);
    PlatformCatalog c = PlatformExports.read(new Configuration(), List.of(branches.toString(), dir.resolve("exports").toString()));
    assertThat(c.branch(BRANCH)).isPresent();
    assertThat(c.branch(BRANCH).get().lifecycle()).isEqualTo(Lifecycle.DEPRECATED);
    assertThat(c.branch(BRANCH).get().recommended()).isPresent();
  }

  @Test
  void aBadExportOrAMissingPathFailsWithItsName() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"Something\":1}");
    assertThatThrownBy(() -> PlatformExports.read(new Configuration(), List.of(bad.toString())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Cannot read platforms ")
        .hasMessageContaining("bad.json");
    assertThatThrownBy(() -> PlatformExports.read(new Configuration(), List.of(dir.resolve("nope").toString())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such file");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> PlatformExports.read(new Configuration(), List.of(empty.toString())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no .json file");
  }
}
