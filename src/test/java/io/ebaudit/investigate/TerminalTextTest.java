package io.ebaudit.investigate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class TerminalTextTest {
  @Test
  void controlC1AndBidiCharactersAreShownNotSent() {
    assertThat(TerminalText.safe("aws-cli\u001b]0;pwned\u0007\u001b[2J")).isEqualTo("aws-cli\\x1b]0;pwned\\x07\\x1b[2J");
    assertThat(TerminalText.safe("a\u009b31mb\u007fc")).isEqualTo("a\\x9b31mb\\x7fc");
    assertThat(TerminalText.safe("shop\u202eved-pord")).isEqualTo("shop\\u202eved-pord");
    assertThat(TerminalText.safe("line\nnext\rx\tz\u2028")).isEqualTo("line\\x0anext\\x0dx\\x09z\\u2028");
  }

  @Test
  void ordinaryTextIsUnchanged() {
    String s = "arn:aws:iam::123456789012:role/Équipe-日本-deploy (t3.small) 🚀";
    assertThat(TerminalText.safe(s)).isSameAs(s);
    assertThat(TerminalText.safe(null)).isEmpty();
    assertThat(TerminalText.safe("abcdefgh", 5)).isEqualTo("abcd…");
  }

  @Test
  void windowsTakeDaysOrInstants() {
    TimeWindow w = TimeWindow.parse("2026-11-22", "2026-11-23");
    assertThat(w.from()).isEqualTo(Instant.parse("2026-11-22T00:00:00Z"));
    assertThat(w.to()).isEqualTo(Instant.parse("2026-11-24T00:00:00Z"));
    assertThat(w.firstDay()).isEqualTo(LocalDate.of(2026, 11, 22));
    assertThat(w.lastDay()).isEqualTo(LocalDate.of(2026, 11, 23));
    TimeWindow i = TimeWindow.parse("2026-11-22T08:30:00Z", "2026-11-23T00:00:00Z");
    assertThat(i.lastDay()).isEqualTo(LocalDate.of(2026, 11, 22));
    assertThat(TimeWindow.parse("", null)).isEqualTo(TimeWindow.ALL);
    assertThatThrownBy(() -> TimeWindow.parse("last tuesday", null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot investigate: --from takes a day (2026-11-22) or an instant (2026-11-22T08:30:00Z), got last tuesday");
    assertThatThrownBy(() -> TimeWindow.parse("2026-11-23", "2026-11-22")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot investigate: --from must be before --to");
  }
}
