package io.ebaudit.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Option;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;

/**
 * Runs notebooks written for EMR Studio's Spark (Scala) kernel the way that kernel does, inside the
 * test JVM and on its Spark session, so CI can execute every cell without Jupyter:
 *
 * <ul>
 *   <li>Scala cells go to Scala's own interpreter ({@code IMain}, what Livy's Scala session runs) the way
 *       Livy feeds it: line by line, a line that does not parse yet joined with the next, and {@code spark}
 *       and {@code sc} bound with Livy's four imports ({@code SparkContext._}, {@code spark.implicits._},
 *       {@code spark.sql}, {@code functions._}). A line that starts a statement with {@code .} therefore
 *       fails here as it does on EMR.
 *   <li>{@code %%sql [-o VAR] [-q] [-n MAXROWS] …} runs {@code spark.sql} on the cell, as sparkmagic does
 *       through the session, and prints up to {@code MAXROWS} rows (sparkmagic's default 2,500).
 *   <li>{@code %%configure [-f]} must hold the JSON sparkmagic sends Livy, attaching the ebaudit job jar
 *       ({@code conf."spark.jars"}); the classes are already on the test classpath, so nothing else runs.
 *   <li>{@code %%info}, {@code %%help}, {@code %%logs}: nothing to do. {@code %%local} (Python on the
 *       notebook server) and other magics fail: CI has no Python with pandas, so notebooks keep to Scala.
 *   <li>After the cell tagged {@code parameters}, parameters are injected as papermill (EMR Studio's
 *       parameterized runs) does for a Scala kernel: a cell of {@code val name = "value"}.
 * </ul>
 *
 * Checks on results: a cell tagged {@code nonempty} ({@code %%sql}) must return rows; a cell tagged
 * {@code nonempty:NAME} must leave a non-empty value {@code NAME} (a Dataset with rows, a non-empty
 * collection, array or string). Any compile or run-time error fails the cell.
 *
 * <p>Closures defined in a cell ({@code ds.map(x => …)}) would need the REPL's classes on the executors,
 * which a session started before the interpreter does not have: notebooks use Column and SQL expressions.
 */
final class SparkKernel implements AutoCloseable {
  /** What one cell printed. */
  record CellRun(int index, String kind, String source, String output) {}

  /** A cell that failed: which, why, and the transcript so far. */
  static final class CellFailed extends AssertionError {
    CellFailed(String message) {
      super(message);
    }
  }

  private static final Pattern MAGIC = Pattern.compile("^%(\\w+)\\W*(.*)");
  private static final int SQL_MAX_ROWS = 2500;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SparkSession spark;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final IMain intp;

  SparkKernel(SparkSession spark) {
    this.spark = spark;
    Settings settings = new Settings();
    settings.processArgumentString("-Yrepl-class-based -deprecation");
    settings.classpath().value_$eq(classpath());
    settings.usejavacp().value_$eq(true);
    intp = new IMain(settings, new PrintWriter(out, true, StandardCharsets.UTF_8));
    intp.initializeSynchronous();
    bind("spark", "org.apache.spark.sql.SparkSession", spark);
    bind("sc", "org.apache.spark.SparkContext", spark.sparkContext());
    for (String imp : List.of("import org.apache.spark.SparkContext._", "import spark.implicits._",
        "import spark.sql", "import org.apache.spark.sql.functions._")) {
      String r = scala(imp);
      if (r != null) {
        throw new IllegalStateException("Cannot start the Scala interpreter: " + r);
      }
    }
    drain();
  }

