package io.ebaudit.permissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files an --iam path names. */
class IamExportsTest {
  @TempDir Path dir;

  @Test
  void foldersAreSearchedForJsonSkippingHiddenFiles() throws Exception {
    Files.createDirectories(dir.resolve("a/b"));
    Files.writeString(dir.resolve("a/b/one.json"), "{}");
    Files.writeString(dir.resolve("a/two.JSON"), "{}");
    Files.writeString(dir.resolve("a/_SUCCESS.json"), "{}");
    Files.writeString(dir.resolve("a/.hidden.json"), "{}");
    Files.writeString(dir.resolve("a/readme.txt"), "x");
    List<String> files = IamExports.files(new Configuration(), List.of(dir.resolve("a").toString()));
    assertThat(files).hasSize(2).allSatisfy(f -> assertThat(f).matches(".*(one\\.json|two\\.JSON)$"));
  }

  @Test
  void missingPathsAndEmptyFoldersFailClearly() throws Exception {
    String nope = dir.resolve("nope").toString();
    assertThatThrownBy(() -> IamExports.files(new Configuration(), List.of(nope)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read IAM export " + nope + ": no such file or folder, got " + nope);
    Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> IamExports.files(new Configuration(), List.of(dir.resolve("empty").toString())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no .json file");
  }
}
