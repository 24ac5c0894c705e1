package io.ebaudit.beanstalk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {
  @Test
  void quotedFieldsKeepCommasLineBreaksAndQuotes() {
    String text = "a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"two\nlines\",\n";
    assertThat(Csv.parse(text))
        .containsExactly(
            List.of("a", "b", "c"),
            List.of("1", "x, y", "say \"hi\""),
            List.of("2", "two\nlines", ""));
  }

  @Test
  void emptyFieldsAndNoFinalLineBreak() {
    assertThat(Csv.parse(",,\n\"\",x")).containsExactly(List.of("", "", ""), List.of("", "x"));
  }

  @Test
  void quoteInsideAnUnquotedFieldIsKept() {
    assertThat(Csv.parse("ab\"c,d")).containsExactly(List.of("ab\"c", "d"));
  }

  @Test
  void brokenQuotingFails() {
    assertThatThrownBy(() -> Csv.parse("a,\"open")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unterminated");
    assertThatThrownBy(() -> Csv.parse("\"a\"b,c")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("after closing quote");
  }
}
