package io.ebaudit.iam;

import java.io.Serializable;
import java.util.Locale;

/**
 * An IAM wildcard pattern ({@code *} any run of characters, {@code ?} exactly one), compiled once.
 *
 * <p>Action patterns are matched case-insensitively ({@link #action}); resource ARNs
 * case-sensitively ({@link #resource}). No regular expression is built: a pattern without
 * wildcards is an equality test, {@code prefix*} a {@code startsWith}, and anything else a
 * two-pointer scan with back-tracking to the last {@code *} (linear in practice, no allocation).
 */
public final class Glob implements Serializable {
  private static final long serialVersionUID = 1L;

  private enum Kind { ALL, EXACT, PREFIX, GENERAL }

  private final String source;
  private final String pattern; // lower-cased when ignoreCase
  private final boolean ignoreCase;
  private final Kind kind;

  private Glob(String source, boolean ignoreCase) {
    this.source = source;
    this.ignoreCase = ignoreCase;
    this.pattern = ignoreCase ? source.toLowerCase(Locale.ROOT) : source;
    int star = pattern.indexOf('*'), q = pattern.indexOf('?');
    if (pattern.equals("*")) kind = Kind.ALL;
    else if (star < 0 && q < 0) kind = Kind.EXACT;
    else if (q < 0 && star == pattern.length() - 1) kind = Kind.PREFIX;
    else kind = Kind.GENERAL;
  }

  /** A case-insensitive action pattern such as {@code ec2:Describe*} or {@code s3:Get?bject}. */
  public static Glob action(String pattern) {
    return new Glob(pattern.trim(), true);
  }

  /** A case-sensitive resource pattern such as {@code arn:aws:s3:::bucket/*}. */
  public static Glob resource(String pattern) {
    return new Glob(pattern, false);
  }

  public String source() {
    return source;
  }

  /** True when the pattern is {@code *} alone. */
  public boolean matchesEverything() {
    return kind == Kind.ALL;
  }

  /** The literal text before the first wildcard. */
  public String literalPrefix() {
    int i = 0;
    while (i < pattern.length() && pattern.charAt(i) != '*' && pattern.charAt(i) != '?') i++;
    return pattern.substring(0, i);
  }

  /** Matches {@code text}, lower-casing it first when the pattern ignores case. */
  public boolean matches(String text) {
    return matchesPrepared(ignoreCase ? text.toLowerCase(Locale.ROOT) : text);
  }

  /** Matches text that is already lower-cased when the pattern ignores case (the hot path). */
  public boolean matchesPrepared(String t) {
    switch (kind) {
      case ALL:
        return true;
      case EXACT:
        return pattern.equals(t);
      case PREFIX:
        return t.length() >= pattern.length() - 1
            && t.regionMatches(0, pattern, 0, pattern.length() - 1);
      default:
        return general(pattern, t);
    }
  }

  private static boolean general(String p, String t) {
    int pi = 0, ti = 0, starP = -1, starT = 0;
    int pn = p.length(), tn = t.length();
    while (ti < tn) {
      if (pi < pn) {
        char c = p.charAt(pi);
        if (c == '*') {
          starP = pi++;
          starT = ti;
          continue;
        }
        if (c == '?' || c == t.charAt(ti)) {
          pi++;
          ti++;
          continue;
        }
      }
      if (starP < 0) return false;
      pi = starP + 1;
      ti = ++starT;
    }
    while (pi < pn && p.charAt(pi) == '*') pi++;
    return pi == pn;
  }

  @Override
  public String toString() {
    return source;
  }
}
