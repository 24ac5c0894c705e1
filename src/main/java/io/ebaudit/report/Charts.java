package io.ebaudit.report;

import io.ebaudit.report.ReportModel.BarChart;
import io.ebaudit.report.ReportModel.BarRow;
import io.ebaudit.report.ReportModel.Column;
import io.ebaudit.report.ReportModel.ColumnChart;
import io.ebaudit.report.ReportModel.Legend;
import io.ebaudit.report.ReportModel.Rect;
import io.ebaudit.report.ReportModel.Tick;
import java.util.ArrayList;
import java.util.List;

/**
 * Chart geometry for the report's inline SVG: the template only places what is computed here. User
 * units; numbers rounded to 0.1 so the markup stays small and stable.
 */
public final class Charts {
  private Charts() {}

  /** One stacked value: its CSS class, amount and tooltip. */
  public record Part(String cls, double value, String title) {}

  /** One row or column of input. */
  public record Item(String label, String sublabel, List<Part> parts, String note, String noteCls) {}

  static final int COLUMN_WIDTH = 760;
  static final int COLUMN_HEIGHT = 250;
  private static final int LEFT = 40;
  private static final int TOP = 14;
  private static final int BOTTOM = 40;

  /** Stacked columns (the findings per day). */
  public static ColumnChart columns(List<Item> items, List<Legend> legend, long undated, String caption) {
    double max = 0;
    for (Item it : items) {
      max = Math.max(max, total(it));
    }
    double top = niceMax(max);
    double plotH = COLUMN_HEIGHT - TOP - BOTTOM;
    double slot = (COLUMN_WIDTH - LEFT - 10) / (double) Math.max(1, items.size());
    double barW = Math.min(64, slot * 0.62);
    List<Column> cols = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Item it = items.get(i);
      double x = LEFT + slot * i + (slot - barW) / 2;
      double y = TOP + plotH;
      List<Rect> segs = new ArrayList<>();
      for (Part p : it.parts()) {
        if (p.value() <= 0) {
          continue;
        }
        double h = plotH * p.value() / top;
        y -= h;
        segs.add(new Rect(r(x), r(y), r(barW), r(h), p.cls(), p.title()));
      }
      long t = Math.round(total(it));
      cols.add(new Column(it.label(), r(x + barW / 2), COLUMN_HEIGHT - BOTTOM + 18, segs, t == 0 ? "" : Long.toString(t),
          r(y - 5)));
    }
    List<Tick> ticks = new ArrayList<>();
    double step = top / 4;
    for (int k = 0; k <= 4; k++) {
      double v = step * k;
      ticks.add(new Tick(r(TOP + plotH - plotH * v / top), fmt(v)));
    }
    return new ColumnChart(COLUMN_WIDTH, COLUMN_HEIGHT, cols, ticks, legend, undated, caption);
  }

  static final int BAR_WIDTH = 760;
  static final int BAR_LABEL = 240;
  static final int BAR_NOTE = 190;
  static final int ROW = 26;

  /**
   * Horizontal stacked bars. {@code scaleMax}: the value that fills the bar area (≤ 0: the largest
   * total); {@code limit} rows at most, the rest counted in {@code omitted}.
   */
  public static BarChart bars(List<Item> items, double scaleMax, List<Legend> legend, String caption, int limit) {
    List<Item> shown = items.size() > limit ? items.subList(0, limit) : items;
    double max = scaleMax;
    if (max <= 0) {
      for (Item it : shown) {
        max = Math.max(max, total(it));
      }
    }
    max = Math.max(max, 1e-9);
    double area = BAR_WIDTH - BAR_LABEL - BAR_NOTE;
    List<BarRow> rows = new ArrayList<>();
    for (int i = 0; i < shown.size(); i++) {
      Item it = shown.get(i);
      double y = 6 + i * ROW;
      double x = BAR_LABEL;
      List<Rect> segs = new ArrayList<>();
      for (Part p : it.parts()) {
        if (p.value() <= 0) {
          continue;
        }
        double w = Math.max(2, area * p.value() / max);
        segs.add(new Rect(r(x), r(y), r(w), ROW - 8, p.cls(), p.title()));
        x += w;
      }
      if (segs.isEmpty()) {
        segs.add(new Rect(BAR_LABEL, r(y), 3, ROW - 8, "none", it.note() == null ? "" : it.note()));
        x = BAR_LABEL + 3;
      }
      rows.add(new BarRow(WeeklyReport.clip(it.label(), 28), WeeklyReport.clip(it.sublabel(), 40), r(y), segs, it.note(), r(Math.min(x, BAR_LABEL + area) + 8),
          it.noteCls()));
    }
    int height = 12 + shown.size() * ROW;
    return new BarChart(BAR_WIDTH, height, BAR_LABEL, rows, legend, caption, items.size() - shown.size());
  }

  private static double total(Item it) {
    double t = 0;
    for (Part p : it.parts()) {
      t += Math.max(0, p.value());
    }
    return t;
  }

  /** 1, 2 or 5 times a power of ten, times 4 grid steps, at least {@code max}. */
  static double niceMax(double max) {
    if (max <= 0) {
      return 4;
    }
    double raw = max / 4;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * mag >= raw) {
        double step = m * mag;
        if (step < 1) {
          step = 1;
        }
        return step * 4;
      }
    }
    return mag * 40;
  }

  private static double r(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(java.util.Locale.ROOT, "%.1f", v);
  }
}
