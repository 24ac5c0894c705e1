package io.ebaudit.investigate;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * An investigation's window: {@code from} inclusive, {@code to} exclusive, either open. Parsed from what
 * an analyst types: a day ({@code 2026-11-22}; as {@code --to}, the whole day is included) or an
 * ISO-8601 instant ({@code 2026-11-22T08:30:00Z}). Blank or null: open.
 */
public record TimeWindow(Instant from, Instant to) {
  public static final TimeWindow ALL = new TimeWindow(null, null);

  public TimeWindow {
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException("Cannot investigate: --from must be before --to, got " + from + " .. " + to);
    }
  }

  public static TimeWindow parse(String from, String to) {
    return new TimeWindow(bound(from, "--from", false), bound(to, "--to", true));
  }

  /** The first and last UTC days the window touches (null: open), for partition pruning. */
  public LocalDate firstDay() {
    return from == null ? null : LocalDate.ofInstant(from, ZoneOffset.UTC);
  }

  public LocalDate lastDay() {
    return to == null ? null : LocalDate.ofInstant(to.minusNanos(1), ZoneOffset.UTC);
  }

  /** For headers: {@code 2026-11-22T00:00:00Z .. 2026-11-29T00:00:00Z}, open ends as {@code …}. */
  public String describe() {
    return (from == null ? "…" : from.toString()) + " .. " + (to == null ? "…" : to.toString());
  }

  private static Instant bound(String s, String option, boolean end) {
    if (s == null || s.isBlank()) {
      return null;
    }
    String t = s.trim();
    try {
      if (t.length() == 10) {
        LocalDate d = LocalDate.parse(t);
        return (end ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("Cannot investigate: " + option
          + " takes a day (2026-11-22) or an instant (2026-11-22T08:30:00Z), got " + s);
    }
  }
}
