package io.ebaudit.platforms;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A platform version {@code major.minor.patch}, ordered numerically (3.10.0 is newer than 3.9.9).
 * Old solution stacks sometimes carry only {@code vX.Y}; missing parts read as 0.
 */
public record Version(int major, int minor, int patch) implements Comparable<Version> {

  private static final Pattern VERSION = Pattern.compile("v?(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?");

  public Version {
    if (major < 0 || minor < 0 || patch < 0) {
      throw new IllegalArgumentException("negative version part: " + major + "." + minor + "." + patch);
    }
  }

  /** Parses {@code X.Y.Z} (or {@code X}, {@code X.Y}, with an optional leading {@code v}). */
  public static Optional<Version> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = VERSION.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Version(Integer.parseInt(m.group(1)), part(m.group(2)), part(m.group(3))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Like {@link #parse} but throws on text that is not a version. */
  public static Version of(String text) {
    return parse(text).orElseThrow(() -> new IllegalArgumentException("not a platform version: " + text));
  }

  private static int part(String s) {
    return s == null ? 0 : Integer.parseInt(s);
  }

  @Override
  public int compareTo(Version o) {
    int c = Integer.compare(major, o.major);
    if (c == 0) {
      c = Integer.compare(minor, o.minor);
    }
    return c != 0 ? c : Integer.compare(patch, o.patch);
  }

  public boolean isNewerThan(Version o) {
    return compareTo(o) > 0;
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }
}
