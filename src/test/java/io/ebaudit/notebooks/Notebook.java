package io.ebaudit.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A Jupyter notebook (nbformat 4) as the tests read it: its cells, their source and tags. */
record Notebook(Path path, JsonNode json, List<Cell> cells) {
  record Cell(int index, String type, String source, List<String> tags, JsonNode json) {
    boolean tagged(String tag) {
      return tags.contains(tag);
    }

    /** The first line when it is a cell magic ({@code %%sql -o x}), else empty. */
    String magicLine() {
      String s = source.stripLeading();
      if (!s.startsWith("%%")) {
        return "";
      }
      int nl = s.indexOf('\n');
      return nl < 0 ? s : s.substring(0, nl);
    }

    String body() {
      String s = source.stripLeading();
      int nl = s.indexOf('\n');
      return nl < 0 ? "" : s.substring(nl + 1);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  static Notebook read(Path path) {
    try {
      JsonNode nb = JSON.readTree(Files.readString(path));
      List<Cell> cells = new ArrayList<>();
      int i = 0;
      for (JsonNode c : nb.path("cells")) {
        List<String> tags = new ArrayList<>();
        for (JsonNode t : c.path("metadata").path("tags")) {
          tags.add(t.asText());
        }
        cells.add(new Cell(i++, c.path("cell_type").asText(), source(c.path("source")), tags, c));
      }
      return new Notebook(path, nb, cells);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read notebook " + path + ": " + e.getMessage(), e);
    }
  }

  /** nbformat allows a string or a list of lines. */
  private static String source(JsonNode s) {
    if (s.isTextual()) {
      return s.asText();
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode line : s) {
      sb.append(line.asText());
    }
    return sb.toString();
  }

  static List<Path> all(Path dir) {
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".ipynb")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
