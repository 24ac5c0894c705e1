package io.ebaudit.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps a CloudTrail {@code eventSource}/{@code eventName} to the IAM action the call needed.
 *
 * <p>Three shipped reference files drive it (see {@code reference/README.md}):
 *
 * <ul>
 *   <li>{@code reference/iam/cloudtrail_service_mappings.json}: eventSource host → IAM service
 *       prefix (iann0036/iam-dataset, MIT). A host that is not listed falls back to its first
 *       label ({@code foo.amazonaws.com} → {@code foo}).
 *   <li>{@code reference/iam/event_name_exceptions.csv}: eventSource + eventName pairs whose IAM
 *       action is not {@code <prefix>:<eventName>}, or which need no permission at all (empty
 *       action).
 *   <li>{@code reference/iam/non_api_event_types.csv}: eventType values whose records are not calls
 *       made with the principal's permissions (sign-ins, service events, Insights).
 * </ul>
 *
 * <p>The action keeps CloudTrail's PascalCase name and the lowercase IAM prefix, e.g. {@code
 * s3:ListBucket}. A trailing API-version date is removed first (Lambda {@code
 * UpdateFunctionCode20150331v2}, CloudFront {@code CreateDistribution2020_05_31}).
 *
 * <p>Where one call needs several actions, the primary one is returned and the exceptions file says
 * which others are needed ({@code kms:ReEncrypt} → {@code kms:ReEncryptFrom}, plus {@code
 * kms:ReEncryptTo}; {@code elasticbeanstalk:UpdateTagsForResource} → {@code
 * elasticbeanstalk:AddTags}, plus {@code RemoveTags} when tags are removed; S3 {@code CopyObject} →
 * {@code s3:PutObject}, plus {@code s3:GetObject} on the source). {@code iam:PassRole} never
 * appears here: CloudTrail does not log it.
 *
 * <p>Thread-safe. Results are cached per (eventSource, eventName) in concurrent maps bounded by
 * {@link #MAX_SOURCES} × {@link #MAX_NAMES_PER_SOURCE}; past the bound results are computed but not
 * cached. The hot path is two hash lookups with no allocation and no regular expression.
 */
public final class ActionMapper implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String MAPPINGS_RESOURCE = "/reference/iam/cloudtrail_service_mappings.json";
  static final String EXCEPTIONS_RESOURCE = "/reference/iam/event_name_exceptions.csv";
  static final String NON_API_TYPES_RESOURCE = "/reference/iam/non_api_event_types.csv";

  /** Bounds of the per-pair result cache. */
  static final int MAX_SOURCES = 2_048, MAX_NAMES_PER_SOURCE = 8_192;

  /** Cached "no action needed"; compared by value (a deserialized copy in a Spark task is another object), never returned. */
  private static final String NONE = new String("<none>");

  private static volatile ActionMapper standard;

  private final Map<String, String> prefixBySource;
  /** Key {@code eventSource + '\u0000' + eventName}; value the action, or {@link #NONE}. */
  private final Map<String, String> exceptions;
  private final Set<String> nonApiEventTypes;

  private final transient ConcurrentHashMap<String, ConcurrentHashMap<String, String>> cache =
      new ConcurrentHashMap<>();
  private final transient ConcurrentHashMap<String, String> prefixCache = new ConcurrentHashMap<>();

  private ActionMapper(
      Map<String, String> prefixBySource,
      Map<String, String> exceptions,
      Set<String> nonApiEventTypes) {
    this.prefixBySource = prefixBySource;
    this.exceptions = exceptions;
    this.nonApiEventTypes = nonApiEventTypes;
  }

  /** The mapper over the reference data shipped on the classpath, loaded once per JVM. */
  public static ActionMapper standard() {
    ActionMapper m = standard;
    if (m == null) {
      synchronized (ActionMapper.class) {
        m = standard;
        if (m == null) {
          m = load();
          standard = m;
        }
      }
    }
    return m;
  }

  /**
   * The IAM service prefix of a CloudTrail eventSource: {@code monitoring.amazonaws.com} → {@code
   * cloudwatch}; a host missing from the reference data → its first label, lowercased; null or blank
   * → null.
   */
  public String prefix(String eventSource) {
    if (eventSource == null) return null;
    String p = prefixBySource.get(eventSource);
    if (p != null) return p;
    p = prefixCache.get(eventSource);
    if (p != null) return NONE.equals(p) ? null : p;
    p = computePrefix(eventSource);
    if (prefixCache.size() < MAX_SOURCES) prefixCache.putIfAbsent(eventSource, p == null ? NONE : p);
    return p;
  }

  private String computePrefix(String eventSource) {
    String host = eventSource.trim().toLowerCase(Locale.ROOT);
    if (host.isEmpty()) return null;
    String p = prefixBySource.get(host);
    if (p != null) return p;
    int dot = host.indexOf('.');
    String first = dot < 0 ? host : host.substring(0, dot);
    return first.isEmpty() ? null : first;
  }

  /**
   * The IAM action the call needed, as {@code prefix:ActionName}, or null when it needs none:
   * non-API events (by eventType, e.g. {@code AwsConsoleSignIn}, {@code AwsServiceEvent}), sign-in
   * steps and permission-free calls ({@code sts:GetCallerIdentity}), or a missing source or name.
   *
   * @param eventType CloudTrail's {@code eventType}; null (old records) is treated as an API call
   */
  public String iamAction(String eventSource, String eventName, String eventType) {
    if (eventSource == null || eventName == null) return null;
    if (eventType != null && nonApiEventTypes.contains(eventType)) return null;
    ConcurrentHashMap<String, String> byName = cache.get(eventSource);
    if (byName != null) {
      String hit = byName.get(eventName);
      if (hit != null) return NONE.equals(hit) ? null : hit;
    }
    String action = computeAction(eventSource, eventName);
    if (byName == null && cache.size() < MAX_SOURCES) {
      byName = cache.computeIfAbsent(eventSource, k -> new ConcurrentHashMap<>());
    }
    if (byName != null && byName.size() < MAX_NAMES_PER_SOURCE) {
      byName.putIfAbsent(eventName, action == null ? NONE : action);
    }
    return action;
  }

  private String computeAction(String eventSource, String eventName) {
    String name = stripApiVersionDate(eventName.trim());
    if (name.isEmpty()) return null;
    String source = eventSource.trim().toLowerCase(Locale.ROOT);
    String exception = exceptions.get(source + '\u0000' + name);
    if (exception != null) return NONE.equals(exception) ? null : exception;
    String p = prefix(eventSource);
    return p == null ? null : p + ':' + name;
  }

  /**
   * Removes a trailing API-version date: {@code \d{8}(v\d+)?} (Lambda: {@code
   * UpdateFunctionCode20150331v2}) or {@code \d{4}_\d{2}_\d{2}} (CloudFront: {@code
   * CreateDistribution2020_05_31}), when a name remains before it. Other names are returned as is.
   */
  static String stripApiVersionDate(String name) {
    int end = name.length();
    // Optional "v<digits>" suffix.
    int i = end;
    while (i > 0 && isDigit(name.charAt(i - 1))) i--;
    int dateEnd = end;
    if (i < end && i > 0 && name.charAt(i - 1) == 'v') dateEnd = i - 1;
    int start = dateEnd - 8;
    if (start > 0 && allDigits(name, start, dateEnd) && !isDigit(name.charAt(start - 1))) {
      return name.substring(0, start);
    }
    // CloudFront: yyyy_mm_dd, no version suffix.
    start = end - 10;
    if (start > 0
        && allDigits(name, start, start + 4)
        && name.charAt(start + 4) == '_'
        && allDigits(name, start + 5, start + 7)
        && name.charAt(start + 7) == '_'
        && allDigits(name, start + 8, end)
        && !isDigit(name.charAt(start - 1))) {
      return name.substring(0, start);
    }
    return name;
  }

  private static boolean allDigits(String s, int from, int to) {
    for (int k = from; k < to; k++) if (!isDigit(s.charAt(k))) return false;
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** Number of eventSource → prefix mappings loaded from the reference data. */
  public int mappingCount() {
    return prefixBySource.size();
  }

  /** Number of eventSource + eventName exceptions loaded from the reference data. */
  public int exceptionCount() {
    return exceptions.size();
  }

  /** The eventType values treated as non-API events. */
  public Set<String> nonApiEventTypes() {
    return nonApiEventTypes;
  }

  // Serialization: ship the (small) reference maps; rebuild empty caches on the executor.
  private Object readResolve() throws ObjectStreamException {
    return new ActionMapper(prefixBySource, exceptions, nonApiEventTypes);
  }

  // ---- loading ----

  static ActionMapper load() {
    Map<String, String> prefixes = loadPrefixes();
    Map<String, String> exceptions = new HashMap<>();
    for (String[] row : readCsv(EXCEPTIONS_RESOURCE, 4)) {
      String source = row[0].toLowerCase(Locale.ROOT), name = row[1], action = row[2];
      if (source.isEmpty() || name.isEmpty()) {
        throw new IllegalStateException(EXCEPTIONS_RESOURCE + ": empty source or name: " + String.join(",", row));
      }
      if (!action.isEmpty() && action.indexOf(':') <= 0) {
        throw new IllegalStateException(EXCEPTIONS_RESOURCE + ": action is not prefix:Name: " + action);
      }
      String previous = exceptions.put(source + '\u0000' + name, action.isEmpty() ? NONE : action);
      if (previous != null) {
        throw new IllegalStateException(EXCEPTIONS_RESOURCE + ": duplicate row " + source + "," + name);
      }
    }
    Set<String> types = new HashSet<>();
    for (String[] row : readCsv(NON_API_TYPES_RESOURCE, 2)) types.add(row[0]);
    return new ActionMapper(
        Collections.unmodifiableMap(prefixes),
        Collections.unmodifiableMap(exceptions),
        Collections.unmodifiableSet(types));
  }

  private static Map<String, String> loadPrefixes() {
    try (InputStream in = open(MAPPINGS_RESOURCE)) {
      JsonNode mappings = new ObjectMapper().readTree(in).get("cloudtrail_service_mappings");
      if (mappings == null || !mappings.isObject()) {
        throw new IllegalStateException(MAPPINGS_RESOURCE + ": no cloudtrail_service_mappings object");
      }
      Map<String, String> out = new HashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = mappings.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText().toLowerCase(Locale.ROOT));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(MAPPINGS_RESOURCE, e);
    }
  }

  /**
   * Rows of a simple shipped CSV: '#' comment lines and blank lines skipped, first remaining line is
   * the header, no quoting; the last column (free text) may contain commas.
   */
  private static List<String[]> readCsv(String resource, int columns) {
    List<String[]> rows = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(open(resource), StandardCharsets.UTF_8))) {
      boolean header = true;
      for (String line; (line = r.readLine()) != null; ) {
        if (line.isBlank() || line.startsWith("#")) continue;
        if (header) {
          header = false;
          continue;
        }
        String[] row = line.split(",", columns);
        if (row.length != columns) {
          throw new IllegalStateException(resource + ": expected " + columns + " columns: " + line);
        }
        for (int k = 0; k < row.length; k++) row[k] = row[k].trim();
        rows.add(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(resource, e);
    }
    return rows;
  }

  private static InputStream open(String resource) {
    InputStream in = ActionMapper.class.getResourceAsStream(resource);
    if (in == null) throw new IllegalStateException("missing classpath resource " + resource);
    return in;
  }
}
