package io.ebaudit.trail;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** CloudTrail times (ISO-8601, UTC) to Spark's internal microseconds, without allocating on the common shape. */
final class EventTimes {
  private EventTimes() {}

  static final long MICROS_PER_DAY = 86_400_000_000L;

  /** Microseconds since the epoch, or {@code Long.MIN_VALUE} when {@code s} is not an ISO-8601 time. */
  static long parseMicros(String s) {
    if (s == null) {
      return Long.MIN_VALUE;
    }
    // Fast path: "2017-12-11T15:01:51Z", which is what CloudTrail writes.
    if (s.length() == 20 && s.charAt(4) == '-' && s.charAt(7) == '-' && s.charAt(10) == 'T'
        && s.charAt(13) == ':' && s.charAt(16) == ':' && s.charAt(19) == 'Z') {
      int y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
      int h = digits(s, 11, 2), mi = digits(s, 14, 2), se = digits(s, 17, 2);
      if (y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h >= 0 && h < 24
          && mi >= 0 && mi < 60 && se >= 0 && se < 60) {
        long days = daysFromCivil(y, mo, d);
        return ((days * 24 + h) * 60 + mi) * 60_000_000L + se * 1_000_000L;
      }
      return Long.MIN_VALUE;
    }
    try {
      java.time.Instant t;
      if (s.length() > 10 && (s.endsWith("Z") || s.indexOf('+', 10) > 0 || s.indexOf('-', 10) > 0)) {
        t = OffsetDateTime.parse(s.replace(' ', 'T')).toInstant();
      } else {
        // Tools that re-export CloudTrail (Athena, Panther) drop the zone: the time is still UTC.
        t = java.time.LocalDateTime.parse(s.replace(' ', 'T')).toInstant(java.time.ZoneOffset.UTC);
      }
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    } catch (DateTimeParseException | ArithmeticException e) {
      return Long.MIN_VALUE;
    }
  }

  static int epochDay(long micros) {
    return (int) Math.floorDiv(micros, MICROS_PER_DAY);
  }

  private static int digits(String s, int from, int n) {
    int v = 0;
    for (int i = from; i < from + n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static int daysInMonth(int y, int m) {
    return switch (m) {
      case 2 -> (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date. */
  static long daysFromCivil(int y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
  }
}
