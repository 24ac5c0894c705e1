package io.ebaudit.notebooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.testing.DemoOutputs;
import io.ebaudit.testing.SparkSuite;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;

/**
 * CI's run of the analyst notebooks: every cell of every notebook in {@code notebooks/}, through
 * {@link SparkKernel} (the EMR Studio Spark kernel's way), against the demo's outputs
 * ({@link DemoOutputs}) injected as {@code dataRoot}. A cell that fails, or a result tagged
 * {@code nonempty} that comes back empty, fails the test. Transcripts go to {@code target/notebooks/}.
 */
public class NotebooksTest extends SparkSuite {
  static final Path DIR = Path.of("notebooks");

  @Test
  public void everyCellOfEveryNotebookRunsOnTheDemoOutputs() throws Exception {
    String root = DemoOutputs.root().toString();
    List<Path> notebooks = Notebook.all(DIR);
    assertThat(notebooks).hasSizeGreaterThanOrEqualTo(4);
    Path transcripts = Files.createDirectories(Path.of("target", "notebooks"));
    long t0 = System.nanoTime();
    try (SparkKernel kernel = new SparkKernel(spark())) {
      long started = System.nanoTime();
      StringBuilder timing = new StringBuilder(String.format("interpreter started in %.1f s%n", (started - t0) / 1e9));
      for (Path p : notebooks) {
        long t = System.nanoTime();
        List<SparkKernel.CellRun> runs = kernel.run(Notebook.read(p), SparkKernel.params("dataRoot", root));
        StringBuilder sb = new StringBuilder();
        for (SparkKernel.CellRun r : runs) {
          sb.append("### cell ").append(r.index()).append(" (").append(r.kind()).append(")\n").append(r.source())
              .append("\n--- output\n").append(r.output()).append('\n');
        }
        Files.writeString(transcripts.resolve(p.getFileName() + ".txt"), sb.toString(), StandardCharsets.UTF_8);
        long code = Notebook.read(p).cells().stream().filter(c -> c.type().equals("code")).count();
        assertThat(runs).as(p.toString()).hasSize((int) code + 1); // + the injected parameters
        timing.append(String.format("%s: %d cells in %.1f s%n", p.getFileName(), code, (System.nanoTime() - t) / 1e9));
      }
      Files.writeString(transcripts.resolve("timing.txt"), timing.toString());
      System.out.print(timing);
    }
  }
}
