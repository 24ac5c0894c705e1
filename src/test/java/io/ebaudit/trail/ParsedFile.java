package io.ebaudit.trail;

import io.ebaudit.iam.ActionMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.StructField;

/** Test helper: runs {@link RecordParser} on bytes and keeps what came out as plain maps. */
final class ParsedFile implements RecordParser.Sink {
  final List<Map<String, Object>> events = new ArrayList<>();
  final List<RecordParser.Problem> problems = new ArrayList<>();
  RecordParser.FileCounts counts;
  private final UnsafeProjection projection = UnsafeProjection.create(EventSchema.EVENTS);

  static ParsedFile of(String json) {
    return of(json.getBytes(StandardCharsets.UTF_8), "test.json");
  }

  static ParsedFile of(byte[] data, String name) {
    ParsedFile f = new ParsedFile();
    f.counts = new RecordParser(ActionMapper.standard(), 8L << 20).parse(data, data.length, name, f);
    return f;
  }

  static ParsedFile resource(String path) {
    try (InputStream in = ParsedFile.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + path);
      }
      byte[] b = in.readAllBytes();
      if (path.endsWith(".gz")) {
        b = new GZIPInputStream(new ByteArrayInputStream(b)).readAllBytes();
      }
      return of(b, path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(Path p) throws IOException {
    return Files.readAllBytes(p);
  }

  @Override
  public void event(InternalRow row) {
    InternalRow copy = projection.apply(row).copy();
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < EventSchema.EVENTS.size(); i++) {
      StructField f = EventSchema.EVENTS.fields()[i];
      Object v = copy.isNullAt(i) ? null : copy.get(i, f.dataType());
      m.put(f.name(), v == null ? null : v instanceof org.apache.spark.unsafe.types.UTF8String ? v.toString() : v);
    }
    events.add(m);
  }

  @Override
  public void quarantine(RecordParser.Problem problem) {
    problems.add(problem);
  }

  Map<String, Object> event(String eventId) {
    return events.stream().filter(e -> eventId.equals(e.get("event_id"))).findFirst()
        .orElseThrow(() -> new AssertionError("no event " + eventId + " in " + events.size() + " events"));
  }

  List<String> reasons() {
    return problems.stream().map(RecordParser.Problem::reason).toList();
  }
}
