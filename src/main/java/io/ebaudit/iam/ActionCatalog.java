package io.ebaudit.iam;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The known IAM actions that wildcards and {@code NotAction} are expanded against.
 *
 * <p>{@link #standard()} reads {@code reference/iam/actions.csv} (columns {@code iam_action,
 * cloudtrail_observable, sources}; see {@code reference/README.md}). Actions are unique
 * case-insensitively and kept sorted by lower-cased name, so that each service prefix is one
 * contiguous index range: a pattern with a literal service ({@code ec2:Describe*}) scans only that
 * range. Immutable and thread-safe.
 */
public final class ActionCatalog implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String RESOURCE = "/reference/iam/actions.csv";

  private static volatile ActionCatalog standard;

  private final String[] names; // original spelling
  private final String[] lower;
  private final boolean[] observable;
  private final String[] sources;
  private final Map<String, Integer> indexByLower;
  /** Service prefix (lower case) → {from, to} index range. */
  private final Map<String, int[]> serviceRange;

  private ActionCatalog(List<String[]> rows) {
    Map<String, String[]> byLower = new LinkedHashMap<>();
    for (String[] r : rows) {
      String k = r[0].toLowerCase(Locale.ROOT);
      String[] prev = byLower.get(k);
      if (prev == null) byLower.put(k, r);
      else if ("true".equals(r[1]) && !"true".equals(prev[1])) byLower.put(k, new String[] {prev[0], "true", prev[2]});
    }
    List<String> keys = new ArrayList<>(byLower.keySet());
    Collections.sort(keys);
    int n = keys.size();
    names = new String[n];
    lower = new String[n];
    observable = new boolean[n];
    sources = new String[n];
    indexByLower = new HashMap<>(n * 2);
    serviceRange = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String k = keys.get(i);
      String[] r = byLower.get(k);
      names[i] = r[0];
      lower[i] = k;
      observable[i] = "true".equals(r[1]);
      sources[i] = r[2];
      indexByLower.put(k, i);
      String svc = service(k);
      int[] range = serviceRange.computeIfAbsent(svc, s -> new int[] {-1, -1});
      if (range[0] < 0) range[0] = i;
      range[1] = i + 1;
    }
  }

  /** The shipped catalog ({@code reference/iam/actions.csv}), loaded once. */
  public static ActionCatalog standard() {
    ActionCatalog c = standard;
    if (c == null) {
      synchronized (ActionCatalog.class) {
        if (standard == null) standard = load();
        c = standard;
      }
    }
    return c;
  }

  /** A catalog of the given actions (none observable, source {@code given}); for tests and tools. */
  public static ActionCatalog of(Collection<String> actions) {
    List<String[]> rows = new ArrayList<>();
    for (String a : actions) rows.add(new String[] {a.trim(), "false", "given"});
    return new ActionCatalog(rows);
  }

  private static final java.util.regex.Pattern IAM_PREFIX = java.util.regex.Pattern.compile("[a-z0-9-]+");

  private static ActionCatalog load() {
    List<String[]> rows = new ArrayList<>();
    try (InputStream in = ActionCatalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException("missing resource " + RESOURCE);
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String header = r.readLine();
      if (header == null || !header.startsWith("iam_action,cloudtrail_observable,sources")) {
        throw new IllegalStateException("unexpected header in " + RESOURCE + ": " + header);
      }
      for (String line; (line = r.readLine()) != null; ) {
        if (line.isBlank()) continue;
        String[] f = line.split(",", 3);
        if (f.length != 3 || f[0].indexOf(':') < 0) {
          throw new IllegalStateException("bad row in " + RESOURCE + ": " + line);
        }
        // cloudtracker's lists also hold endpoint names (api.pricing:GetProducts, data.iot:Publish):
        // not IAM actions, so never granted, used or recommended as such.
        if (!IAM_PREFIX.matcher(service(f[0])).matches()) {
          continue;
        }
        rows.add(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ActionCatalog(rows);
  }

  static String service(String action) {
    int c = action.indexOf(':');
    return c < 0 ? action : action.substring(0, c);
  }

  public int size() {
    return names.length;
  }

  /** The action at {@code index}, in its catalog spelling (e.g. {@code ec2:DescribeInstances}). */
  public String action(int index) {
    return names[index];
  }

  /** All actions in index order (sorted case-insensitively). */
  public List<String> actions() {
    return List.of(names);
  }

  /** Index of {@code action} (any case), or -1. */
  public int indexOf(String action) {
    Integer i = indexByLower.get(action.toLowerCase(Locale.ROOT));
    return i == null ? -1 : i;
  }

  public boolean contains(String action) {
    return indexOf(action) >= 0;
  }

  /** Whether CloudTrail records the action (cloudtracker's hand-curated list; false if unknown). */
  public boolean isObservable(String action) {
    int i = indexOf(action);
    return i >= 0 && observable[i];
  }

  public boolean isObservable(int index) {
    return observable[index];
  }

  /** The {@code ;}-separated sources of the action (see reference/README.md). */
  public String sources(int index) {
    return sources[index];
  }

  public int observableCount() {
    int n = 0;
    for (boolean b : observable) if (b) n++;
    return n;
  }

  /** Catalog indices matched by any of the patterns. */
  public BitSet match(List<Glob> patterns) {
    BitSet out = new BitSet(names.length);
    for (Glob g : patterns) {
      String lit = g.literalPrefix();
      int colon = lit.indexOf(':');
      int from = 0, to = names.length;
      if (colon >= 0) {
        int[] range = serviceRange.get(lit.substring(0, colon));
        if (range == null) continue;
        from = range[0];
        to = range[1];
      }
      for (int i = from; i < to; i++) {
        if (!out.get(i) && g.matchesPrepared(lower[i])) out.set(i);
      }
    }
    return out;
  }

  /** Catalog indices matched by none of the patterns ({@code NotAction}). */
  public BitSet matchNone(List<Glob> patterns) {
    BitSet out = match(patterns);
    out.flip(0, names.length);
    return out;
  }

  /** The actions matched by a pattern, in catalog spelling. */
  public List<String> expand(String pattern) {
    BitSet b = match(List.of(Glob.action(pattern)));
    List<String> out = new ArrayList<>(b.cardinality());
    for (int i = b.nextSetBit(0); i >= 0; i = b.nextSetBit(i + 1)) out.add(names[i]);
    return out;
  }
}
