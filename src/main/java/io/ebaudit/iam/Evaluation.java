package io.ebaudit.iam;

import io.ebaudit.iam.PolicyDocument.Effect;
import io.ebaudit.iam.PolicyDocument.Statement;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a principal's identity policies grant, per known IAM action.
 *
 * <p>Every statement's {@code Action}/{@code NotAction} patterns are compiled once ({@link Glob})
 * and expanded against the {@link ActionCatalog} into a bit set; {@code NotAction} is every
 * catalog action that none of its patterns match. For each action the matching statements decide:
 *
 * <ol>
 *   <li>An unconditional {@code Deny} with {@code Resource: "*"} → {@link Access#DENIED} (Deny
 *       wins over every Allow, conditional or not).
 *   <li>An unconditional {@code Deny} whose {@code Resource} patterns cover all the resource
 *       patterns of an Allow removes that Allow; if that removes every Allow → {@code DENIED}. A
 *       Deny with a narrower {@code Resource}, or with {@code NotResource}, leaves the Allow (the
 *       action stays granted elsewhere) and is listed in {@link ActionAccess#denies()}.
 *   <li>A <b>conditional Deny</b> may or may not apply at request time. It never makes an action
 *       {@code DENIED}; where it covers an Allow it turns {@code GRANTED} into {@code
 *       GRANTED_CONDITIONAL}, because whether the grant holds then depends on a condition.
 *   <li>Of the Allows left: one without {@code Condition} → {@link Access#GRANTED}; only
 *       conditional ones → {@link Access#GRANTED_CONDITIONAL}; none → {@link Access#NOT_GRANTED}.
 * </ol>
 *
 * <p>Resource patterns are kept on every {@link Grant} so a later stage can tell "granted on *"
 * from scoped grants. Not evaluated: permissions boundaries, SCPs, resource and session policies,
 * and the values of conditions.
 */
public final class Evaluation implements Serializable {
  private static final long serialVersionUID = 1L;

  public enum Access { GRANTED, GRANTED_CONDITIONAL, DENIED, NOT_GRANTED }

  /** One statement as it bears on an action; {@code origin} names the policy it is in. */
  public record Grant(
      String origin, String sid, Effect effect, List<String> resources, boolean notResource, String conditionJson)
      implements Serializable {
    public boolean conditional() {
      return conditionJson != null;
    }

    /** {@code Resource} includes {@code *}. */
    public boolean onAllResources() {
      return !notResource && resources.contains("*");
    }
  }

  /** The verdict for one action: the Allows still in force and every Deny that matched. */
  public record ActionAccess(String action, Access access, List<Grant> allows, List<Grant> denies)
      implements Serializable {}

  private static final class Compiled implements Serializable {
    private static final long serialVersionUID = 1L;
    final Grant grant;
    final List<Glob> actions;
    final boolean notAction;
    final List<Glob> resources;
    final BitSet matched;

    Compiled(Grant grant, Statement s, ActionCatalog catalog) {
      this.grant = grant;
      this.notAction = s.notAction();
      List<Glob> a = new ArrayList<>();
      for (String p : s.actions()) a.add(Glob.action(p));
      this.actions = a;
      List<Glob> r = new ArrayList<>();
      for (String p : s.resources()) r.add(Glob.resource(p));
      this.resources = r;
      this.matched = notAction ? catalog.matchNone(a) : catalog.match(a);
    }

    boolean matchesLower(String lowerAction) {
      boolean any = false;
      for (Glob g : actions) {
        if (g.matchesPrepared(lowerAction)) {
          any = true;
          break;
        }
      }
      return any != notAction;
    }
  }

  private final ActionCatalog catalog;
  private final List<Compiled> statements;
  private final ActionAccess[] byIndex; // null = NOT_GRANTED
  private final EnumMap<Access, Integer> counts = new EnumMap<>(Access.class);

  private Evaluation(ActionCatalog catalog, List<Compiled> statements) {
    this.catalog = catalog;
    this.statements = statements;
    this.byIndex = new ActionAccess[catalog.size()];
    BitSet any = new BitSet(catalog.size());
    for (Compiled c : statements) any.or(c.matched);
    List<Compiled> hit = new ArrayList<>();
    for (int i = any.nextSetBit(0); i >= 0; i = any.nextSetBit(i + 1)) {
      hit.clear();
      for (Compiled c : statements) if (c.matched.get(i)) hit.add(c);
      ActionAccess a = decide(catalog.action(i), hit);
      if (a.access() != Access.NOT_GRANTED) byIndex[i] = a;
    }
    for (Access a : Access.values()) counts.put(a, 0);
    for (ActionAccess a : byIndex) if (a != null) counts.merge(a.access(), 1, Integer::sum);
    counts.put(Access.NOT_GRANTED, catalog.size() - counts.get(Access.GRANTED)
        - counts.get(Access.GRANTED_CONDITIONAL) - counts.get(Access.DENIED));
  }

  /** Evaluates documents whose origin does not matter (labelled {@code document <n>}). */
  public static Evaluation of(List<PolicyDocument> documents, ActionCatalog catalog) {
    List<Compiled> cs = new ArrayList<>();
    int n = 0;
    for (PolicyDocument d : documents) compile(cs, "document " + (++n), d, catalog);
    return new Evaluation(catalog, cs);
  }

  /** Evaluates a principal's documents, each labelled with its origin. */
  public static Evaluation of(AuthorizationDetails.Principal principal, ActionCatalog catalog) {
    List<Compiled> cs = new ArrayList<>();
    for (AuthorizationDetails.AttachedPolicy p : principal.policies()) compile(cs, p.describe(), p.document(), catalog);
    return new Evaluation(catalog, cs);
  }

  private static void compile(List<Compiled> out, String origin, PolicyDocument d, ActionCatalog catalog) {
    for (Statement s : d.statements()) {
      Grant g = new Grant(origin, s.sid(), s.effect(), s.resources(), s.notResource(), s.conditionJson());
      out.add(new Compiled(g, s, catalog));
    }
  }

  private static ActionAccess decide(String action, List<Compiled> hit) {
    List<Compiled> allows = new ArrayList<>(), denies = new ArrayList<>();
    for (Compiled c : hit) (c.grant.effect() == Effect.ALLOW ? allows : denies).add(c);
    List<Grant> denyGrants = grants(denies);
    for (Compiled d : denies) {
      if (!d.grant.conditional() && d.grant.onAllResources()) {
        return new ActionAccess(action, Access.DENIED, List.of(), denyGrants);
      }
    }
    List<Compiled> remaining = new ArrayList<>();
    for (Compiled a : allows) {
      boolean removed = false;
      for (Compiled d : denies) if (!d.grant.conditional() && covers(d, a)) removed = true;
      if (!removed) remaining.add(a);
    }
    if (remaining.isEmpty()) {
      Access access = allows.isEmpty() ? Access.NOT_GRANTED : Access.DENIED;
      return new ActionAccess(action, access, List.of(), denyGrants);
    }
    boolean plain = false;
    for (Compiled a : remaining) {
      if (a.grant.conditional()) continue;
      boolean condDenied = false;
      for (Compiled d : denies) if (d.grant.conditional() && covers(d, a)) condDenied = true;
      if (!condDenied) plain = true;
    }
    return new ActionAccess(action, plain ? Access.GRANTED : Access.GRANTED_CONDITIONAL, grants(remaining), denyGrants);
  }

  /** Whether Deny {@code d}'s resources cover every resource pattern of Allow {@code a}. */
  private static boolean covers(Compiled d, Compiled a) {
    if (d.grant.notResource()) return false;
    if (d.grant.resources().contains("*")) return true;
    if (a.grant.notResource()) return false;
    for (String r : a.grant.resources()) {
      boolean c = false;
      for (Glob g : d.resources) {
        if (g.matchesPrepared(r)) {
          c = true;
          break;
        }
      }
      if (!c) return false;
    }
    return true;
  }

  private static List<Grant> grants(List<Compiled> cs) {
    if (cs.isEmpty()) return List.of();
    List<Grant> out = new ArrayList<>(cs.size());
    for (Compiled c : cs) out.add(c.grant);
    return Collections.unmodifiableList(out);
  }

  public ActionCatalog catalog() {
    return catalog;
  }

  /** The verdict for any action, in the catalog or not (an unknown one is matched directly). */
  public ActionAccess detail(String action) {
    int i = catalog.indexOf(action);
    if (i >= 0) {
      ActionAccess a = byIndex[i];
      return a != null ? a : new ActionAccess(catalog.action(i), Access.NOT_GRANTED, List.of(), List.of());
    }
    String lower = action.toLowerCase(Locale.ROOT);
    List<Compiled> hit = new ArrayList<>();
    for (Compiled c : statements) if (c.matchesLower(lower)) hit.add(c);
    return decide(action, hit);
  }

  public Access access(String action) {
    return detail(action).access();
  }

  /** Catalog actions that are granted, conditionally granted or denied, in catalog order. */
  public List<ActionAccess> evaluated() {
    List<ActionAccess> out = new ArrayList<>();
    for (ActionAccess a : byIndex) if (a != null) out.add(a);
    return out;
  }

  /** Catalog actions in the given state (for {@code NOT_GRANTED}: all the others). */
  public Set<String> actions(Access access) {
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < byIndex.length; i++) {
      Access a = byIndex[i] == null ? Access.NOT_GRANTED : byIndex[i].access();
      if (a == access) out.add(catalog.action(i));
    }
    return out;
  }

  /** Catalog actions GRANTED or GRANTED_CONDITIONAL. */
  public Set<String> grantedActions() {
    Set<String> out = new LinkedHashSet<>();
    for (ActionAccess a : byIndex) {
      if (a != null && a.access() != Access.DENIED) out.add(a.action());
    }
    return out;
  }

  public int count(Access access) {
    return counts.get(access);
  }

  public Map<Access, Integer> counts() {
    return Collections.unmodifiableMap(counts);
  }

  /**
   * An Allow of {@code *} or {@code *:*} on Resource {@code *} (conditional or not, whatever Denies
   * follow: a structural flag).
   */
  public boolean isAdminLike() {
    for (Compiled c : statements) {
      if (c.grant.effect() != Effect.ALLOW || c.notAction || !c.grant.onAllResources()) continue;
      for (Glob g : c.actions) {
        String s = g.source();
        if (s.equals("*") || s.equals("*:*")) return true;
      }
    }
    return false;
  }

  /**
   * {@code iam:PassRole} is granted (possibly conditionally) by an Allow still in force whose
   * Resource is {@code *}, or a pattern for any role ({@code arn:aws:iam::*:role/*}, {@code
   * …:role/*}).
   */
  public boolean passRoleWildcard() {
    ActionAccess a = detail("iam:PassRole");
    if (a.access() != Access.GRANTED && a.access() != Access.GRANTED_CONDITIONAL) return false;
    for (Grant g : a.allows()) {
      if (g.notResource()) continue;
      for (String r : g.resources()) if (r.equals("*") || r.endsWith(":role/*") || r.endsWith(":*")) return true;
    }
    return false;
  }

  /** Services (lower case) with an Allow of {@code <service>:*} on Resource {@code *}. */
  public Set<String> serviceWildcards() {
    Set<String> out = new TreeSet<>();
    for (Compiled c : statements) {
      if (c.grant.effect() != Effect.ALLOW || c.notAction || !c.grant.onAllResources()) continue;
      for (Glob g : c.actions) {
        String s = g.source().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        if (colon > 0 && s.endsWith(":*") && colon == s.length() - 2 && s.lastIndexOf('*', colon) < 0) {
          out.add(s.substring(0, colon));
        }
      }
    }
    return out;
  }

  public boolean serviceWildcard() {
    return !serviceWildcards().isEmpty();
  }
}
