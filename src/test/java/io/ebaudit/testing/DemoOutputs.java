package io.ebaudit.testing;

import io.ebaudit.config.IngestConfig;
import io.ebaudit.config.Settings;
import io.ebaudit.jobs.AnalyzeJob;
import io.ebaudit.sample.SampleResult;
import io.ebaudit.sample.SampleSpec;
import io.ebaudit.sample.TrailGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/**
 * What {@code ebaudit demo} writes, built once per test JVM for the tests that read an output root
 * (the investigations, the CLI, the notebooks): the sample trail (seed 42, a fixed week so the tests do
 * not depend on today) analyzed with the sample's IAM exports and Metric Streams file, as the demo does.
 */
public final class DemoOutputs {
  private DemoOutputs() {}

  /** The sample's first day; the week is 2026-11-20 .. 2026-11-26. */
  public static final LocalDate FROM = LocalDate.of(2026, 11, 20);
  public static final int DAYS = 7;

  private static Path out;
  private static AnalyzeJob.Result result;

  /** The output root (created on first use, removed when the JVM exits). */
  public static synchronized Path root() {
    if (out == null) {
      try {
        Path dir = Files.createTempDirectory("ebaudit-demo-outputs");
        Path trail = dir.resolve("trail");
        SampleResult sample = TrailGenerator.generate(SampleSpec.defaults(trail).withWindow(FROM, DAYS));
        Path o = dir.resolve("out");
        Settings settings = Settings.defaults();
        IngestConfig config = IngestConfig.of(List.of(trail.toString()), null, null, Set.of(), Set.of(), o.toString(),
            null, settings);
        result = AnalyzeJob.run(TestSpark.session(), config, List.of(), List.of(),
            List.of(sample.iamDir().toString()), List.of(trail.resolve(TrailGenerator.METRICS_DIR).toString()), settings);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
        out = o;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  public static synchronized AnalyzeJob.Result result() {
    root();
    return result;
  }

  private static void delete(Path dir) {
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort at exit
    }
  }
}
