package io.ebaudit.permissions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ebaudit.iam.ActionCatalog;
import io.ebaudit.iam.AuthorizationDetails;
import io.ebaudit.iam.AuthorizationDetails.Kind;
import io.ebaudit.iam.AuthorizationDetails.Principal;
import io.ebaudit.iam.Evaluation.Grant;
import io.ebaudit.permissions.Verdicts.PrincipalVerdicts;
import io.ebaudit.permissions.Verdicts.Verdict;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A least-privilege identity policy per principal with usage, from its verdicts.
 *
 * <p>Kept: every {@code used} action (resource-scoped to the ARNs the events name when every use of
 * the action named one and the list was not capped, else {@code *}), and every granted {@code
 * unobservable} action on the resources it is granted on today — CloudTrail cannot show whether those
 * are needed, so they are never removed; the notes say why each is kept. Not added: {@code
 * used_not_granted} actions (access came from elsewhere; adding them would widen the grant). Conditions
 * of the original grants are not carried over (noted). {@code iam:PassRole} uses inferred from Beanstalk
 * calls name roles or instance profiles; these are resolved to role ARNs through the export.
 *
 * <p>Statements are grouped by service ({@code Sid} = service + n) and the document is compact JSON.
 * When it is over {@link #MAX_CHARS} (IAM's managed-policy limit): first each service's actions are
 * collapsed to {@code service:Verb*} groups (e.g. {@code ec2:Describe*}, wider than what was used:
 * noted), then, if still over, the statements are split into numbered parts, each a valid policy under
 * the limit, to attach as separate managed policies.
 */
public final class RecommendedPolicy {
  private RecommendedPolicy() {}

  public static final int MAX_CHARS = 6144;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The policy documents (one, or numbered parts) and the notes, as JSON text. */
  public record Result(String principalArn, String fileName, List<String> documents, String notes, boolean collapsed) {}

  private record Stmt(String service, TreeSet<String> actions, TreeSet<String> resources) {}

  /**
   * @param windowFrom first event of the analyzed window (may be null)
   * @param windowTo last event of the analyzed window (may be null)
   */
  public static Result build(PrincipalVerdicts pv, AuthorizationDetails details, ActionCatalog catalog,
      Instant windowFrom, Instant windowTo) {
    Principal p = pv.principal();
    Map<String, String> roleByName = roleArnsByName(details);
    // service → resource set key → statement
    Map<String, Map<String, Stmt>> byService = new TreeMap<>();
    ArrayNode unobservableKept = JSON.createArrayNode();
    ArrayNode removed = JSON.createArrayNode();
    ArrayNode notAdded = JSON.createArrayNode();
    ArrayNode unscoped = JSON.createArrayNode();
    boolean conditionsDropped = false;
    for (Verdict v : pv.verdicts()) {
      String action = spelling(catalog, v.action());
      switch (v.state()) {
        case Verdicts.USED -> {
          TreeSet<String> res = scope(v, roleByName, p.accountId());
          if (res.contains("*") && !v.use().resources().isEmpty()) unscoped.add(action);
          add(byService, action, res);
        }
        case Verdicts.UNOBSERVABLE -> {
          TreeSet<String> res = new TreeSet<>();
          for (Grant g : pv.evaluation().detail(v.action()).allows()) {
            if (g.notResource() || g.resources().isEmpty()) res.add("*");
            else res.addAll(g.resources());
            if (g.conditional()) conditionsDropped = true;
          }
          if (res.isEmpty() || res.contains("*")) res = new TreeSet<>(List.of("*"));
          add(byService, action, res);
          unobservableKept.addObject().put("action", action).put("why", why(v.action()));
        }
        case Verdicts.UNUSED -> removed.add(action);
        case Verdicts.USED_NOT_GRANTED -> notAdded.add(action);
        default -> { }
      }
      if (v.state().equals(Verdicts.USED)) {
        for (Grant g : pv.evaluation().detail(v.action()).allows()) if (g.conditional()) conditionsDropped = true;
      }
    }
    List<Stmt> stmts = new ArrayList<>();
    for (Map<String, Stmt> m : byService.values()) stmts.addAll(m.values());
    boolean collapsed = false;
    List<String> docs = List.of(render(stmts));
    if (docs.get(0).length() > MAX_CHARS) {
      collapsed = true;
      stmts = collapse(stmts);
      docs = split(stmts);
    }
    String file = policyFile(p);
    ObjectNode notes = JSON.createObjectNode();
    notes.put("principal_arn", p.arn());
    notes.put("principal_name", p.name());
    notes.put("kind", p.kind().name().toLowerCase(Locale.ROOT));
    ObjectNode w = notes.putObject("window");
    w.put("from", windowFrom == null ? null : windowFrom.toString());
    w.put("to", windowTo == null ? null : windowTo.toString());
    notes.put("not_evaluated", Verdicts.NOT_EVALUATED + ", nor resource and session policies");
    notes.set("removed_actions", removed);
    notes.set("unobservable_kept", unobservableKept);
    notes.put("unobservable_note", "CloudTrail does not record these (data events not enabled, iam:PassRole"
        + " authorized inside the calling service, actions not logged): their use cannot be ruled out, so they"
        + " are kept as granted today; review them by hand");
    notes.set("used_not_granted_not_added", notAdded);
    notes.set("used_on_all_resources", unscoped);
    notes.put("conditions_dropped", conditionsDropped);
    notes.put("collapsed_to_prefixes", collapsed);
    if (collapsed) {
      notes.put("size_note", "over " + MAX_CHARS + " characters: actions collapsed to service:Verb* groups"
          + (docs.size() > 1 ? " and split into " + docs.size() + " numbered policies" : "")
          + "; collapsed groups may allow actions that were not used");
    }
    ArrayNode files = notes.putArray("policy_files");
    for (int i = 0; i < docs.size(); i++) files.add(docs.size() == 1 ? file + ".json" : file + ".part" + (i + 1) + ".json");
    notes.put("confidence", confidence(windowFrom, windowTo, unobservableKept.size(), collapsed));
    return new Result(p.arn(), file, docs, notes.toPrettyString(), collapsed);
  }

  static String why(String action) {
    String a = action.toLowerCase(Locale.ROOT);
    if (a.equals("iam:passrole")) {
      return "iam:PassRole is authorized inside the calling service and has no CloudTrail event of its own";
    }
    if (a.startsWith("s3:") || a.startsWith("lambda:invoke")) {
      return "a data event, recorded only when the trail enables data events";
    }
    return "not recorded by CloudTrail (per the action catalog)";
  }

  private static String confidence(Instant from, Instant to, int unobservable, boolean collapsed) {
    if (from == null || to == null) return "low: unknown window";
    long days = Duration.between(from, to).toDays();
    if (days < 30) return "low: only " + days + " day(s) of history; monthly or rare tasks may be missing";
    if (days < 90 || collapsed || unobservable > 0) return "medium: " + days + " days of history";
    return "high: " + days + " days of history";
  }

  private static String spelling(ActionCatalog catalog, String action) {
    int i = catalog.indexOf(action);
    return i >= 0 ? catalog.action(i) : action;
  }

  private static void add(Map<String, Map<String, Stmt>> byService, String action, TreeSet<String> res) {
    String svc = action.substring(0, Math.max(0, action.indexOf(':'))).toLowerCase(Locale.ROOT);
    byService.computeIfAbsent(svc, k -> new LinkedHashMap<>())
        .computeIfAbsent(String.join("\n", res), k -> new Stmt(svc, new TreeSet<>(), res)).actions().add(action);
  }

  /** The ARNs the events name for a used action, or {@code *} when any use named none or the list is capped. */
  private static TreeSet<String> scope(Verdict v, Map<String, String> roleByName, String account) {
    List<String> rs = v.use().resources();
    TreeSet<String> out = new TreeSet<>();
    if (rs.isEmpty() || rs.size() >= Usage.MAX_RESOURCES) return new TreeSet<>(List.of("*"));
    boolean passRole = v.action().equalsIgnoreCase(Usage.PASS_ROLE);
    for (String r : rs) {
      if (passRole) {
        String role = r.contains(":role/") ? r : roleByName.get(r.substring(r.lastIndexOf('/') + 1));
        if (role == null) return new TreeSet<>(List.of("*"));
        out.add(role);
      } else if (r.startsWith("arn:")) {
        out.add(r);
      } else {
        return new TreeSet<>(List.of("*"));
      }
    }
    // A use that named no resource would not be covered by a scoped statement; the usage table keeps
    // only the named ones, so stay on the safe side for read-style list calls.
    String name = v.action().substring(v.action().indexOf(':') + 1);
    if (name.startsWith("List") || name.startsWith("Describe")) return new TreeSet<>(List.of("*"));
    return out;
  }

  /** Role name and instance profile name → role ARN, from the export's roles. */
  private static Map<String, String> roleArnsByName(AuthorizationDetails details) {
    Map<String, String> out = new HashMap<>();
    if (details == null) return out;
    for (Principal r : details.principals()) {
      if (r.kind() != Kind.ROLE) continue;
      out.putIfAbsent(r.name(), r.arn());
      for (AuthorizationDetails.InstanceProfile ip : r.instanceProfiles()) out.putIfAbsent(ip.name(), r.arn());
    }
    return out;
  }

  /** Per service: actions grouped by their leading verb ({@code Describe}, {@code Get}…) into {@code svc:Verb*}. */
  static List<Stmt> collapse(List<Stmt> stmts) {
    Map<String, TreeSet<String>> actions = new TreeMap<>();
    Map<String, TreeSet<String>> resources = new TreeMap<>();
    for (Stmt s : stmts) {
      actions.computeIfAbsent(s.service(), k -> new TreeSet<>()).addAll(s.actions());
      resources.computeIfAbsent(s.service(), k -> new TreeSet<>()).addAll(s.resources());
    }
    List<Stmt> out = new ArrayList<>();
    for (var e : actions.entrySet()) {
      Map<String, List<String>> byVerb = new TreeMap<>();
      for (String a : e.getValue()) byVerb.computeIfAbsent(verb(a), k -> new ArrayList<>()).add(a);
      TreeSet<String> as = new TreeSet<>();
      for (var v : byVerb.entrySet()) {
        if (v.getValue().size() == 1) as.add(v.getValue().get(0));
        else as.add(v.getValue().get(0).substring(0, v.getValue().get(0).indexOf(':') + 1) + v.getKey() + "*");
      }
      TreeSet<String> rs = resources.get(e.getKey());
      if (rs.contains("*")) rs = new TreeSet<>(List.of("*"));
      out.add(new Stmt(e.getKey(), as, rs));
    }
    return out;
  }

  /** The leading capitalized word of the action name: {@code ec2:DescribeInstances} → {@code Describe}. */
  static String verb(String action) {
    String n = action.substring(action.indexOf(':') + 1);
    int i = 1;
    while (i < n.length() && !Character.isUpperCase(n.charAt(i))) i++;
    return n.substring(0, i);
  }

  /** Greedy packing into documents under the limit; a statement too large alone is split by actions. */
  static List<String> split(List<Stmt> stmts) {
    List<Stmt> pieces = new ArrayList<>();
    for (Stmt s : stmts) pieces.addAll(fit(s));
    List<String> docs = new ArrayList<>();
    List<Stmt> current = new ArrayList<>();
    for (Stmt s : pieces) {
      current.add(s);
      if (render(current).length() > MAX_CHARS) {
        current.remove(current.size() - 1);
        docs.add(render(current));
        current = new ArrayList<>(List.of(s));
      }
    }
    if (!current.isEmpty()) docs.add(render(current));
    return docs;
  }

  private static List<Stmt> fit(Stmt s) {
    if (render(List.of(s)).length() <= MAX_CHARS || s.actions().size() < 2) return List.of(s);
    List<String> as = new ArrayList<>(s.actions());
    int half = as.size() / 2;
    List<Stmt> out = new ArrayList<>(fit(new Stmt(s.service(), new TreeSet<>(as.subList(0, half)), s.resources())));
    out.addAll(fit(new Stmt(s.service(), new TreeSet<>(as.subList(half, as.size())), s.resources())));
    return out;
  }

  /** Compact policy JSON; Sids are the service (alphanumerics) and a counter, unique in the document. */
  static String render(List<Stmt> stmts) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("Version", "2012-10-17");
    ArrayNode st = doc.putArray("Statement");
    Map<String, Integer> seen = new HashMap<>();
    for (Stmt s : stmts) {
      String base = s.service().replaceAll("[^A-Za-z0-9]", "");
      base = base.isEmpty() ? "Svc" : Character.toUpperCase(base.charAt(0)) + base.substring(1);
      int n = seen.merge(base, 1, Integer::sum);
      ObjectNode o = st.addObject();
      o.put("Sid", base + n);
      o.put("Effect", "Allow");
      ArrayNode a = o.putArray("Action");
      s.actions().forEach(a::add);
      if (s.resources().size() == 1) o.put("Resource", s.resources().first());
      else s.resources().forEach(o.putArray("Resource")::add);
    }
    return doc.toString();
  }

  /**
   * A safe file name for a principal name (attacker-influenced: IAM allows {@code +=,.@_-}, other
   * sources anything): characters outside {@code [A-Za-z0-9+=,@_-]} and a leading dot become {@code _},
   * the length is capped, and a changed name gets a hash suffix so two names cannot collide.
   */
  /**
   * {@code <account>/<name>}: principals of several accounts share names (every account has its
   * {@code aws-elasticbeanstalk-ec2-role}), and one must not overwrite another's policy.
   */
  public static String policyFile(io.ebaudit.iam.AuthorizationDetails.Principal p) {
    return (p.accountId() == null || p.accountId().isBlank() ? "" : fileName(p.accountId()) + "/") + fileName(p.name());
  }

  public static String fileName(String name) {
    String n = name == null ? "" : name;
    StringBuilder sb = new StringBuilder();
    n.codePoints().forEach(c -> sb.append(c < 128 && (Character.isLetterOrDigit(c) || "+=,@_-.".indexOf(c) >= 0)
        ? (char) c : '_'));
    String s = sb.toString().replace("..", "__");
    if (s.startsWith(".")) s = "_" + s.substring(1);
    if (s.length() > 80) s = s.substring(0, 80);
    if (s.isEmpty() || !s.equals(n)) s = (s.isEmpty() ? "principal" : s) + "-" + hash(n);
    return s;
  }

  private static String hash(String s) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h).substring(0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
