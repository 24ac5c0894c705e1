package io.ebaudit.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * Plants {@link SampleSpec#tamper()} in a written trail: one object per kind, in the first account and
 * region, in the middle of the window (deterministic), so integrity checks have something to find.
 */
final class Tampering {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SampleSpec spec;
  private final List<TrailGenerator.FileInfo> logs;
  private final List<String[]> digests;
  private final long middle;

  Tampering(SampleSpec spec, List<TrailGenerator.FileInfo> files, List<String[]> digests) {
    this.spec = spec;
    this.logs = files.stream().filter(f -> f.account() == 0 && f.region() == 0)
        .sorted(Comparator.comparingLong(TrailGenerator.FileInfo::stamp).thenComparing(TrailGenerator.FileInfo::key))
        .toList();
    this.digests = digests;
    this.middle = spec.from().plusDays(spec.days() / 2).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
  }

  /** Applies every requested kind; returns the object each one touched (its key below the output). */
  Map<Tamper, String> apply() throws IOException {
    Map<Tamper, String> done = new EnumMap<>(Tamper.class);
    for (Tamper t : spec.tamper()) {
      switch (t) {
        case DELETE_LOG -> {
          TrailGenerator.FileInfo f = logAfter(12 * 3600, 1, done);
          Files.delete(spec.out().resolve(f.key()));
          done.put(t, f.key());
        }
        case MODIFY_LOG -> {
          TrailGenerator.FileInfo f = logAfter(15 * 3600, 2, done);
          dropLastRecord(spec.out().resolve(f.key()));
          done.put(t, f.key());
        }
        case ADD_LOG -> done.put(t, addForgedLog());
        case DELETE_DIGEST -> {
          String key = digestAfter(10 * 3600);
          Files.delete(spec.out().resolve(key));
          done.put(t, key);
        }
      }
    }
    return done;
  }

  private TrailGenerator.FileInfo logAfter(long secondOfDay, long minEvents, Map<Tamper, String> taken) {
    TrailGenerator.FileInfo pick = null;
    for (TrailGenerator.FileInfo f : logs) {
      if (taken.containsValue(f.key()) || f.events() < minEvents) {
        continue;
      }
      pick = f;
      if (f.stamp() >= middle + secondOfDay) {
        break;
      }
    }
    if (pick == null) {
      throw new IllegalStateException("Cannot tamper with the sample: no log file of the first account and region to use");
    }
    return pick;
  }

  private String digestAfter(long secondOfDay) {
    String prefix = "/CloudTrail-Digest/" + spec.regions().get(0) + "/";
    String chosen = null;
    String last = null;
    String firstAccount = logs.isEmpty() ? null : logs.get(0).key().split("/")[spec.organizationId() == null ? 1 : 2];
    for (String[] d : digests) {
      if (!d[0].contains(prefix) || (firstAccount != null && !d[0].contains("/" + firstAccount + "/"))) {
        continue;
      }
      long end = java.time.Instant.parse(d[2]).getEpochSecond();
      if (last != null && end >= middle + secondOfDay) {
        chosen = d[0];
        break;
      }
      last = d[0];
    }
    if (chosen == null) {
      throw new IllegalStateException("Cannot tamper with the sample: no digest in the middle of a chain to delete");
    }
    return chosen;
  }

  /** An attacker removes the last record of a file: still valid CloudTrail, no longer what was digested. */
  private static void dropLastRecord(Path file) throws IOException {
    JsonNode root;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      root = JSON.readTree(in);
    }
    ArrayNode records = (ArrayNode) root.get("Records");
    records.remove(records.size() - 1);
    try (OutputStream out = TrailGenerator.gzip(file)) {
      JSON.writeValue(out, root);
    }
  }

  /** A file no digest lists: a forged record of someone stopping the trail. */
  private String addForgedLog() throws IOException {
    TrailGenerator.FileInfo near = logAfter(16 * 3600, 1, Map.of());
    String key = near.key();
    String dir = key.substring(0, key.lastIndexOf('/'));
    String name = key.substring(key.lastIndexOf('/') + 1);
    SplittableRandom r = new SplittableRandom(Mix.of(spec.seed(), 7));
    // Same account, region and delivery minute as its neighbour, another suffix.
    String forged = dir + "/" + name.substring(0, name.lastIndexOf('_') + 1) + Ids.alnum(r, 16) + ".json.gz";
    String account = name.substring(0, name.indexOf('_'));
    ObjectNode rec = JSON.createObjectNode();
    rec.put("eventVersion", "1.08");
    ObjectNode who = rec.putObject("userIdentity");
    who.put("type", "Root");
    who.put("principalId", account);
    who.put("arn", "arn:aws:iam::" + account + ":root");
    who.put("accountId", account);
    rec.put("eventTime", Ids.iso(near.newest()));
    rec.put("eventSource", "cloudtrail.amazonaws.com");
    rec.put("eventName", "StopLogging");
    rec.put("awsRegion", spec.regions().get(0));
    rec.put("sourceIPAddress", "198.51.100.77");
    rec.put("userAgent", "aws-cli/2.15.0");
    rec.putObject("requestParameters").put("name", spec.trailName());
    rec.putNull("responseElements");
    rec.put("requestID", Ids.uuid(r));
    rec.put("eventID", Ids.uuid(r));
    rec.put("readOnly", false);
    rec.put("eventType", "AwsApiCall");
    rec.put("managementEvent", true);
    rec.put("recipientAccountId", account);
    rec.put("eventCategory", "Management");
    ObjectNode root = JSON.createObjectNode();
    root.putArray("Records").add(rec);
    Path path = spec.out().resolve(forged);
    try (OutputStream out = TrailGenerator.gzip(path)) {
      JSON.writeValue(out, root);
    }
    return forged;
  }
}
