package io.ebaudit.integrity;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an object sits in CloudTrail's S3 layout, from its path alone:
 * {@code <root>AWSLogs/[<o-id>/]<account>/<CloudTrail|CloudTrail-Digest>/<region>/YYYY/MM/DD/<name>}.
 * The <em>key</em> is the part from {@code AWSLogs/} on: a digest's {@code s3Object} carries the trail's
 * prefix, a copied trail another bucket or folder, but the key below {@code AWSLogs/} is the same.
 */
public final class TrailPaths {
  private TrailPaths() {}

  private static final Pattern DIGEST_NAME = Pattern.compile("^(.*)_(\\d{8}T\\d{6}Z)(_backfill)?\\.json\\.gz$");
  private static final Pattern LOG_STAMP = Pattern.compile("_(\\d{8}T\\d{4}Z)_");
  private static final DateTimeFormatter DIGEST_STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter LOG_STAMP_FORMAT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** The part from {@code AWSLogs/} on (the last such folder), or null when there is none. */
  public static String key(String pathOrObject) {
    if (pathOrObject == null) {
      return null;
    }
    if (pathOrObject.startsWith("AWSLogs/")) {
      return pathOrObject;
    }
    int at = pathOrObject.lastIndexOf("/AWSLogs/");
    return at < 0 ? null : pathOrObject.substring(at + 1);
  }

  /** Everything before {@link #key}: the trail root as this path spells it ({@code s3a://b/prefix/}). */
  public static String root(String path) {
    String k = key(path);
    return k == null ? null : path.substring(0, path.length() - k.length());
  }

  private static String[] parts(String path) {
    String k = key(path);
    if (k == null) {
      return null;
    }
    String[] s = k.split("/");
    int i = s.length > 1 && s[1].startsWith("o-") ? 2 : 1;
    // AWSLogs, [org], account, service, region, YYYY, MM, DD, name
    if (s.length != i + 7) {
      return null;
    }
    return new String[] {s[i], s[i + 1], s[i + 2], s[i + 3], s[i + 4], s[i + 5], s[i + 6]};
  }

  public static String account(String path) {
    String[] p = parts(path);
    return p == null ? null : p[0];
  }

  public static String service(String path) {
    String[] p = parts(path);
    return p == null ? null : p[1];
  }

  public static String region(String path) {
    String[] p = parts(path);
    return p == null ? null : p[2];
  }

  /** The day folder, or null outside the layout. */
  public static LocalDate day(String path) {
    String[] p = parts(path);
    if (p == null) {
      return null;
    }
    try {
      return LocalDate.of(Integer.parseInt(p[3]), Integer.parseInt(p[4]), Integer.parseInt(p[5]));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * One digest chain: the root, the digest folder up to the region, and the file name without its end
   * stamp ({@code <account>_CloudTrail-Digest_<region>_<trail>_<home region>}); null when not a digest name.
   */
  public static String chain(String path) {
    String k = key(path);
    Matcher m = DIGEST_NAME.matcher(path.substring(path.lastIndexOf('/') + 1));
    if (k == null || !m.matches()) {
      return null;
    }
    String dir = k.substring(0, k.lastIndexOf('/'));
    // drop YYYY/MM/DD
    for (int i = 0; i < 3 && dir.lastIndexOf('/') > 0; i++) {
      dir = dir.substring(0, dir.lastIndexOf('/'));
    }
    return root(path) + dir + "/" + m.group(1);
  }

  /** A digest's end time from its name, or null. */
  public static Instant digestStamp(String path) {
    Matcher m = DIGEST_NAME.matcher(path.substring(path.lastIndexOf('/') + 1));
    if (!m.matches()) {
      return null;
    }
    try {
      return Instant.from(DIGEST_STAMP.parse(m.group(2)));
    } catch (RuntimeException e) {
      return null;
    }
  }

  public static boolean backfill(String path) {
    Matcher m = DIGEST_NAME.matcher(path.substring(path.lastIndexOf('/') + 1));
    return m.matches() && m.group(3) != null;
  }

  /** A log file's delivery stamp ({@code _20261120T0005Z_} in its name), or null. */
  public static Instant logStamp(String path) {
    Matcher m = LOG_STAMP.matcher(path.substring(path.lastIndexOf('/') + 1));
    if (!m.find()) {
      return null;
    }
    try {
      return Instant.from(LOG_STAMP_FORMAT.parse(m.group(1)));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** {@code arn:<partition>:s3:::<bucket>/<key>}, the partition from the region. */
  public static String s3Arn(String bucket, String key, String region) {
    if (bucket == null || key == null) {
      return null;
    }
    String partition = region == null ? "aws" : region.startsWith("cn-") ? "aws-cn"
        : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
    return "arn:" + partition + ":s3:::" + bucket + "/" + key;
  }
}
