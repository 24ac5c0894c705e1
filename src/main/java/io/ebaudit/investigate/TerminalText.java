package io.ebaudit.investigate;

/**
 * Makes attacker-controlled text (CloudTrail fields: user agents, error messages, request parameters,
 * session and resource names) safe to print to a terminal or a notebook: control characters (C0 such as
 * ESC, DEL, C1 such as CSI {@code U+009B}), line and paragraph separators and the Unicode bidirectional
 * controls ("Trojan Source") are shown as visible escapes ({@code \x1b}, {@code \u202e}) instead of
 * being sent to the terminal, where they could rewrite the screen, hide lines or change the window title.
 */
public final class TerminalText {
  private TerminalText() {}

  /** {@code s} with every unsafe code point escaped; null becomes the empty string. */
  public static String safe(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      if (unsafe(cp)) {
        if (sb == null) {
          sb = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        sb.append(cp <= 0xff ? String.format("\\x%02x", cp) : String.format("\\u%04x", cp));
      } else if (sb != null) {
        sb.appendCodePoint(cp);
      }
      i += n;
    }
    return sb == null ? s : sb.toString();
  }

  /** {@link #safe} cut to {@code max} characters (an ellipsis marks the cut). */
  public static String safe(String s, int max) {
    String t = safe(s);
    return t.length() <= max ? t : t.substring(0, Math.max(0, max - 1)) + "…";
  }

  /** Characters a terminal may act on rather than show. */
  public static boolean unsafe(int cp) {
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)
        || cp == 0x2028 || cp == 0x2029 // line / paragraph separators
        || (cp >= 0x200b && cp <= 0x200f) // zero-width and directional marks
        || (cp >= 0x202a && cp <= 0x202e) // bidi embeddings and overrides
        || (cp >= 0x2066 && cp <= 0x2069) // bidi isolates
        || cp == 0x061c || cp == 0xfeff
        || Character.getType(cp) == Character.PRIVATE_USE || Character.getType(cp) == Character.UNASSIGNED;
  }
}
