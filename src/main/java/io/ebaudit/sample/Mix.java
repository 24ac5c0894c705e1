package io.ebaudit.sample;

/** Seed derivation: every file and event gets its own RNG stream, so threads can't change output. */
final class Mix {
  private Mix() {}

  static long of(long... parts) {
    long h = 0x9E3779B97F4A7C15L;
    for (long p : parts) {
      h = murmur(h ^ murmur(p + 0x632BE59BD9B4E019L));
    }
    return h;
  }

  private static long murmur(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
