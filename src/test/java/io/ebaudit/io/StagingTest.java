package io.ebaudit.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingTest {
  @TempDir Path root;
  private final Configuration conf = new Configuration();

  private static void write(Path p, String text) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
  }

  private static Set<String> files(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return Set.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      TreeSet<String> out = new TreeSet<>();
      s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".crc"))
          .forEach(p -> out.add(dir.relativize(p).toString()));
      return out;
    }
  }

  private static Path local(String uri) {
    return Path.of(java.net.URI.create(uri));
  }

  @Test
  void aCommitReplacesTheDeclaredUnitsWritesTheMarkerAndRemovesTheStagingFolder() throws IOException {
    write(root.resolve("events/event_date=2026-11-20/old.parquet"), "old");
    write(root.resolve("findings/findings.csv"), "old");
    write(root.resolve("keep/me.txt"), "kept");
    Staging.Commit c;
    String dir;
    try (Staging s = Staging.open(conf, root.toString(), "run-1")) {
      dir = s.dir();
      write(local(s.path("events/event_date=2026-11-21/new.parquet")), "new");
      write(local(s.path("findings/findings.csv")), "new");
      write(local(s.path("ingest-summary.json")), "{}");
      assertThat(Staging.isCommitted(conf, root.toString(), "latest")).isFalse();
      c = s.replaceAllStaged().commit("latest");
    }
    assertThat(files(root.resolve("events"))).containsExactly("event_date=2026-11-21/new.parquet");
    assertThat(Files.readString(root.resolve("findings/findings.csv"))).isEqualTo("new");
    assertThat(Files.readString(root.resolve("keep/me.txt"))).isEqualTo("kept");
    assertThat(root.resolve("ingest-summary.json")).exists();
    assertThat(c.units()).containsExactlyInAnyOrder("events", "findings", "ingest-summary.json");
    assertThat(c.files()).isEqualTo(3);
    assertThat(Staging.isCommitted(conf, root.toString(), "latest")).isTrue();
    assertThat(Files.readString(root.resolve("_commits/latest.json"))).contains("\"run_id\" : \"run-1\"");
    assertThat(local(dir)).doesNotExist();
    assertThat(root.resolve("_staging")).doesNotExist();
  }

  @Test
  void partitionsAreReplacedOneByOneAndTheOthersStay() throws IOException {
    write(root.resolve("events/event_date=2026-11-20/a.parquet"), "20 old");
    write(root.resolve("events/event_date=2026-11-21/a.parquet"), "21 old");
    write(root.resolve("events/event_date=2026-11-21/b.parquet"), "21 old");
    try (Staging s = Staging.open(conf, root.toString(), "run-2")) {
      write(local(s.path("events/event_date=2026-11-21/c.parquet")), "21 new");
      write(local(s.path("events/event_date=2026-11-22/c.parquet")), "22 new");
      write(local(s.path("events/_SUCCESS")), "");
      s.replacePartitions("events").commit("run-2");
    }
    assertThat(files(root.resolve("events"))).containsExactly(
        "event_date=2026-11-20/a.parquet", "event_date=2026-11-21/c.parquet", "event_date=2026-11-22/c.parquet");
  }

  @Test
  void addedFilesJoinThePublishedOnes() throws IOException {
    write(root.resolve("quarantine/part-a-00000.jsonl"), "a");
    try (Staging s = Staging.open(conf, root.toString(), "run-3")) {
      write(local(s.path("quarantine/part-b-00000.jsonl")), "b");
      s.addFiles("quarantine").commit("latest");
    }
    assertThat(files(root.resolve("quarantine"))).containsExactly("part-a-00000.jsonl", "part-b-00000.jsonl");
  }

  @Test
  void aRunThatFailsBeforeItsCommitLeavesNothingBehind() throws IOException {
    write(root.resolve("findings/findings.csv"), "old");
    assertThatThrownBy(() -> {
      try (Staging s = Staging.open(conf, root.toString(), "run-4")) {
        write(local(s.path("findings/findings.csv")), "half");
        throw new IllegalStateException("a stage failed");
      }
    }).hasMessage("a stage failed");
    assertThat(Files.readString(root.resolve("findings/findings.csv"))).isEqualTo("old");
    assertThat(root.resolve("_staging")).doesNotExist();
    assertThat(Staging.isCommitted(conf, root.toString(), "latest")).isFalse();
  }

  @Test
  void aFailureWhilePublishingPutsThePreviousVersionsBackAndCommitsNothing() throws IOException {
    write(root.resolve("a/x.txt"), "old a");
    write(root.resolve("b/x.txt"), "old b");
    write(root.resolve("c/x.txt"), "old c");
    try (Staging s = Staging.open(conf, root.toString(), "run-5")) {
      for (String t : List.of("a", "b", "c")) {
        write(local(s.path(t + "/x.txt")), "new " + t);
        s.replace(t);
      }
      s.hook(p -> {
        if (p.endsWith("/b")) {
          throw new IOException("injected: the store went away");
        }
      });
      assertThatThrownBy(() -> s.commit("latest"))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("Cannot publish run run-5")
          .hasMessageContaining("injected: the store went away")
          .hasMessageContaining("latest is not committed")
          .hasMessageContaining("2 unit(s) published before the failure were removed and 2 previous version(s) restored");
    }
    for (String t : List.of("a", "b", "c")) {
      assertThat(Files.readString(root.resolve(t + "/x.txt"))).isEqualTo("old " + t);
    }
    assertThat(Staging.isCommitted(conf, root.toString(), "latest")).isFalse();
    assertThat(root.resolve("_staging")).doesNotExist();
  }

  @Test
  void whilePublishingEachUnitIsEitherTheOldOrTheNewOneNeverAMix() throws IOException {
    Set<String> oldFiles = Set.of("p1.parquet", "p2.parquet", "p3.parquet");
    Set<String> newFiles = Set.of("q1.parquet", "q2.parquet");
    for (String d : List.of("2026-11-20", "2026-11-21", "2026-11-22")) {
      for (String f : oldFiles) {
        write(root.resolve("t/report_date=" + d + "/" + f), "old");
      }
    }
    List<String> seen = new ArrayList<>();
    try (Staging s = Staging.open(conf, root.toString(), "run-6")) {
      for (String d : List.of("2026-11-20", "2026-11-21", "2026-11-22")) {
        for (String f : newFiles) {
          write(local(s.path("t/report_date=" + d + "/" + f)), "new");
        }
      }
      s.replacePartitions("t");
      // After every move, look at every partition as a reader would.
      s.hook(p -> {
        for (String d : List.of("2026-11-20", "2026-11-21", "2026-11-22")) {
          Set<String> now = files(root.resolve("t/report_date=" + d));
          assertThat(now).satisfiesAnyOf(x -> assertThat(x).isEqualTo(oldFiles), x -> assertThat(x).isEqualTo(newFiles));
          seen.add(d + (now.equals(newFiles) ? ":new" : ":old"));
        }
      });
      s.commit("report_date=2026-11-22");
    }
    assertThat(seen).hasSize(9).contains("2026-11-20:new", "2026-11-22:old", "2026-11-22:new");
  }

  @Test
  void afterCommitActionsRunOnlyOnceTheMarkerIsThere() throws IOException {
    List<Boolean> markerAtAction = new ArrayList<>();
    try (Staging s = Staging.open(conf, root.toString(), "run-7")) {
      write(local(s.path("x/y.txt")), "y");
      s.replace("x").afterCommit(() -> markerAtAction.add(Staging.isCommitted(conf, root.toString(), "m")));
      s.commit("m");
    }
    assertThat(markerAtAction).containsExactly(true);

    List<String> ran = new ArrayList<>();
    try (Staging s = Staging.open(conf, root.toString(), "run-8")) {
      s.afterCommit(() -> ran.add("manifest"));
      // never committed
    }
    assertThat(ran).isEmpty();
  }

  @Test
  void badNamesAreConfigErrors() {
    assertThatThrownBy(() -> Staging.open(conf, root.toString(), "../x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Cannot stage a run: the run id");
    try (Staging s = Staging.open(conf, root.toString(), "run-9")) {
      assertThatThrownBy(() -> s.replace("../etc")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> s.commit("a/b")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("marker names");
    }
  }

  @Test
  void stepsOfOneRunAreNotReportedAsLeftoversButOtherRunsAre() throws IOException {
    Files.createDirectories(root.resolve("_staging/2026-11-22-ab12cd34"));
    Files.createDirectories(root.resolve("_staging/2026-11-22-ab12cd34.store"));
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(said, true, StandardCharsets.UTF_8));
    try {
      // The weekly job's publish step beside its own staging folder and events store: quiet.
      try (Staging s = Staging.open(conf, root.toString(), "2026-11-22-ab12cd34.publish-1")) {
        assertThat(said.toString(StandardCharsets.UTF_8)).doesNotContain("warning");
      }
      Files.createDirectories(root.resolve("_staging/2026-11-15-killed00"));
      try (Staging s = Staging.open(conf, root.toString(), "2026-11-22-ab12cd34.publish-2")) {
        assertThat(said.toString(StandardCharsets.UTF_8)).contains("warning: staging folders of other runs")
            .contains("[2026-11-15-killed00]");
      }
    } finally {
      System.setErr(err);
    }
  }
}
