package io.ebaudit.platforms;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What is known about Elastic Beanstalk platform branches and versions, from exports of
 * {@code aws elasticbeanstalk list-platform-versions} ({@code PlatformSummaryList}),
 * {@code list-platform-branches} ({@code PlatformBranchSummaryList}), {@code describe-platform-version}
 * ({@code PlatformDescription}) and {@code list-available-solution-stacks} ({@code SolutionStacks}), or the
 * bare summaries / pages of them in a JSON array. Several documents combine into one catalog.
 *
 * <ul>
 *   <li>Branches are keyed by name, case-insensitively (custom platforms also by owner account). Regions
 *       are not told apart: AWS branch names and versions are the same in every region.
 *   <li>Lifecycle states are compared case-insensitively ({@link Lifecycle#parse}). When documents
 *       disagree about a branch, the more advanced state wins (a branch only moves beta → supported →
 *       deprecated → retired), so combining an old and a new export keeps the newer truth.
 *   <li>A branch's recommended version is the one marked {@code PlatformLifecycleState=recommended}
 *       (case-insensitive; the newest such if several); {@link Branch#target()} falls back to the newest
 *       version known when none is marked.
 *   <li>The shipped reference ({@link #reference()}) may add {@code RetirementDate} (ISO date) to a branch
 *       summary, an ebaudit extension that no AWS API returns.
 * </ul>
 */
public final class PlatformCatalog {

  /** Classpath location of the shipped reference catalog (the pom packages {@code conf/} under {@code conf/}). */
  public static final String REFERENCE_RESOURCE = "conf/reference/platforms.json";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One platform version as an export described it. */
  public record Entry(String arn, PlatformId id, Version version, String owner, String status,
      String category, String osName, String osVersion, List<String> supportedTiers, boolean recommended) {}

  /** One branch with its versions, oldest first. */
  public record Branch(String name, String platformName, Lifecycle lifecycle, Integer branchOrder,
      LocalDate retirementDate, List<Entry> versions) {

    /** The version marked recommended (the newest such), if any. */
    public Optional<Version> recommended() {
      return versions.stream().filter(Entry::recommended).map(Entry::version).max(Comparator.naturalOrder());
    }

    /** The newest version known in this branch. */
    public Optional<Version> newest() {
      return versions.stream().map(Entry::version).max(Comparator.naturalOrder());
    }

    /** The recommended version, else the newest. */
    public Optional<Version> target() {
      return recommended().or(this::newest);
    }

    public boolean hasVersion(Version v) {
      return versions.stream().anyMatch(e -> e.version().equals(v));
    }

    /** How many catalog versions are newer than {@code current} and no newer than {@code upTo}. */
    public int versionsBetween(Version current, Version upTo) {
      return (int) versions.stream().map(Entry::version)
          .filter(v -> v.isNewerThan(current) && !v.isNewerThan(upTo)).count();
    }
  }

  private final String source;
  private final LocalDate asOf;
  private final Map<String, Branch> branches;

  private PlatformCatalog(String source, LocalDate asOf, Map<String, Branch> branches) {
    this.source = source;
    this.asOf = asOf;
    this.branches = Collections.unmodifiableMap(branches);
  }

  /**
   * Parses and combines JSON documents. Throws {@link IllegalArgumentException} for a document that is not
   * JSON or holds none of the recognised shapes.
   */
  public static PlatformCatalog parse(String... jsonDocuments) {
    Builder b = new Builder();
    for (String json : jsonDocuments) {
      JsonNode root;
      try {
        root = MAPPER.readTree(json);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
      }
      if (root == null || !b.visit(root)) {
        throw new IllegalArgumentException("no PlatformSummaryList, PlatformBranchSummaryList, "
            + "PlatformDescription, SolutionStacks or platform summary in document");
      }
    }
    return b.build();
  }

  /** The reference catalog shipped in the jar ({@value #REFERENCE_RESOURCE}). */
  public static PlatformCatalog reference() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    if (cl == null) {
      cl = PlatformCatalog.class.getClassLoader();
    }
    try (InputStream in = cl.getResourceAsStream(REFERENCE_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(REFERENCE_RESOURCE + " is not on the classpath");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the data came from (the documents' {@code source} fields), or {@code "exports"}. */
  public String source() {
    return source;
  }

  /**
   * This catalog dated {@code date} when its documents carry no {@code as_of} (AWS's own exports don't); the
   * catalog itself when they do or {@code date} is null.
   */
  public PlatformCatalog withAsOfIfUnknown(LocalDate date, String how) {
    return asOf != null || date == null ? this : new PlatformCatalog(source + " (" + how + ")", date, branches);
  }

  /**
   * This catalog with the retirement dates of {@code other}'s branches of the same name where this one has
   * none. AWS's API exports never carry retirement dates (they are published in the platform support
   * policy pages), so the shipped reference lends its dates to an export; lifecycle states stay the export's.
   */
  public PlatformCatalog withRetirementDatesFrom(PlatformCatalog other) {
    Map<String, Branch> out = new LinkedHashMap<>();
    boolean changed = false;
    for (Map.Entry<String, Branch> e : branches.entrySet()) {
      Branch b = e.getValue();
      Branch o = other.branches.get(e.getKey());
      if (b.retirementDate() == null && o != null && o.retirementDate() != null) {
        b = new Branch(b.name(), b.platformName(), b.lifecycle(), b.branchOrder(), o.retirementDate(), b.versions());
        changed = true;
      }
      out.put(e.getKey(), b);
    }
    return changed ? new PlatformCatalog(source + "; retirement dates from the reference catalog", asOf, out) : this;
  }

  /** The date the data describes (the documents' {@code as_of}, the oldest if several); null when unknown. */
  public LocalDate asOf() {
    return asOf;
  }

  public Collection<Branch> branches() {
    return branches.values();
  }

  /** A branch by name, case-insensitively (AWS branches). */
  public Optional<Branch> branch(String branchName) {
    return Optional.ofNullable(branches.get(PlatformId.branchKey(branchName, null)));
  }

  /** The branch of a platform (by owner account too for a custom platform). */
  public Optional<Branch> branch(PlatformId id) {
    return id == null ? Optional.empty() : Optional.ofNullable(branches.get(id.branchKey()));
  }

  /** The catalog's entry for exactly this platform version. */
  public Optional<Entry> entry(PlatformId id) {
    if (id == null || id.version() == null) {
      return Optional.empty();
    }
    return branch(id).flatMap(b -> b.versions().stream().filter(e -> e.version().equals(id.version())).findFirst());
  }

  private static final class Builder {
    private final List<String> sources = new ArrayList<>();
    private LocalDate asOf;
    private final Map<String, MutableBranch> branches = new LinkedHashMap<>();

    /** Returns whether anything recognisable was found. */
    boolean visit(JsonNode node) {
      if (node.isArray()) {
        boolean any = node.size() == 0;
        for (JsonNode n : node) {
          any |= visit(n);
        }
        return any;
      }
      if (!node.isObject()) {
        return false;
      }
      boolean any = false;
      if (node.hasNonNull("source") && node.get("source").isTextual()) {
        sources.add(node.get("source").asText());
      }
      if (node.hasNonNull("as_of")) {
        try {
          LocalDate d = LocalDate.parse(node.get("as_of").asText());
          asOf = asOf == null || d.isBefore(asOf) ? d : asOf;
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException("as_of is not an ISO date: " + node.get("as_of").asText(), e);
        }
      }
      if (node.has("PlatformSummaryList")) {
        node.get("PlatformSummaryList").forEach(this::version);
        any = true;
      }
      if (node.has("PlatformBranchSummaryList")) {
        node.get("PlatformBranchSummaryList").forEach(this::branch);
        any = true;
      }
      if (node.has("PlatformDescription")) {
        version(node.get("PlatformDescription"));
        any = true;
      }
      if (node.has("SolutionStacks")) {
        for (JsonNode s : node.get("SolutionStacks")) {
          PlatformId.parseSolutionStack(s.asText()).filter(id -> id.version() != null)
              .ifPresent(id -> add(id, null, null, null, null, null, null, null, List.of(), false, null));
        }
        any = true;
      }
      if (!any && (node.has("PlatformArn") || node.has("SolutionStackName") && node.has("PlatformVersion"))) {
        version(node);
        any = true;
      }
      if (!any && node.has("BranchName")) {
        branch(node);
        any = true;
      }
      return any;
    }

    private void version(JsonNode s) {
      String arn = text(s, "PlatformArn");
      Optional<PlatformId> id = PlatformId.parseArn(arn);
      if (id.isEmpty()) {
        id = PlatformId.parseSolutionStack(text(s, "SolutionStackName"));
      }
      if (id.isEmpty()) {
        return;
      }
      PlatformId pid = id.get();
      Version version = Version.parse(text(s, "PlatformVersion")).orElse(pid.version());
      if (version == null) {
        return;
      }
      String branchName = text(s, "PlatformBranchName");
      if (branchName != null && !pid.custom()) {
        pid = new PlatformId(pid.partition(), pid.region(), pid.account(), branchName, pid.version(), pid.os(),
            pid.osRelease(), pid.runtime(), false);
      }
      List<String> tiers = new ArrayList<>();
      if (s.has("SupportedTierList")) {
        s.get("SupportedTierList").forEach(t -> tiers.add(t.asText()));
      }
      boolean recommended = "recommended".equalsIgnoreCase(text(s, "PlatformLifecycleState"));
      add(pid, arn, version, text(s, "PlatformOwner"), text(s, "PlatformStatus"), text(s, "PlatformCategory"),
          text(s, "OperatingSystemName"), text(s, "OperatingSystemVersion"), tiers, recommended,
          Lifecycle.parse(text(s, "PlatformBranchLifecycleState")));
    }

    private void add(PlatformId id, String arn, Version version, String owner, String status, String category,
        String osName, String osVersion, List<String> tiers, boolean recommended, Lifecycle branchLifecycle) {
      Version v = version == null ? id.version() : version;
      MutableBranch b = branches.computeIfAbsent(id.branchKey(), k -> new MutableBranch(id.branchName()));
      Entry e = new Entry(arn, id, v, owner, status, category, osName, osVersion, List.copyOf(tiers), recommended);
      Entry old = b.versions.get(v);
      // Keep the richer record; "recommended" once seen stays.
      if (old == null || old.arn() == null && arn != null) {
        b.versions.put(v, old != null && old.recommended() && !recommended
            ? new Entry(e.arn(), e.id(), v, owner, status, category, osName, osVersion, e.supportedTiers(), true) : e);
      } else if (recommended && !old.recommended()) {
        b.versions.put(v, new Entry(old.arn(), old.id(), v, old.owner(), old.status(), old.category(),
            old.osName(), old.osVersion(), old.supportedTiers(), true));
      }
      if (branchLifecycle != null && branchLifecycle != Lifecycle.UNKNOWN) {
        b.lifecycle = Lifecycle.later(b.lifecycle, branchLifecycle);
      }
      if (b.platformName == null && category != null && !"custom".equalsIgnoreCase(category)) {
        b.platformName = category;
      }
    }

    private void branch(JsonNode s) {
      String name = text(s, "BranchName");
      if (name == null) {
        return;
      }
      MutableBranch b = branches.computeIfAbsent(PlatformId.branchKey(name, null), k -> new MutableBranch(name));
      Lifecycle l = Lifecycle.parse(text(s, "LifecycleState"));
      if (l != Lifecycle.UNKNOWN) {
        b.lifecycle = Lifecycle.later(b.lifecycle, l);
      }
      if (text(s, "PlatformName") != null) {
        b.platformName = text(s, "PlatformName");
      }
      String order = text(s, "BranchOrder");
      if (order != null) {
        try {
          b.branchOrder = Integer.valueOf(order.trim());
        } catch (NumberFormatException ignored) {
          // a non-numeric order says nothing
        }
      }
      String retirement = text(s, "RetirementDate");
      if (retirement != null) {
        LocalDate d = LocalDate.parse(retirement);
        b.retirementDate = b.retirementDate == null || d.isBefore(b.retirementDate) ? d : b.retirementDate;
      }
    }

    PlatformCatalog build() {
      Map<String, Branch> out = new LinkedHashMap<>();
      branches.forEach((k, b) -> out.put(k, new Branch(b.name, b.platformName,
          b.lifecycle == null ? Lifecycle.UNKNOWN : b.lifecycle, b.branchOrder, b.retirementDate,
          List.copyOf(b.versions.values()))));
      String source = sources.isEmpty() ? "exports" : String.join("; ", sources);
      return new PlatformCatalog(source, asOf, out);
    }

    private static String text(JsonNode n, String field) {
      JsonNode v = n.get(field);
      return v == null || v.isNull() ? null : v.asText();
    }
  }

  private static final class MutableBranch {
    final String name;
    String platformName;
    Lifecycle lifecycle;
    Integer branchOrder;
    LocalDate retirementDate;
    final TreeMap<Version, Entry> versions = new TreeMap<>();

    MutableBranch(String name) {
      this.name = name;
    }
  }

  @Override
  public String toString() {
    return "PlatformCatalog[" + branches.size() + " branches, source=" + source + ", asOf=" + asOf + "]";
  }

  static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }
}
