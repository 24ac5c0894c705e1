package io.ebaudit.sample;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ebaudit.sample.Scenarios.Scripted;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;

/**
 * The sample's {@code AWS/ElasticBeanstalk} metrics (Metric Streams JSON lines, gzip):
 * {@code <out>/metrics/ebaudit-sample-beanstalk-<from>.json.gz}, 5-minute points of EnvironmentHealth,
 * ApplicationRequestsTotal, ApplicationRequests5xx, ApplicationLatencyP99 and InstancesSevere (dimension
 * EnvironmentName) around every scripted change of an environment (65 minutes either side), so that
 * {@code analyze --metrics} can measure each change's impact. Healthy by default, deterministic for the seed;
 * two changes hurt: the last deployment of the first account's {@code shop-prod} (5xx at 9 %, p99 over 2 s,
 * health Degraded for 45 minutes) and the rebuild of its {@code api-prod} (an instance Severe, health Severe
 * for 25 minutes). The environments without MetadataNoToken data (every fifth) have none here either.
 */
final class BeanstalkMetrics {
  private BeanstalkMetrics() {}

  static final int PERIOD = 300;
  static final int AROUND = 65 * 60;
  static final Set<String> CHANGES = Set.of("UpdateEnvironment", "RestartAppServer", "RebuildEnvironment",
      "ApplyEnvironmentManagedAction", "SwapEnvironmentCNAMEs", "UpdateTagsForResource", "AbortEnvironmentUpdate");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory OUT = JsonFactory.builder()
      .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET).build();

  /** A stretch of bad minutes after a change. */
  record Incident(long from, long to, double health, double rate5xx, double p99, double severe) {}

  static Path write(SampleSpec spec, World world, List<Scripted> scripted) throws IOException {
    // Per environment (account/region/name): the change times.
    Map<String, TreeSet<Long>> changes = new TreeMap<>();
    long lastShopDeploy = -1;
    long apiRebuild = -1;
    World.Account first = world.accounts.get(0);
    for (Scripted s : scripted) {
      JsonNode e = JSON.readTree(s.json());
      if (!e.path("eventSource").asText().equals("elasticbeanstalk.amazonaws.com") || e.hasNonNull("errorCode")
          || !CHANGES.contains(e.path("eventName").asText())) {
        continue;
      }
      JsonNode rq = e.path("requestParameters");
      List<String> names = new ArrayList<>();
      for (String f : List.of("environmentName", "sourceEnvironmentName", "destinationEnvironmentName")) {
        if (rq.hasNonNull(f)) {
          names.add(rq.get(f).asText());
        }
      }
      String account = world.accounts.get(s.account()).id();
      for (String n : names) {
        changes.computeIfAbsent(account + "/" + s.region() + "/" + n, k -> new TreeSet<>()).add(s.time());
      }
      if (s.account() == 0 && rq.path("environmentName").asText().equals(first.envs().get(0).name())
          && e.path("eventName").asText().equals("UpdateEnvironment") && rq.hasNonNull("versionLabel")) {
        lastShopDeploy = Math.max(lastShopDeploy, s.time());
      }
      if (s.account() == 0 && e.path("eventName").asText().equals("RebuildEnvironment")
          && rq.path("environmentName").asText().equals(first.envs().get(2).name())) {
        apiRebuild = s.time();
      }
    }
    Path dir = spec.out().resolve(TrailGenerator.METRICS_DIR);
    Files.createDirectories(dir);
    Path file = dir.resolve("ebaudit-sample-beanstalk-" + spec.from() + ".json.gz");
    try (OutputStream raw = Files.newOutputStream(file);
        Writer w = new OutputStreamWriter(new GZIPOutputStream(raw, 1 << 16), StandardCharsets.UTF_8)) {
      int place = 0;
      for (World.Account acct : world.accounts) {
        for (World.Env env : acct.envs()) {
          int k = place++;
          if (k % 5 == 4) {
            continue; // no data, as for MetadataNoToken
          }
          TreeSet<Long> times = changes.get(acct.id() + "/" + env.region() + "/" + env.name());
          if (times == null) {
            continue;
          }
          List<Incident> incidents = new ArrayList<>();
          if (acct == first && env == first.envs().get(0) && lastShopDeploy > 0) {
            incidents.add(new Incident(lastShopDeploy, lastShopDeploy + 45 * 60, 20, 0.09, 2.1, 0));
          }
          if (acct == first && env == first.envs().get(2) && apiRebuild > 0) {
            incidents.add(new Incident(apiRebuild, apiRebuild + 25 * 60, 25, 0.3, 3.5, 1));
          }
          TreeSet<Long> slots = new TreeSet<>();
          for (long t : times) {
            for (long slot = Math.floorDiv(t - AROUND, PERIOD); slot <= Math.floorDiv(t + AROUND, PERIOD); slot++) {
              slots.add(slot * PERIOD);
            }
          }
          for (long t : slots) {
            points(w, spec, acct.id(), env, k, t, incidents);
          }
        }
      }
    }
    return file;
  }

  private static void points(Writer w, SampleSpec spec, String account, World.Env env, int place, long t,
      List<Incident> incidents) throws IOException {
    long h = Mix.of(spec.seed(), 0xbea57a1L, place, t);
    int hour = (int) Math.floorMod(t / 3600, 24);
    double busy = hour >= 7 && hour <= 20 ? 1.0 : 0.3;
    double requests = Math.round((env.stage().equals("production") ? 900 : 150) * busy * (0.85 + (h & 0xff) / 850.0));
    double rate = 0.002;
    double p99 = 0.18 + ((h >>> 8) & 0x3f) / 1000.0;
    double health = 0;
    double severe = 0;
    for (Incident i : incidents) {
      if (t >= i.from() && t < i.to()) {
        rate = i.rate5xx();
        p99 = i.p99();
        health = i.health();
        severe = i.severe();
      }
    }
    double e5 = Math.round(requests * rate);
    line(w, account, env, "ApplicationRequestsTotal", t, Math.ceil(requests / 4), Math.floor(requests / 6), requests, "Count");
    line(w, account, env, "ApplicationRequests5xx", t, Math.ceil(e5 / 3), 0, e5, "Count");
    line(w, account, env, "ApplicationLatencyP99", t, p99, p99 * 0.8, p99 * 4.5, "Seconds");
    line(w, account, env, "EnvironmentHealth", t, health, health == 0 ? 0 : 15, health * 5, "None");
    line(w, account, env, "InstancesSevere", t, severe, 0, severe * 5, "Count");
  }

  private static void line(Writer w, String account, World.Env env, String metric, long t, double max, double min,
      double sum, String unit) {
    try (JsonGenerator g = OUT.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("metric_stream_name", "ebaudit-sample-stream");
      g.writeStringField("account_id", account);
      g.writeStringField("region", env.region());
      g.writeStringField("namespace", "AWS/ElasticBeanstalk");
      g.writeStringField("metric_name", metric);
      g.writeObjectFieldStart("dimensions");
      g.writeStringField("EnvironmentName", env.name());
      g.writeEndObject();
      g.writeNumberField("timestamp", t * 1000L);
      g.writeObjectFieldStart("value");
      g.writeNumberField("max", max);
      g.writeNumberField("min", min);
      g.writeNumberField("sum", Math.round(sum * 1000) / 1000.0);
      g.writeNumberField("count", 5.0);
      g.writeEndObject();
      g.writeStringField("unit", unit);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      w.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
