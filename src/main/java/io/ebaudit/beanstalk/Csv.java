package io.ebaudit.beanstalk;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV: fields separated by commas, records by CRLF or LF; a field in double quotes may hold
 * commas, line breaks and doubled double quotes ({@code ""} for one {@code "}). Unquoted fields are
 * taken as they are (no trimming). A final line break does not start an empty record.
 */
final class Csv {
  private Csv() {}

  static List<List<String>> parse(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    int n = text.length();
    if (n > 0 && text.charAt(0) == '\uFEFF') i = 1; // byte order mark
    boolean quoted = false;
    boolean fieldStarted = false;
    while (i < n) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < n && text.charAt(i + 1) == '"') {
            field.append('"');
            i += 2;
            continue;
          }
          quoted = false;
          i++;
          if (i < n && text.charAt(i) != ',' && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
            throw new IllegalArgumentException(
                "unexpected character after closing quote at offset " + i + " (record " + (rows.size() + 1) + ")");
          }
          continue;
        }
        field.append(c);
        i++;
      } else if (c == '"' && field.length() == 0 && !fieldStarted) {
        quoted = true;
        fieldStarted = true;
        i++;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
        fieldStarted = false;
        i++;
      } else if (c == '\r' || c == '\n') {
        row.add(field.toString());
        field.setLength(0);
        fieldStarted = false;
        rows.add(row);
        row = new ArrayList<>();
        i += (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') ? 2 : 1;
      } else {
        field.append(c);
        fieldStarted = true;
        i++;
      }
    }
    if (quoted) throw new IllegalArgumentException("unterminated quoted field at end of input");
    if (fieldStarted || field.length() > 0 || !row.isEmpty()) {
      row.add(field.toString());
      rows.add(row);
    }
    return rows;
  }
}
