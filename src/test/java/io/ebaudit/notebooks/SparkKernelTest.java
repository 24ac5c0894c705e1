package io.ebaudit.notebooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ebaudit.testing.SparkSuite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.AfterClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The CI notebook runner fails where EMR Studio's Spark kernel would, and checks what it is told to. */
public class SparkKernelTest extends SparkSuite {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static SparkKernel kernel;
  private int counter;

  private SparkKernel kernel() {
    if (kernel == null) {
      kernel = new SparkKernel(spark());
    }
    return kernel;
  }

  @AfterClass
  public static void closeKernel() {
    if (kernel != null) {
      kernel.close();
      kernel = null;
    }
  }

  private Notebook notebook(String... cells) throws Exception {
    StringBuilder sb = new StringBuilder("{\"cells\":[");
    for (int i = 0; i < cells.length; i++) {
      String c = cells[i];
      String tags = "";
      if (c.startsWith("#tags ")) {
        int nl = c.indexOf('\n');
        tags = c.substring(6, nl);
        c = c.substring(nl + 1);
      }
      sb.append(i == 0 ? "" : ",").append("{\"cell_type\":\"code\",\"execution_count\":null,\"outputs\":[],")
          .append("\"metadata\":{\"tags\":[").append(tags.isEmpty() ? "" : "\"" + String.join("\",\"", tags.split(",")) + "\"")
          .append("]},\"source\":").append(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(c)).append('}');
    }
    sb.append("],\"metadata\":{},\"nbformat\":4,\"nbformat_minor\":4}");
    Path p = tmp.newFile("t" + (counter++) + ".ipynb").toPath();
    Files.writeString(p, sb.toString());
    return Notebook.read(p);
  }

  @Test
  public void scalaCellsRunLineByLineWithTheSessionBoundAsLivyDoes() throws Exception {
    List<SparkKernel.CellRun> runs = kernel().run(notebook(
        "#tags parameters\nval n = \"1\"",
        "#tags nonempty:ds\nval ds = spark.range(3).\n  filter(col(\"id\") > n.toLong)\nprintln(ds.count())",
        "#tags nonempty\n%%sql -q -n 10\nSELECT 1 AS one"), Map.of("n", "0"));
    assertThat(runs).hasSize(4);
    assertThat(runs.get(1).kind()).isEqualTo("injected-parameters");
    assertThat(runs.get(1).source()).isEqualTo("val n = \"0\"\n");
    assertThat(runs.get(2).output()).contains("2"); // ids 1 and 2: the injected n wins
    assertThat(runs.get(3).output()).contains("one").contains("1");
  }

  @Test
  public void aStatementStartingWithADotFailsAsOnLivy() throws Exception {
    assertThatThrownBy(() -> kernel().run(notebook("val ds = spark.range(3)\n  .filter(col(\"id\") > 0)"), Map.of()))
        .isInstanceOf(SparkKernel.CellFailed.class).hasMessageContaining(".filter");
  }

  @Test
  public void runtimeErrorsAndEmptyResultsFailTheCell() throws Exception {
    assertThatThrownBy(() -> kernel().run(notebook("val x = 1 / (1 - 1)"), Map.of()))
        .isInstanceOf(SparkKernel.CellFailed.class).hasMessageContaining("ArithmeticException");
    assertThatThrownBy(() -> kernel().run(notebook("#tags nonempty:empty\nval empty = spark.range(0)"), Map.of()))
        .hasMessageContaining("empty is empty");
    assertThatThrownBy(() -> kernel().run(notebook("#tags nonempty\n%%sql\nSELECT 1 WHERE false"), Map.of()))
        .hasMessageContaining("returned no rows");
    assertThatThrownBy(() -> kernel().run(notebook("%%sql\nSELECT * FROM no_such_view"), Map.of()))
        .hasMessageContaining("no_such_view");
  }

  @Test
  public void magicsCiCannotRunAndMissingParametersAreRefused() throws Exception {
    assertThatThrownBy(() -> kernel().run(notebook("%%local\nimport pandas"), Map.of()))
        .hasMessageContaining("%%local is not run by CI");
    assertThatThrownBy(() -> kernel().run(notebook("%%configure -f\n{\"conf\": {}}"), Map.of()))
        .hasMessageContaining("must attach the ebaudit job jar");
    kernel().run(notebook("%%configure -f\n{\"conf\": {\"spark.jars\": \"s3://b/ebaudit-1-emr.jar\"}}"), Map.of());
    assertThatThrownBy(() -> kernel().run(notebook("val a = 1"), Map.of("dataRoot", "/x")))
        .hasMessageContaining("no cell tagged 'parameters'");
  }

  @Test
  public void parameterValuesAreScalaStringLiterals() {
    assertThat(SparkKernel.scalaString("s3://b/\"x\"\\y\n")).isEqualTo("\"s3://b/\\\"x\\\"\\\\y\\n\"");
  }
}
