package io.ebaudit.platforms;

import java.util.Locale;

/**
 * A platform branch's lifecycle state. The API documentation writes {@code Deprecated}, real output
 * {@code deprecated}; {@link #parse} ignores case. States only move forward in time (beta, supported,
 * deprecated, retired), so {@link #rank} also orders them by age.
 */
public enum Lifecycle {
  UNKNOWN(0),
  BETA(1),
  SUPPORTED(2),
  DEPRECATED(3),
  RETIRED(4);

  private final int rank;

  Lifecycle(int rank) {
    this.rank = rank;
  }

  public int rank() {
    return rank;
  }

  /** Case-insensitive; {@code null}, blank or anything else is {@link #UNKNOWN}. */
  public static Lifecycle parse(String text) {
    if (text == null) {
      return UNKNOWN;
    }
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "beta":
        return BETA;
      case "supported":
        return SUPPORTED;
      case "deprecated":
        return DEPRECATED;
      case "retired":
        return RETIRED;
      default:
        return UNKNOWN;
    }
  }

  /** The more advanced of two states: when exports disagree, the later state wins. */
  public static Lifecycle later(Lifecycle a, Lifecycle b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return b.rank > a.rank ? b : a;
  }

  /** Lower-case name as the API returns it ({@code deprecated}); {@code unknown} for UNKNOWN. */
  public String apiName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
