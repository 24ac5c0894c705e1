package io.ebaudit.rules.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChangeWindowTest {
  private static boolean in(ChangeWindow w, String utc) {
    return w.contains(Instant.parse(utc));
  }

  @Test
  void weekdaysInUtc() {
    ChangeWindow w = ChangeWindow.parse("Mon-Fri 07:00-19:00", "UTC");
    assertThat(in(w, "2024-05-14T07:00:00Z")).isTrue(); // Tuesday
    assertThat(in(w, "2024-05-14T06:59:59Z")).isFalse();
    assertThat(in(w, "2024-05-14T18:59:59Z")).isTrue();
    assertThat(in(w, "2024-05-14T19:00:00Z")).isFalse();
    assertThat(in(w, "2024-05-18T12:00:00Z")).isFalse(); // Saturday
  }

  @Test
  void timeZoneAndDaylightSaving() {
    ChangeWindow w = ChangeWindow.parse("Mon-Fri 07:00-19:00", "Europe/Berlin");
    assertThat(in(w, "2024-05-14T05:00:00Z")).isTrue(); // 07:00 CEST
    assertThat(in(w, "2024-01-16T05:30:00Z")).isFalse(); // 06:30 CET
    assertThat(in(w, "2024-01-16T06:00:00Z")).isTrue(); // 07:00 CET
    assertThat(w.local(Instant.parse("2024-05-18T11:00:00Z"))).isEqualTo("Sat 2024-05-18 13:00 Europe/Berlin");
  }

  @Test
  void severalSlotsListsWrappingRangesAndMidnight() {
    ChangeWindow w = ChangeWindow.parse("Mon,wed 09:00-10:00; Sat 22:00-02:00; Fri-Mon 12:00-13:00", "UTC");
    assertThat(in(w, "2024-05-13T09:30:00Z")).isTrue(); // Monday
    assertThat(in(w, "2024-05-14T09:30:00Z")).isFalse(); // Tuesday
    assertThat(in(w, "2024-05-15T09:59:00Z")).isTrue(); // Wednesday
    assertThat(in(w, "2024-05-18T23:00:00Z")).isTrue(); // Saturday night
    assertThat(in(w, "2024-05-19T01:59:00Z")).isTrue(); // ... into Sunday
    assertThat(in(w, "2024-05-19T02:00:00Z")).isFalse();
    assertThat(in(w, "2024-05-18T01:00:00Z")).isFalse(); // Saturday early: Friday had no night slot
    assertThat(in(w, "2024-05-19T12:30:00Z")).isTrue(); // Sunday, inside Fri-Mon
    assertThat(in(w, "2024-05-15T12:30:00Z")).isFalse(); // Wednesday
    assertThat(in(ChangeWindow.parse("* 00:00-24:00", "UTC"), "2024-05-18T23:59:59Z")).isTrue();
  }

  @Test
  void badSpecsAreConfigurationErrors() {
    assertThatThrownBy(() -> ChangeWindow.parse("weekdays 9-5", "UTC")).hasMessageContaining("change_window");
    assertThatThrownBy(() -> ChangeWindow.parse("Mon-Fri 07:00-25:00", "UTC")).hasMessageContaining("25:00");
    assertThatThrownBy(() -> ChangeWindow.parse("Mon-Fri 07:00-19:00", "Mars/Olympus")).hasMessageContaining("Mars/Olympus");
    assertThatThrownBy(() -> ChangeWindow.parse(" ; ", "UTC")).hasMessageContaining("no window");
  }
}
