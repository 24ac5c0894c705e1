package io.ebaudit.trail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Test helper: writes small CloudTrail files and layouts by hand. */
public final class TrailFixture {
  private TrailFixture() {}

  public static String event(String id, String time, String source, String name) {
    return "{\"eventVersion\":\"1.09\",\"eventID\":\"" + id + "\",\"eventTime\":\"" + time + "\",\"eventSource\":\""
        + source + "\",\"eventName\":\"" + name + "\",\"awsRegion\":\"us-east-1\",\"userIdentity\":{\"type\":\"IAMUser\","
        + "\"arn\":\"arn:aws:iam::111122223333:user/alice\",\"accountId\":\"111122223333\",\"userName\":\"alice\"},"
        + "\"sourceIPAddress\":\"203.0.113.7\",\"userAgent\":\"aws-cli/2.15.0\",\"requestParameters\":null,"
        + "\"responseElements\":null,\"eventType\":\"AwsApiCall\",\"recipientAccountId\":\"111122223333\"}";
  }

  public static String envelope(List<String> records) {
    return "{\"Records\":[" + String.join(",", records) + "]}";
  }

  public static Path write(Path root, String relative, String content, boolean gzip) {
    return writeBytes(root, relative, content.getBytes(StandardCharsets.UTF_8), gzip);
  }

  public static Path writeBytes(Path root, String relative, byte[] content, boolean gzip) {
    try {
      Path p = root.resolve(relative);
      Files.createDirectories(p.getParent());
      try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
        out.write(content);
      }
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The real object name of a log file of {@code account} in {@code region} on {@code ymd} (yyyy/MM/dd). */
  public static String logKey(String org, String account, String region, String ymd, String suffix) {
    String day = ymd.replace("/", "");
    return "AWSLogs/" + (org == null ? "" : org + "/") + account + "/CloudTrail/" + region + "/" + ymd + "/"
        + account + "_CloudTrail_" + region + "_" + day + "T0005Z_" + suffix + ".json.gz";
  }
}
