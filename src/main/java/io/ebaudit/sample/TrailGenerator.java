package io.ebaudit.sample;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ebaudit.sample.Scenarios.Scripted;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a synthetic CloudTrail archive in the real S3 layout into a local directory: log files
 * every 5 minutes per account and region, hourly digest files whose hashes and chain verify,
 * Config writability check files and a CloudTrail-Insight pair; beside {@code AWSLogs/}, one IAM
 * authorization-details export per account ({@link IamSample}).
 *
 * <p>Output is a pure function of the {@link SampleSpec}: every log file draws from its own RNG
 * seeded from (seed, account, region, period), so the thread count never changes a byte.
 *
 * <p>Digests are signed as CloudTrail signs them ({@link io.ebaudit.integrity.DigestSignature}), with
 * the sample's own RSA key ({@link SampleKeys}, derived from the seed) instead of AWS's; its
 * {@code list-public-keys} export is written beside {@code AWSLogs/} ({@link #PUBLIC_KEYS}). S3 keeps a
 * digest's own signature in the object's {@code x-amz-meta-signature} metadata, which a local folder cannot
 * hold: each signature is repeated as {@code previousDigestSignature} in the next digest, as on S3, and all
 * of them are listed in {@link #DIGEST_SIGNATURES} (key, signature) for an upload that sets the metadata.
 * {@link SampleSpec#tamper()} plants a deletion or modification after the trail is written.
 */
public final class TrailGenerator {
  private TrailGenerator() {}

  /** Beside {@code AWSLogs/}: the {@code aws cloudtrail list-public-keys} export of the sample's key. */
  public static final String PUBLIC_KEYS = "public-keys.json";
  /** Beside {@code AWSLogs/}: one JSON line per digest, {@code {"key", "signature", "signature_algorithm"}}. */
  public static final String DIGEST_SIGNATURES = "digest-signatures.jsonl";

  static final int PERIOD = 300;
  static final int PERIODS_PER_DAY = 86400 / PERIOD;
  static final int DEMO_EVENTS_PER_ACCOUNT_REGION_DAY = 100;

  private static final JsonFactory JSON = new JsonFactory();
  private static final double[] HOUR_WEIGHT = new double[24];

  static {
    for (int h = 0; h < 24; h++) {
      HOUR_WEIGHT[h] = h >= 7 && h <= 18 ? 1.0 : (h >= 19 && h <= 22) || h == 5 || h == 6
          ? 0.35 : 0.12;
    }
  }

  /** Beside {@code AWSLogs/} in the output: the sample's CloudWatch Metric Streams files ({@link BeanstalkMetrics} too). */
  public static final String METRICS_DIR = "metrics";

  /**
   * A small CloudWatch Metric Streams (JSON) file, {@code <out>/metrics/<stream>-<from>.json}: {@code AWS/EC2}
   * {@code MetadataNoToken} for every instance of the sample's environments, one data point a day at noon.
   * By the environment's place in the world (deterministic): every third one has an instance still making
   * IMDSv1 calls (non-zero sums), every fifth one has no data at all, the others are all zero.
   */
  static Path writeMetrics(SampleSpec spec, World world) throws IOException {
    Path dir = spec.out().resolve(METRICS_DIR);
    Files.createDirectories(dir);
    Path file = dir.resolve("ebaudit-sample-stream-" + spec.from() + ".json");
    long start = spec.from().atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    StringWriter w = new StringWriter();
    int k = 0;
    for (World.Account acct : world.accounts) {
      for (World.Env e : acct.envs()) {
        int place = k++;
        if (place % 5 == 4) {
          continue; // no data: verdict unknown
        }
        boolean chatty = place % 3 == 0;
        for (int i = 0; i < e.instanceIds().size(); i++) {
          String id = e.instanceIds().get(i);
          for (int d = 0; d < spec.days(); d++) {
            double calls = chatty && i == 0 ? 1 + Math.floorMod(Mix.of(spec.seed(), place, d), 40) : 0;
            try (JsonGenerator g = JSON.createGenerator(w)) {
              g.writeStartObject();
              g.writeStringField("metric_stream_name", "ebaudit-sample-stream");
              g.writeStringField("account_id", acct.id());
              g.writeStringField("region", e.region());
              g.writeStringField("namespace", "AWS/EC2");
              g.writeStringField("metric_name", "MetadataNoToken");
              g.writeObjectFieldStart("dimensions");
              g.writeStringField("InstanceId", id);
              g.writeEndObject();
              g.writeNumberField("timestamp", (start + d * 86400L + 12 * 3600L) * 1000L);
              g.writeObjectFieldStart("value");
              g.writeNumberField("max", calls == 0 ? 0.0 : Math.ceil(calls / 3));
              g.writeNumberField("min", 0.0);
              g.writeNumberField("sum", calls);
              g.writeNumberField("count", 1440.0);
              g.writeEndObject();
              g.writeStringField("unit", "Count");
              g.writeEndObject();
            }
            w.write('\n');
          }
        }
      }
    }
    Files.writeString(file, w.toString(), StandardCharsets.UTF_8);
    return file;
  }

  /** Writes the trail described by {@code spec}; returns what was written. */
  public static SampleResult generate(SampleSpec spec) throws IOException {
    long t0 = System.nanoTime();
    Files.createDirectories(spec.out());
    World world = new World(spec);
    List<Scripted> scripted = new Scenarios(spec, world, JSON).build();
    Plan plan = new Plan(spec, world, scripted);

    List<FileInfo> files = new ArrayList<>();
    List<Dup> dups = new ArrayList<>();
    long[] totals = new long[3]; // events, uncompressed, compressed
    ExecutorService pool = Executors.newFixedThreadPool(spec.threads(), run -> {
      Thread t = new Thread(run, "ebaudit-sample");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Chunk>> futures = new ArrayList<>();
      for (int a = 0; a < spec.accounts(); a++) {
        for (int ri = 0; ri < spec.regions().size(); ri++) {
          for (int d = 0; d < spec.days(); d++) {
            int fa = a;
            int fr = ri;
            int fd = d;
            futures.add(pool.submit(() -> plan.writeDay(fa, fr, fd)));
          }
        }
      }
      for (Future<Chunk> f : futures) {
        Chunk c = f.get();
        files.addAll(c.files);
        dups.addAll(c.dups);
        totals[0] += c.events;
        totals[1] += c.bytes;
        totals[2] += c.compressed;
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof UncheckedIOException uio) {
        throw uio.getCause();
      }
      throw new IllegalStateException("Cannot generate sample: " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Cannot generate sample: interrupted", e);
    } finally {
      pool.shutdownNow();
    }

    for (FileInfo f : plan.writeDuplicates(dups)) {
      files.add(f);
      totals[0] += f.events;
      totals[1] += f.bytes;
      totals[2] += f.compressed;
    }
    long other = 0;
    for (long size : plan.writeOtherFiles()) {
      other++;
      totals[2] += size;
    }
    long digests = 0;
    List<String[]> written = new ArrayList<>();
    for (long size : plan.writeDigests(files, written)) {
      digests++;
      totals[2] += size;
    }
    writeSignatures(spec, written);
    Map<Tamper, String> tampered = new Tampering(spec, files, written).apply();
    List<Path> iam = IamSample.write(spec, world);
    writeMetrics(spec, world);
    BeanstalkMetrics.write(spec, world, scripted);
    PlatformSample.write(spec, world);
    List<String> ids = world.accounts.stream().map(World.Account::id).toList();
    return new SampleResult(spec.out(), ids, files.size(), digests, other, totals[0], dups.size(),
        totals[1], totals[2], Duration.ofNanos(System.nanoTime() - t0), iam, tampered);
  }

  /** The public key export and the digests' signatures, beside {@code AWSLogs/}. */
  private static void writeSignatures(SampleSpec spec, List<String[]> digests) throws IOException {
    SampleKeys keys = SampleKeys.forSeed(spec.seed());
    Files.writeString(spec.out().resolve(PUBLIC_KEYS),
        keys.export(spec.from().minusDays(30), spec.from().plusDays(spec.days() + 365L)), StandardCharsets.UTF_8);
    StringWriter w = new StringWriter();
    for (String[] d : digests) {
      try (JsonGenerator g = JSON.createGenerator(w)) {
        g.writeStartObject();
        g.writeStringField("key", d[0]);
        g.writeStringField("signature", d[1]);
        g.writeStringField("signature_algorithm", io.ebaudit.integrity.DigestSignature.ALGORITHM);
        g.writeEndObject();
      }
      w.write('\n');
    }
    Files.writeString(spec.out().resolve(DIGEST_SIGNATURES), w.toString(), StandardCharsets.UTF_8);
  }

  /** One written log file, for the digests. */
  record FileInfo(int account, int region, long stamp, String key, String sha256, long oldest,
      long newest, long events, long bytes, long compressed) {}

  /** An event to deliver a second time, pre-rendered. */
  record Dup(int account, int region, int period, long time, String eventId, String json) {}

  static final class Chunk {
    final List<FileInfo> files = new ArrayList<>();
    final List<Dup> dups = new ArrayList<>();
    long events;
    long bytes;
    long compressed;
  }

  /** Everything the workers share, read-only. */
  static final class Plan {
    final SampleSpec spec;
    final World world;
    final long start;
    final int periods;
    final double eventsPerWeight;
    final double[] accountWeight;
    final double[] regionWeight;
    final Map<Long, List<Scripted>> scripted = new HashMap<>();

    Plan(SampleSpec spec, World world, List<Scripted> events) {
      this.spec = spec;
      this.world = world;
      this.start = spec.from().atStartOfDay(ZoneOffset.UTC).toEpochSecond();
      this.periods = spec.days() * PERIODS_PER_DAY;
      int nr = spec.regions().size();
      accountWeight = new double[spec.accounts()];
      for (int a = 0; a < accountWeight.length; a++) {
        accountWeight[a] = 1.0 / (1.0 + 0.6 * a);
      }
      regionWeight = new double[nr];
      for (int ri = 0; ri < nr; ri++) {
        regionWeight[ri] = ri == 0 ? 1.0 : 0.55;
      }
      long scriptedBytes = 0;
      for (Scripted s : events) {
        int ri = spec.regions().indexOf(s.region());
        int p = (int) ((s.time() - start) / PERIOD);
        scripted.computeIfAbsent(key(s.account(), ri, p), k -> new ArrayList<>()).add(s);
        scriptedBytes += s.json().length() + 1;
      }
      double totalWeight = 0;
      for (int d = 0; d < spec.days(); d++) {
        for (int h = 0; h < 24; h++) {
          totalWeight += hourWeight(d, h) * PERIODS_PER_DAY / 24.0;
        }
      }
      double aw = Arrays.stream(accountWeight).sum();
      double rw = Arrays.stream(regionWeight).sum();
      totalWeight *= aw * rw;
      double n;
      if (spec.targetSizeBytes() > 0) {
        double avg = calibrate();
        n = Math.max(0, (spec.targetSizeBytes() - scriptedBytes)
            / (avg * (1 + spec.duplicateRatio())));
      } else {
        n = (double) DEMO_EVENTS_PER_ACCOUNT_REGION_DAY * spec.accounts() * nr * spec.days();
      }
      eventsPerWeight = n / totalWeight;
    }

    long key(int a, int ri, int p) {
      return ((long) a * spec.regions().size() + ri) * periods + p;
    }

    double hourWeight(int day, int hour) {
      var dow = spec.from().plusDays(day).getDayOfWeek();
      boolean weekend = dow == java.time.DayOfWeek.SATURDAY || dow == java.time.DayOfWeek.SUNDAY;
      return HOUR_WEIGHT[hour] * (weekend ? 0.35 : 1.0);
    }

    /** Average bytes of one everyday record (with its comma), measured on a fixed sample. */
    double calibrate() {
      SplittableRandom r = new SplittableRandom(Mix.of(spec.seed(), 9));
      Rec rec = new Rec();
      Background.Ctx ctx = new Background.Ctx();
      CountingStream counter = new CountingStream(OutputStream.nullOutputStream(), null);
      int n = 4000;
      double aw = Arrays.stream(accountWeight).sum();
      double rw = Arrays.stream(regionWeight).sum();
      try (JsonGenerator g = JSON.createGenerator(counter)) {
        g.writeStartArray();
        for (int i = 0; i < n; i++) {
          int a = pickWeighted(accountWeight, aw, r);
          int ri = pickWeighted(regionWeight, rw, r);
          ctx.r = new SplittableRandom(r.nextLong());
          Background.fill(rec, ctx, world, a, spec.regions().get(ri),
              start + r.nextLong(86400L * spec.days()));
          rec.write(g);
        }
        g.writeEndArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return counter.count / (double) n;
    }

    private static int pickWeighted(double[] w, double total, SplittableRandom r) {
      double x = r.nextDouble() * total;
      for (int i = 0; i < w.length; i++) {
        x -= w[i];
        if (x < 0) {
          return i;
        }
      }
      return w.length - 1;
    }

    Chunk writeDay(int a, int ri, int day) throws IOException {
      Chunk chunk = new Chunk();
      String region = spec.regions().get(ri);
      Rec rec = new Rec();
      Background.Ctx ctx = new Background.Ctx();
      double base = eventsPerWeight * accountWeight[a] * regionWeight[ri];
      for (int q = 0; q < PERIODS_PER_DAY; q++) {
        int p = day * PERIODS_PER_DAY + q;
        long pStart = start + (long) p * PERIOD;
        SplittableRandom pr = new SplittableRandom(Mix.of(spec.seed(), 1, a, ri, p));
        int k = poisson(base * hourWeight(day, q / 12), pr);
        List<Scripted> sc = scripted.getOrDefault(key(a, ri, p), List.of());
        if (k == 0 && sc.isEmpty()) {
          continue;
        }
        long[] times = new long[k];
        for (int i = 0; i < k; i++) {
          times[i] = pStart + pr.nextInt(PERIOD);
        }
        Arrays.sort(times);
        long[] seeds = new long[k];
        for (int i = 0; i < k; i++) {
          seeds[i] = pr.nextLong();
        }
        String suffix = Ids.alnum(pr, 16);
        long stamp = pStart + PERIOD;
        Path path = logPath(a, region, stamp, suffix);
        try (LogFile f = new LogFile(path)) {
          int s = 0;
          for (int i = 0; i < k; i++) {
            while (s < sc.size() && sc.get(s).time() <= times[i]) {
              f.raw(sc.get(s++));
            }
            ctx.r = new SplittableRandom(seeds[i]);
            Background.fill(rec, ctx, world, a, region, times[i]);
            f.record(rec);
            if (spec.duplicateRatio() > 0 && pr.nextDouble() < spec.duplicateRatio()) {
              int kind = pr.nextInt(4);
              int later = Math.min(periods - 1, p + 1 + pr.nextInt(12));
              chunk.dups.add(duplicate(rec, a, ri, later, kind));
            }
          }
          while (s < sc.size()) {
            f.raw(sc.get(s++));
          }
          f.finish();
          chunk.files.add(f.info(a, ri, stamp, relative(path)));
          chunk.events += f.events;
          chunk.bytes += f.counter.count;
        }
        chunk.compressed += Files.size(path);
      }
      return chunk;
    }

    private static Dup duplicate(Rec rec, int a, int ri, int period, int kind) throws IOException {
      if (kind == 0) {
        rec.addendumReason = "UPDATED_DATA";
        rec.addendumFields = "requestParameters";
      } else if (kind == 1) {
        rec.addendumReason = "DELIVERY_DELAY";
      }
      if (kind <= 1) {
        rec.addendumRequestId = rec.requestId;
        rec.addendumEventId = rec.eventId;
      }
      StringWriter w = new StringWriter(2048);
      try (JsonGenerator g = JSON.createGenerator(w)) {
        rec.write(g);
      }
      return new Dup(a, ri, period, rec.time, rec.eventId, w.toString());
    }

    List<FileInfo> writeDuplicates(List<Dup> dups) throws IOException {
      TreeMap<Long, List<Dup>> byFile = new TreeMap<>();
      for (Dup d : dups) {
        byFile.computeIfAbsent(key(d.account(), d.region(), d.period()), k -> new ArrayList<>())
            .add(d);
      }
      List<FileInfo> out = new ArrayList<>();
      for (List<Dup> group : byFile.values()) {
        group.sort(Comparator.comparingLong(Dup::time).thenComparing(Dup::eventId));
        Dup first = group.get(0);
        String region = spec.regions().get(first.region());
        SplittableRandom r = new SplittableRandom(
            Mix.of(spec.seed(), 2, first.account(), first.region(), first.period()));
        long stamp = start + (long) (first.period() + 1) * PERIOD;
        Path path = logPath(first.account(), region, stamp, Ids.alnum(r, 16));
        FileInfo info;
        try (LogFile f = new LogFile(path)) {
          for (Dup d : group) {
            f.raw(d.time(), d.json());
          }
          f.finish();
          info = f.info(first.account(), first.region(), stamp, relative(path));
        }
        out.add(new FileInfo(info.account(), info.region(), info.stamp(), info.key(),
            info.sha256(), info.oldest(), info.newest(), info.events(), info.bytes(),
            Files.size(path)));
      }
      return out;
    }

    /** Config writability checks, and a CloudTrail-Insight start/end pair for the denied burst. */
    List<Long> writeOtherFiles() throws IOException {
      List<Long> sizes = new ArrayList<>();
      for (World.Account acct : world.accounts) {
        Path p = spec.out().resolve("AWSLogs/" + acct.id() + "/Config/ConfigWritabilityCheckFile");
        Files.createDirectories(p.getParent());
        Files.writeString(p, "This file was created by AWS Config to check the write"
            + " permissions of the delivery channel.\n", StandardCharsets.UTF_8);
        sizes.add(Files.size(p));
      }
      World.Account acct = world.accounts.get(0);
      String region = spec.regions().get(0);
      int day = Math.min(spec.days() - 1, (int) Math.floor(0.5 * spec.days()));
      long t = start + day * 86400L + 22 * 3600L + 10 * 60L;
      SplittableRandom r = new SplittableRandom(Mix.of(spec.seed(), 5));
      String shared = Ids.uuid(r);
      long stamp = t + 30 * 60L;
      String key = prefix(acct.id()) + "/CloudTrail-Insight/" + region + "/" + Ids.dayPath(stamp)
          + "/" + acct.id() + "_CloudTrail-Insight_" + region + "_" + Ids.fileStamp(stamp) + "_"
          + Ids.alnum(r, 16) + ".json.gz";
      Path path = spec.out().resolve(key);
      Files.createDirectories(path.getParent());
      String arn = Background.identityArn(fakeRec(acct.named("intern")));
      try (LogFile f = new LogFile(path)) {
        for (String state : List.of("Start", "End")) {
          StringWriter w = new StringWriter();
          long et = state.equals("Start") ? t : t + 5 * 60L;
          try (JsonGenerator g = JSON.createGenerator(w)) {
            Rec.writeAny(g, Scenarios.m("eventVersion", "1.08", "eventTime", Ids.iso(et),
                "awsRegion", region, "eventID", Ids.uuid(r), "eventType", "AwsCloudTrailInsight",
                "recipientAccountId", acct.id(), "sharedEventID", shared,
                "insightDetails", Scenarios.m("state", state,
                    "eventSource", "elasticbeanstalk.amazonaws.com",
                    "eventName", "UpdateEnvironment", "insightType", "ApiErrorRateInsight",
                    "errorCode", "AccessDenied",
                    "insightContext", Scenarios.m("statistics", Scenarios.m(
                        "baseline", Scenarios.m("average", 0.0),
                        "insight", Scenarios.m("average", 1.2),
                        "insightDuration", 5, "baselineDuration", 10079),
                        "attributions", List.of(Scenarios.m("attribute", "userIdentityArn",
                            "insight", List.of(Scenarios.m("value", arn, "average", 1.2)),
                            "baseline", List.of())))),
                "eventCategory", "Insight"));
          }
          f.raw(et, w.toString());
        }
        f.finish();
      }
      sizes.add(Files.size(path));
      return sizes;
    }

    private static Rec fakeRec(World.Principal p) {
      Rec r = new Rec();
      r.reset();
      r.principal = p;
      return r;
    }

    /**
     * Hourly digests per account and region, chained, listing every log file by delivery time, signed;
     * adds {key, signature, digest end time} of each to {@code written}, in chain order.
     */
    List<Long> writeDigests(List<FileInfo> files, List<String[]> written) throws IOException {
      List<Long> sizes = new ArrayList<>();
      SampleKeys keys = SampleKeys.forSeed(spec.seed());
      String fingerprint = keys.fingerprint();
      long windowEnd = start + spec.days() * 86400L;
      for (int a = 0; a < spec.accounts(); a++) {
        String acct = world.accounts.get(a).id();
        for (int ri = 0; ri < spec.regions().size(); ri++) {
          String region = spec.regions().get(ri);
          List<FileInfo> mine = new ArrayList<>();
          for (FileInfo f : files) {
            if (f.account() == a && f.region() == ri) {
              mine.add(f);
            }
          }
          mine.sort(Comparator.comparingLong(FileInfo::stamp).thenComparing(FileInfo::key));
          long last = Math.max(windowEnd, mine.isEmpty() ? 0 : mine.get(mine.size() - 1).stamp());
          long offset = 60 + Math.floorMod(Mix.of(spec.seed(), 3, a, ri), 2400L);
          String prevKey = null;
          String prevHash = null;
          String prevSignature = null;
          int next = 0;
          for (long ds = start - 3600 + offset; ds <= last; ds += 3600) {
            long de = ds + 3600;
            List<FileInfo> in = new ArrayList<>();
            while (next < mine.size() && mine.get(next).stamp() < de) {
              in.add(mine.get(next++));
            }
            String key = prefix(acct) + "/CloudTrail-Digest/" + region + "/" + Ids.dayPath(de) + "/"
                + acct + "_CloudTrail-Digest_" + region + "_" + spec.trailName() + "_" + region
                + "_" + Ids.digestStamp(de) + ".json.gz";
            byte[] body = digestJson(acct, ds, de, key, fingerprint, prevKey, prevHash, prevSignature, in);
            Path path = spec.out().resolve(key);
            Files.createDirectories(path.getParent());
            try (OutputStream o = gzip(path)) {
              o.write(body);
            }
            sizes.add(Files.size(path));
            String hash = sha256(body);
            String signature = keys.sign(io.ebaudit.integrity.DigestSignature.signingString(
                Ids.iso(de), spec.bucket(), key, hash, prevSignature));
            written.add(new String[] {key, signature, Ids.iso(de)});
            prevKey = key;
            prevHash = hash;
            prevSignature = signature;
          }
        }
      }
      return sizes;
    }

    private byte[] digestJson(String acct, long ds, long de, String key, String fingerprint,
        String prevKey, String prevHash, String prevSignature, List<FileInfo> in) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(512 + in.size() * 400);
      long oldest = Long.MAX_VALUE;
      long newest = Long.MIN_VALUE;
      for (FileInfo f : in) {
        oldest = Math.min(oldest, f.oldest());
        newest = Math.max(newest, f.newest());
      }
      try (JsonGenerator g = JSON.createGenerator(bytes)) {
        g.writeStartObject();
        g.writeStringField("awsAccountId", acct);
        g.writeStringField("digestStartTime", Ids.iso(ds));
        g.writeStringField("digestEndTime", Ids.iso(de));
        g.writeStringField("digestS3Bucket", spec.bucket());
        g.writeStringField("digestS3Object", key);
        g.writeStringField("digestPublicKeyFingerprint", fingerprint);
        g.writeStringField("digestSignatureAlgorithm", "SHA256withRSA");
        g.writeStringField("newestEventTime", in.isEmpty() ? null : Ids.iso(newest));
        g.writeStringField("oldestEventTime", in.isEmpty() ? null : Ids.iso(oldest));
        g.writeStringField("previousDigestS3Bucket", prevKey == null ? null : spec.bucket());
        g.writeStringField("previousDigestS3Object", prevKey);
        g.writeStringField("previousDigestHashValue", prevHash);
        g.writeStringField("previousDigestHashAlgorithm", prevKey == null ? null : "SHA-256");
        g.writeStringField("previousDigestSignature", prevSignature);
        g.writeArrayFieldStart("logFiles");
        for (FileInfo f : in) {
          g.writeStartObject();
          g.writeStringField("s3Bucket", spec.bucket());
          g.writeStringField("s3Object", f.key());
          g.writeStringField("hashValue", f.sha256());
          g.writeStringField("hashAlgorithm", "SHA-256");
          g.writeStringField("newestEventTime", Ids.iso(f.newest()));
          g.writeStringField("oldestEventTime", Ids.iso(f.oldest()));
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      return bytes.toByteArray();
    }

    String prefix(String acct) {
      return spec.organizationId() == null ? "AWSLogs/" + acct
          : "AWSLogs/" + spec.organizationId() + "/" + acct;
    }

    Path logPath(int a, String region, long stamp, String suffix) {
      String acct = world.accounts.get(a).id();
      return spec.out().resolve(prefix(acct) + "/CloudTrail/" + region + "/" + Ids.dayPath(stamp)
          + "/" + acct + "_CloudTrail_" + region + "_" + Ids.fileStamp(stamp) + "_" + suffix
          + ".json.gz");
    }

    String relative(Path p) {
      return spec.out().relativize(p).toString().replace('\\', '/');
    }
  }

  private static int poisson(double lambda, SplittableRandom r) {
    if (lambda <= 0) {
      return 0;
    }
    if (lambda > 30) {
      return (int) Math.max(0, Math.round(lambda + Math.sqrt(lambda) * r.nextGaussian()));
    }
    double l = Math.exp(-lambda);
    int k = 0;
    double p = 1;
    do {
      k++;
      p *= r.nextDouble();
    } while (p > l);
    return k - 1;
  }

  static OutputStream gzip(Path path) throws IOException {
    OutputStream file = Files.newOutputStream(path);
    return new GZIPOutputStream(file, 1 << 16) {
      {
        def.setLevel(Deflater.DEFAULT_COMPRESSION);
      }
    };
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(newSha256().digest(bytes));
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Counts and hashes the uncompressed bytes on their way to gzip. */
  static final class CountingStream extends FilterOutputStream {
    final MessageDigest digest;
    long count;

    CountingStream(OutputStream out, MessageDigest digest) {
      super(out);
      this.digest = digest;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      if (digest != null) {
        digest.update((byte) b);
      }
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      if (digest != null) {
        digest.update(b, off, len);
      }
      count += len;
    }
  }

  /** One {@code {"Records":[...]}} file being written. */
  static final class LogFile implements AutoCloseable {
    final CountingStream counter;
    final JsonGenerator g;
    long events;
    long oldest = Long.MAX_VALUE;
    long newest = Long.MIN_VALUE;
    private String sha;
    private boolean finished;

    LogFile(Path path) throws IOException {
      Files.createDirectories(path.getParent());
      counter = new CountingStream(gzip(path), newSha256());
      g = JSON.createGenerator(counter);
      g.writeStartObject();
      g.writeArrayFieldStart("Records");
    }

    void record(Rec rec) throws IOException {
      rec.write(g);
      seen(rec.time);
    }

    void raw(Scripted s) throws IOException {
      raw(s.time(), s.json());
    }

    void raw(long time, String json) throws IOException {
      g.writeRawValue(json);
      seen(time);
    }

    private void seen(long t) {
      events++;
      oldest = Math.min(oldest, t);
      newest = Math.max(newest, t);
    }

    void finish() throws IOException {
      g.writeEndArray();
      g.writeEndObject();
      g.flush();
      sha = HexFormat.of().formatHex(counter.digest.digest());
      finished = true;
    }

    FileInfo info(int a, int ri, long stamp, String key) {
      return new FileInfo(a, ri, stamp, key, sha, oldest, newest, events, counter.count, 0);
    }

    @Override
    public void close() throws IOException {
      if (!finished) {
        g.close();
      }
      g.close();
      counter.close();
    }
  }
}
