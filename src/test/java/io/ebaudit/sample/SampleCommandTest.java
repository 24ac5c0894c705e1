package io.ebaudit.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.jobs.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleCommandTest {

  @TempDir Path dir;

  @Test
  void writesATrailAndSummarizesIt() throws IOException {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      code = Main.execute("sample", "--out", dir.toString(), "--accounts", "1", "--regions",
          "us-east-1", "--from", "2024-05-05", "--days", "1", "--seed", "9",
          "--organization-id", "o-abcdefghij", "--duplicate-ratio", "0.01");
    } finally {
      System.setOut(old);
    }
    assertThat(code).isZero();
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("log files").contains("events").contains("bytes of JSON");
    try (Stream<Path> s = Files.walk(dir.resolve("AWSLogs/o-abcdefghij"))) {
      assertThat(s.filter(p -> p.toString().endsWith(".json.gz")).count()).isGreaterThan(24);
    }
  }

  @Test
  void badOptionsExitWithTwo() {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = Main.execute("sample", "--out", dir.toString(), "--target-size", "huge");
    } finally {
      System.setErr(old);
    }
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("Cannot generate sample: size must look like 2GB");
  }
}
