package io.ebaudit.rules.catalog;

import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An approved change window, parsed once on the driver. Format: one or more {@code <days> <HH:MM>-<HH:MM>}
 * separated by {@code ;}, where {@code <days>} is a day ({@code Mon}), a range ({@code Mon-Fri}, wrapping
 * allowed: {@code Fri-Mon}), a comma list ({@code Mon,Wed,Fri}) or {@code *} (every day). The start is
 * inclusive, the end exclusive; an end at or before the start runs past midnight into the next day
 * ({@code Sat 22:00-02:00} is Saturday 22:00 to Sunday 02:00). Times are local to the given time zone.
 * Example: {@code Mon-Fri 07:00-19:00; Sat 09:00-12:00}.
 */
final class ChangeWindow implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

  private record Slot(Set<DayOfWeek> days, int start, int end) implements Serializable {}

  private final List<Slot> slots = new ArrayList<>();
  private final String zone;

  private ChangeWindow(String zone) {
    this.zone = zone;
  }

  static ChangeWindow parse(String spec, String timezone) {
    ZoneId z;
    try {
      z = ZoneId.of(timezone.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Unknown time zone '" + timezone + "' (expected e.g. UTC or Europe/Berlin)");
    }
    ChangeWindow w = new ChangeWindow(z.getId());
    for (String part : spec.split(";")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      String[] f = p.split("\\s+");
      String[] t = f.length == 2 ? f[1].split("-") : new String[0];
      if (t.length != 2) {
        throw bad(spec, "'" + p + "' is not '<days> <HH:MM>-<HH:MM>'");
      }
      w.slots.add(new Slot(days(f[0], spec), minutes(t[0], spec), minutes(t[1], spec)));
    }
    if (w.slots.isEmpty()) {
      throw bad(spec, "no window given");
    }
    return w;
  }

  private static IllegalArgumentException bad(String spec, String why) {
    return new IllegalArgumentException("Bad change_window '" + spec + "': " + why
        + " (expected e.g. 'Mon-Fri 07:00-19:00; Sat 09:00-12:00')");
  }

  private static Set<DayOfWeek> days(String s, String spec) {
    Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
    if (s.equals("*")) {
      return EnumSet.allOf(DayOfWeek.class);
    }
    for (String item : s.split(",")) {
      String[] r = item.split("-");
      if (r.length < 1 || r.length > 2) {
        throw bad(spec, "bad days '" + s + "'");
      }
      int a = day(r[0], spec);
      int b = r.length == 2 ? day(r[1], spec) : a;
      for (int d = a; ; d = (d + 1) % 7) {
        out.add(DayOfWeek.of(d + 1));
        if (d == b) {
          break;
        }
      }
    }
    return out;
  }

  private static int day(String s, String spec) {
    String k = s.trim().toLowerCase(Locale.ROOT);
    int i = k.length() >= 3 ? DAYS.indexOf(k.substring(0, 3)) : -1;
    if (i < 0) {
      throw bad(spec, "unknown day '" + s + "'");
    }
    return i;
  }

  private static int minutes(String s, String spec) {
    String[] hm = s.trim().split(":");
    try {
      int h = Integer.parseInt(hm[0]);
      int m = hm.length == 2 ? Integer.parseInt(hm[1]) : -1;
      if (hm.length != 2 || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) {
        throw bad(spec, "bad time '" + s + "'");
      }
      return h * 60 + m;
    } catch (NumberFormatException e) {
      throw bad(spec, "bad time '" + s + "'");
    }
  }

  /** The instant in the window's time zone, e.g. {@code Sat 2024-05-18 13:00 Europe/Berlin}. */
  String local(Instant t) {
    return java.time.format.DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm", Locale.ROOT)
        .format(t.atZone(ZoneId.of(zone))) + " " + zone;
  }

  /** Whether the instant falls inside the window. */
  boolean contains(Instant t) {
    ZonedDateTime local = t.atZone(ZoneId.of(zone));
    LocalTime lt = local.toLocalTime();
    int min = lt.getHour() * 60 + lt.getMinute();
    DayOfWeek today = local.getDayOfWeek();
    DayOfWeek yesterday = today.minus(1);
    for (Slot s : slots) {
      if (s.end() > s.start()) {
        if (s.days().contains(today) && min >= s.start() && min < s.end()) {
          return true;
        }
      } else {
        if (s.days().contains(today) && min >= s.start()) {
          return true;
        }
        if (s.days().contains(yesterday) && min < s.end()) {
          return true;
        }
      }
    }
    return false;
  }
}
