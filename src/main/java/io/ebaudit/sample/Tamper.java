package io.ebaudit.sample;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Damage {@link TrailGenerator} can plant after writing a correct trail, for the integrity checks to
 * find: each picks one object deterministically (account 0, the first region, the middle of the window).
 */
public enum Tamper {
  /** A log file listed in a digest is deleted. */
  DELETE_LOG,
  /** A log file listed in a digest loses its last record (re-compressed: the listed hash no longer matches). */
  MODIFY_LOG,
  /** A log file no digest lists is added beside the others. */
  ADD_LOG,
  /** A digest file in the middle of a chain is deleted. */
  DELETE_DIGEST;

  /** {@code delete-log}, … */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses {@code delete-log,modify-log}; {@code none} or blank is the empty set. */
  public static Set<Tamper> parse(java.util.List<String> names) {
    Set<Tamper> out = EnumSet.noneOf(Tamper.class);
    for (String n : names) {
      String t = n.trim();
      if (t.isEmpty() || t.equalsIgnoreCase("none")) {
        continue;
      }
      try {
        out.add(valueOf(t.toUpperCase(Locale.ROOT).replace('-', '_')));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Cannot generate sample: --tamper takes delete-log, modify-log, add-log"
            + " or delete-digest, got " + n);
      }
    }
    return out;
  }
}