  /**
   * Every cell of the notebook, in order; {@code parameters} are injected after the parameters cell.
   *
   * @throws CellFailed on the first cell that fails, with its output
   */
  List<CellRun> run(Notebook nb, Map<String, String> parameters) {
    List<CellRun> runs = new ArrayList<>();
    boolean injected = parameters.isEmpty();
    for (Notebook.Cell c : nb.cells()) {
      if (!"code".equals(c.type())) {
        continue;
      }
      runs.add(cell(nb, c));
      if (c.tagged("parameters") && !injected) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> p : parameters.entrySet()) {
          sb.append("val ").append(p.getKey()).append(" = ").append(scalaString(p.getValue())).append('\n');
        }
        String failure = scalaLines(sb.toString());
        String o = drain();
        if (failure != null) {
          throw new CellFailed(nb.path().getFileName() + ": injected parameters failed: " + failure + "\n" + o);
        }
        runs.add(new CellRun(-1, "injected-parameters", sb.toString(), o));
        injected = true;
      }
    }
    if (!injected) {
      throw new CellFailed(nb.path().getFileName() + ": no cell tagged 'parameters' to inject " + parameters.keySet()
          + " after");
    }
    return runs;
  }

  private CellRun cell(Notebook nb, Notebook.Cell c) {
    String where = nb.path().getFileName() + " cell " + c.index();
    String magic = c.magicLine();
    String kind;
    String failure;
    if (magic.isEmpty()) {
      kind = "scala";
      failure = scalaLines(c.source());
    } else {
      String[] words = magic.substring(2).trim().split("\\s+");
      kind = "%%" + words[0];
      failure = switch (words[0]) {
        case "configure" -> configure(c.body());
        case "sql" -> sql(c, Arrays.asList(words).subList(1, words.length));
        case "info", "help", "logs" -> null;
        default -> "the Spark kernel magic " + kind + " is not run by CI (see notebooks/README.md)";
      };
    }
    if (failure == null) {
      failure = checks(c);
    }
    String output = drain();
    if (failure != null) {
      throw new CellFailed(where + " (" + kind + ") failed: " + failure + "\n--- source\n" + c.source()
          + "\n--- output\n" + output);
    }
    return new CellRun(c.index(), kind, c.source(), output);
  }

  /** sparkmagic's %%configure body: Livy's session request JSON; the job jar must be attached. */
  private String configure(String body) {
    JsonNode j;
    try {
      j = JSON.readTree(body);
    } catch (Exception e) {
      return "%%configure holds no JSON object: " + e.getMessage();
    }
    JsonNode jars = j.path("conf").path("spark.jars");
    if (!jars.isTextual() || !jars.asText().contains("ebaudit")) {
      return "%%configure must attach the ebaudit job jar in conf.\"spark.jars\", got " + j;
    }
    return null;
  }

  private String sql(Notebook.Cell c, List<String> args) {
    int maxRows = SQL_MAX_ROWS;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "-o", "--output", "-m", "--samplemethod", "-r", "--samplefraction", "-c", "--coerce" -> i++;
        case "-q", "--quiet" -> { }
        case "-n", "--maxrows" -> maxRows = Integer.parseInt(args.get(++i));
        default -> {
          return "unknown %%sql option " + a;
        }
      }
    }
    try {
      Dataset<Row> d = spark.sql(c.body());
      List<Row> rows = maxRows < 0 ? d.collectAsList() : d.limit(maxRows).collectAsList();
      PrintWriter w = new PrintWriter(out, true, StandardCharsets.UTF_8);
      w.println(String.join(" | ", d.columns()));
      for (Row r : rows) {
        w.println(r.mkString(" | "));
      }
      w.flush();
      if (c.tagged("nonempty") && rows.isEmpty()) {
        return "the query returned no rows (the cell is tagged nonempty)";
      }
      return null;
    } catch (Exception e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  /** The cell's {@code nonempty:NAME} tags. */
  private String checks(Notebook.Cell c) {
    for (String tag : c.tags()) {
      if (!tag.startsWith("nonempty:")) {
        continue;
      }
      String name = tag.substring("nonempty:".length());
      Option<Object> v = intp.valueOfTerm(name);
      if (v.isEmpty()) {
        return "tagged " + tag + " but the cell left no value " + name;
      }
      Object o = v.get();
      boolean empty;
      if (o instanceof Dataset<?> d) {
        empty = d.isEmpty();
      } else if (o instanceof Collection<?> col) {
        empty = col.isEmpty();
      } else if (o instanceof scala.collection.Iterable<?> it) {
        empty = it.isEmpty();
      } else if (o instanceof CharSequence s) {
        empty = s.toString().isBlank();
      } else if (o != null && o.getClass().isArray()) {
        empty = java.lang.reflect.Array.getLength(o) == 0;
      } else {
        return "tagged " + tag + " but " + name + " is a " + (o == null ? "null" : o.getClass().getName())
            + ", which has no emptiness";
      }
      if (empty) {
        return name + " is empty (the cell is tagged " + tag + ")";
      }
    }
    return null;
  }

  /** Livy's way: line by line, joining a line that is incomplete with the next. Null: success. */
  private String scalaLines(String code) {
    List<String> lines = new ArrayList<>(Arrays.asList(code.trim().split("\n", -1)));
    while (!lines.isEmpty()) {
      String head = lines.remove(0);
      Matcher m = MAGIC.matcher(head);
      if (m.matches()) {
        return "Livy's line magic %" + m.group(1) + " is not used in these notebooks";
      }
      Results.Result r = interpret(head);
      if (r == Results.Incomplete$.MODULE$) {
        if (lines.isEmpty()) {
          // Livy retries a trailing incomplete statement in braces: comments pass, real errors don't.
          Results.Result again = interpret("{\n" + head + "\n}");
          if (again != Results.Success$.MODULE$) {
            return "incomplete statement: " + head;
          }
        } else {
          lines.set(0, head + "\n" + lines.get(0));
        }
      } else if (r != Results.Success$.MODULE$) {
        return "error in: " + head.lines().findFirst().orElse("");
      }
    }
    return null;
  }

  private String scala(String code) {
    Results.Result r = interpret(code);
    return r == Results.Success$.MODULE$ ? null : "error in " + code + ": " + drain();
  }

  private Results.Result interpret(String code) {
    return scala.Console.withOut(out, () -> intp.interpret(code));
  }

  private void bind(String name, String type, Object value) {
    Results.Result r = intp.bind(name, type, value,
        scala.collection.JavaConverters.asScalaBuffer(List.of("@transient")).toList());
    if (r != Results.Success$.MODULE$) {
      throw new IllegalStateException("Cannot bind " + name + ": " + drain());
    }
  }

  private String drain() {
    String s = out.toString(StandardCharsets.UTF_8);
    out.reset();
    return s;
  }

  static String scalaString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        // Not \\uXXXX: Scala 2.12 turns unicode escapes into the character before it reads the literal.
        default -> sb.append(ch);
      }
    }
    return sb.append('"').toString();
  }

  /** The test JVM's classpath (Surefire hides it behind a manifest-only jar). */
  private static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    return String.join(File.pathSeparator, Arrays.stream(cp.split(File.pathSeparator)).filter(s -> !s.isBlank()).toList());
  }

  @Override
  public void close() {
    intp.close();
  }

  static Map<String, String> params(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
