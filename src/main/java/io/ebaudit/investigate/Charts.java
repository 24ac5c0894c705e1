package io.ebaudit.investigate;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Bar charts as text, for notebooks on EMR Studio's Spark (Scala) kernel, whose cells can only print
 * text (Livy returns {@code text/plain} for Scala), and for the terminal. One bar per row, in the
 * Dataset's order, scaled to the largest value; labels are made terminal-safe ({@link TerminalText}).
 */
public final class Charts {
  private Charts() {}

  /** At most this many bars are drawn; a line says how many rows were left out. */
  public static final int MAX_BARS = 60;

  /** Bars of {@code valueCol} (a number) labelled by {@code labelCol} (anything; null shows as "(none)"). */
  public static String bars(Dataset<Row> data, String labelCol, String valueCol) {
    return bars(data, labelCol, valueCol, 50);
  }

  public static String bars(Dataset<Row> data, String labelCol, String valueCol, int width) {
    List<Row> rows = data.select(labelCol, valueCol).limit(MAX_BARS + 1).collectAsList();
    int shown = Math.min(rows.size(), MAX_BARS);
    double top = 0;
    int labelWidth = 1;
    for (int i = 0; i < shown; i++) {
      Row r = rows.get(i);
      top = Math.max(top, value(r));
      labelWidth = Math.max(labelWidth, label(r).length());
    }
    labelWidth = Math.min(labelWidth, 48);
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-" + labelWidth + "s  %s%n", TerminalText.safe(labelCol, labelWidth), valueCol));
    for (int i = 0; i < shown; i++) {
      Row r = rows.get(i);
      double v = value(r);
      int eighths = top <= 0 ? 0 : (int) Math.round(v / top * width * 8);
      sb.append(String.format("%-" + labelWidth + "s  %s %s%n", TerminalText.safe(label(r), labelWidth),
          bar(eighths), number(v)));
    }
    if (rows.size() > MAX_BARS) {
      sb.append("(more rows not drawn)\n");
    }
    if (shown == 0) {
      sb.append("(no rows)\n");
    }
    return sb.toString();
  }

  private static String bar(int eighths) {
    StringBuilder sb = new StringBuilder();
    sb.append("█".repeat(eighths / 8));
    int rest = eighths % 8;
    if (rest > 0) {
      sb.append("▏▎▍▌▋▊▉".charAt(rest - 1));
    }
    return sb.toString();
  }

  private static String label(Row r) {
    Object o = r.get(0);
    return o == null ? "(none)" : TerminalText.safe(o.toString());
  }

  private static double value(Row r) {
    Object o = r.get(1);
    return o instanceof Number n ? n.doubleValue() : 0;
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format("%,d", (long) v) : String.format("%,.3f", v);
  }
}
