package io.ebaudit.notebooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed notebooks: outputs stripped, written for EMR Studio's Spark (Scala) kernel, the jar
 * attached first, a parameters cell next, prose, and checks CI can apply. No Spark needed.
 */
class NotebookFormatTest {
  private static List<Notebook> notebooks() {
    return Notebook.all(NotebooksTest.DIR).stream().map(Notebook::read).toList();
  }

  @Test
  void atLeastTheFourInvestigationsAreThere() {
    assertThat(Notebook.all(NotebooksTest.DIR).stream().map(p -> p.getFileName().toString()))
        .contains("environment-history.ipynb", "principal-activity.ipynb", "stale-platform-triage.ipynb",
            "least-privilege-review.ipynb");
  }

  @Test
  void committedNotebooksHaveNoOutputs() {
    for (Notebook nb : notebooks()) {
      for (Notebook.Cell c : nb.cells()) {
        if (c.type().equals("code")) {
          assertThat(c.json().path("outputs").isArray() && c.json().path("outputs").isEmpty())
              .as("%s cell %d has outputs: clear them (jupyter nbconvert --clear-output --inplace)", nb.path(), c.index())
              .isTrue();
          assertThat(c.json().path("execution_count").isNull()).as("%s cell %d execution_count", nb.path(), c.index())
              .isTrue();
        }
        assertThat(c.json().path("attachments").isMissingNode()).as("%s cell %d attachments", nb.path(), c.index())
            .isTrue();
      }
    }
  }

  @Test
  void writtenForTheSparkKernelWithJarParametersAndProse() {
    for (Notebook nb : notebooks()) {
      JsonNode meta = nb.json().path("metadata");
      assertThat(nb.json().path("nbformat").asInt()).as(nb.path().toString()).isEqualTo(4);
      assertThat(meta.path("kernelspec").path("name").asText()).as(nb.path().toString()).isEqualTo("sparkkernel");
      assertThat(meta.path("kernelspec").path("language").asText()).isEqualTo("scala");
      List<Notebook.Cell> code = nb.cells().stream().filter(c -> c.type().equals("code")).toList();
      assertThat(code.get(0).magicLine()).as("%s: the first code cell attaches the jar", nb.path())
          .startsWith("%%configure");
      assertThat(code.get(1).tags()).as("%s: the second code cell holds the parameters", nb.path())
          .contains("parameters");
      assertThat(code.get(1).source()).contains("val dataRoot");
      assertThat(nb.cells().get(0).type()).isEqualTo("markdown");
      assertThat(nb.cells().get(0).source()).startsWith("# ").contains("**Question:**");
      long prose = nb.cells().stream().filter(c -> c.type().equals("markdown") && c.source().length() > 200).count();
      assertThat(prose).as("%s: markdown cells explaining the investigation", nb.path()).isGreaterThanOrEqualTo(4);
      assertThat(code.stream().filter(c -> c.tags().stream().anyMatch(t -> t.startsWith("nonempty"))).count())
          .as("%s: results CI checks for rows", nb.path()).isGreaterThanOrEqualTo(4);
      assertThat(code.stream().anyMatch(c -> c.source().contains("Charts.bars"))).as("%s: a chart", nb.path()).isTrue();
    }
  }
}
