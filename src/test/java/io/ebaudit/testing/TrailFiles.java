package io.ebaudit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The files of a local sample trail, for tests that deliver some of them late or watch a folder change. */
public final class TrailFiles {
  private TrailFiles() {}

  /** The CloudTrail log files under {@code trail/AWSLogs}, sorted. */
  public static List<Path> logFiles(Path trail) throws IOException {
    try (Stream<Path> s = Files.walk(trail.resolve("AWSLogs"))) {
      return s.filter(p -> p.toString().contains("/CloudTrail/") && Files.isRegularFile(p)).sorted().toList();
    }
  }

  /** Moves {@code files} out of the trail into {@code aside} (keeping their times), returning a way to move them back. */
  public static Runnable holdBack(Path trail, List<Path> files, Path aside) throws IOException {
    List<Path[]> moves = new ArrayList<>();
    for (Path f : files) {
      Path to = aside.resolve(trail.relativize(f).toString());
      Files.createDirectories(to.getParent());
      Files.move(f, to);
      moves.add(new Path[] {to, f});
    }
    return () -> {
      try {
        for (Path[] m : moves) {
          Files.move(m[0], m[1]);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  /** Every file below {@code dir} with its modification time: equal trees mean nothing was rewritten. */
  public static TreeMap<String, Long> tree(Path dir) throws IOException {
    TreeMap<String, Long> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), Files.getLastModifiedTime(p).toMillis());
      }
    }
    return out;
  }
}
