package io.ebaudit.trail;

import java.util.HashSet;
import java.util.Set;

/**
 * The event ids one task has kept. CloudTrail's ids are UUIDs: those are stored as two longs in an
 * open-addressing table (about 40 bytes an id, no object per id); anything else in a plain set.
 */
final class EventIdSet {
  private long[] table = new long[1 << 15]; // pairs: hi, lo; (0, 0) marks an empty slot
  private int size;
  private boolean zeroSeen; // the all-zero UUID cannot live in the table
  private final Set<String> other = new HashSet<>();

  /** Adds {@code id}; false when it was already there. */
  boolean add(String id) {
    if (id.length() == 36 && id.charAt(8) == '-' && id.charAt(13) == '-' && id.charAt(18) == '-'
        && id.charAt(23) == '-' && canonicalHex(id)) {
      long hi = hex(id, 0, 8) << 32 | hex(id, 9, 13) << 16 | hex(id, 14, 18);
      long lo = hex(id, 19, 23) << 48 | hex(id, 24, 36);
      return addPair(hi, lo);
    }
    return other.add(id);
  }

  /** Lower-case hex digits and the four dashes only: exactly one text per (hi, lo). */
  private static boolean canonicalHex(String id) {
    for (int i = 0; i < 36; i++) {
      char c = id.charAt(i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        continue;
      }
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  int size() {
    return size + other.size() + (zeroSeen ? 1 : 0);
  }

  private boolean addPair(long hi, long lo) {
    if (hi == 0 && lo == 0) {
      if (zeroSeen) {
        return false;
      }
      zeroSeen = true;
      return true;
    }
    if ((size + 1) * 10L > (table.length / 2) * 6L) {
      grow();
    }
    int slots = table.length / 2;
    int i = (int) (mix(hi, lo) & (slots - 1));
    while (true) {
      long h = table[2 * i], l = table[2 * i + 1];
      if (h == 0 && l == 0) {
        table[2 * i] = hi;
        table[2 * i + 1] = lo;
        size++;
        return true;
      }
      if (h == hi && l == lo) {
        return false;
      }
      i = (i + 1) & (slots - 1);
    }
  }

  private void grow() {
    long[] old = table;
    table = new long[old.length * 2];
    size = 0;
    for (int i = 0; i < old.length; i += 2) {
      if (old[i] != 0 || old[i + 1] != 0) {
        addPair(old[i], old[i + 1]);
      }
    }
  }

  private static long mix(long hi, long lo) {
    long h = hi * 0x9E3779B97F4A7C15L ^ lo;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    return h ^ (h >>> 33);
  }

  /** The value of the hex digits {@code s[from, to)}, already checked by {@link #canonicalHex}. */
  private static long hex(String s, int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      v = v << 4 | (c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return v;
  }
}
