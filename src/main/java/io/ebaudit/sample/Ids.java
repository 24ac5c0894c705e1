package io.ebaudit.sample;

import java.time.LocalDate;
import java.util.SplittableRandom;

/** Random identifiers and CloudTrail's timestamp formats, from a caller-owned RNG. */
final class Ids {
  private Ids() {}

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final char[] UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
  private static final char[] LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final char[] ALNUM =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  static String hex(SplittableRandom r, int n) {
    return pick(r, HEX, n);
  }

  static String upper(SplittableRandom r, int n) {
    return pick(r, UPPER, n);
  }

  static String lowerAlnum(SplittableRandom r, int n) {
    return pick(r, LOWER_ALNUM, n);
  }

  static String alnum(SplittableRandom r, int n) {
    return pick(r, ALNUM, n);
  }

  private static String pick(SplittableRandom r, char[] alphabet, int n) {
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = alphabet[r.nextInt(alphabet.length)];
    }
    return new String(c);
  }

  /** A version-4 UUID drawn from {@code r}, as CloudTrail's eventID and most requestIDs look. */
  static String uuid(SplittableRandom r) {
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new java.util.UUID(msb, lsb).toString();
  }

  /** {@code 2024-05-01T12:34:56Z}. */
  static String iso(long epochSec) {
    long day = Math.floorDiv(epochSec, 86400L);
    int sod = (int) Math.floorMod(epochSec, 86400L);
    LocalDate d = LocalDate.ofEpochDay(day);
    char[] c = new char[20];
    put4(c, 0, d.getYear());
    c[4] = '-';
    put2(c, 5, d.getMonthValue());
    c[7] = '-';
    put2(c, 8, d.getDayOfMonth());
    c[10] = 'T';
    put2(c, 11, sod / 3600);
    c[13] = ':';
    put2(c, 14, sod / 60 % 60);
    c[16] = ':';
    put2(c, 17, sod % 60);
    c[19] = 'Z';
    return new String(c);
  }

  /** {@code 20240501T1235Z}, the log file name's stamp. */
  static String fileStamp(long epochSec) {
    String iso = iso(epochSec);
    return iso.substring(0, 4) + iso.substring(5, 7) + iso.substring(8, 10) + "T"
        + iso.substring(11, 13) + iso.substring(14, 16) + "Z";
  }

  /** {@code 20240501T123500Z}, the digest file name's stamp. */
  static String digestStamp(long epochSec) {
    String iso = iso(epochSec);
    return iso.substring(0, 4) + iso.substring(5, 7) + iso.substring(8, 10) + "T"
        + iso.substring(11, 13) + iso.substring(14, 16) + iso.substring(17, 19) + "Z";
  }

  /** {@code 2024/05/01}. */
  static String dayPath(long epochSec) {
    String iso = iso(epochSec);
    return iso.substring(0, 4) + "/" + iso.substring(5, 7) + "/" + iso.substring(8, 10);
  }

  /** STS's {@code expiration} format, {@code May 1, 2024, 1:21:51 PM}. */
  static String stsDate(long epochSec) {
    java.time.LocalDateTime t =
        java.time.LocalDateTime.ofEpochSecond(epochSec, 0, java.time.ZoneOffset.UTC);
    int h12 = t.getHour() % 12 == 0 ? 12 : t.getHour() % 12;
    return String.format(java.util.Locale.ROOT, "%s %d, %d, %d:%02d:%02d %s",
        MONTHS[t.getMonthValue() - 1], t.getDayOfMonth(), t.getYear(), h12, t.getMinute(),
        t.getSecond(), t.getHour() < 12 ? "AM" : "PM");
  }

  private static void put2(char[] c, int at, int v) {
    c[at] = (char) ('0' + v / 10);
    c[at + 1] = (char) ('0' + v % 10);
  }

  private static void put4(char[] c, int at, int v) {
    c[at] = (char) ('0' + v / 1000 % 10);
    c[at + 1] = (char) ('0' + v / 100 % 10);
    c[at + 2] = (char) ('0' + v / 10 % 10);
    c[at + 3] = (char) ('0' + v % 10);
  }
}
