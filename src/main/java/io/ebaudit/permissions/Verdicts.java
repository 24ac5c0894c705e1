package io.ebaudit.permissions;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import io.ebaudit.iam.ActionCatalog;
import io.ebaudit.iam.AuthorizationDetails;
import io.ebaudit.iam.AuthorizationDetails.Principal;
import io.ebaudit.iam.Evaluation;
import io.ebaudit.iam.Evaluation.Access;
import java.io.Serializable;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Granted versus used, per principal × action (cloudtracker's four states), computed on the driver:
 * principals are few, and the usage of each is small once aggregated.
 *
 * <ul>
 *   <li>{@code used}: granted (possibly with conditions) and seen in successful calls;
 *   <li>{@code used_not_granted}: seen in successful calls but the identity policies in the export do
 *       not grant it (another path granted it: a resource policy, a session, an export out of date);
 *   <li>{@code unused}: granted, CloudTrail records it, and it was not seen in the window;
 *   <li>{@code unobservable}: granted but CloudTrail cannot show its use ({@link #unobservable}) —
 *       never reported as unused, never recommended for removal.
 * </ul>
 *
 * Permissions boundaries, SCPs, resource and session policies are not evaluated: every row says so
 * in {@code notes}.
 */
public final class Verdicts {
  private Verdicts() {}

  public static final String USED = "used";
  public static final String USED_NOT_GRANTED = "used_not_granted";
  public static final String UNUSED = "unused";
  public static final String UNOBSERVABLE = "unobservable";

  public static final String NOT_EVALUATED = "permission boundaries and SCPs were not evaluated";

  public static final StructType VERDICTS =
      createStructType(
          List.of(
              createStructField("principal_arn", StringType, false),
              createStructField("principal_name", StringType, false),
              createStructField("kind", StringType, false),
              createStructField("account_id", StringType, true),
              createStructField("iam_action", StringType, false),
              createStructField("state", StringType, false),
              createStructField("granted_access", StringType, false),
              createStructField("count", LongType, false),
              createStructField("first_seen", TimestampType, true),
              createStructField("last_seen", TimestampType, true),
              createStructField("resources", createArrayType(StringType, false), false),
              createStructField("principal_active", BooleanType, false),
              createStructField("notes", StringType, false),
              // The Beanstalk environments using the role as instance-profile or service role ({@link EnvironmentRoles}).
              createStructField("environments", createArrayType(StringType, false), false)));

  /** One aggregated usage row of {@link Usage#USAGE}, as collected to the driver. */
  public record Use(String principalArn, String action, long count, Timestamp firstSeen, Timestamp lastSeen,
      List<String> regions, List<String> resources) implements Serializable {
    public static Use of(Row r) {
      return new Use(r.getAs("principal_arn"), r.getAs("iam_action"), r.<Long>getAs("count"), ts(r.getAs("first_seen")),
          ts(r.getAs("last_seen")), r.getList(r.fieldIndex("regions")), r.getList(r.fieldIndex("resources")));
    }

    private static Timestamp ts(Object o) {
      return o == null ? null : o instanceof java.time.Instant i ? Timestamp.from(i) : (Timestamp) o;
    }
  }

  /** One verdict row. */
  public record Verdict(Principal principal, String action, String state, Access access, Use use, String notes)
      implements Serializable {
    Row toRow() {
      return RowFactory.create(principal.arn(), principal.name(), principal.kind().name().toLowerCase(Locale.ROOT),
          principal.accountId(), action, state, access.name(), use == null ? 0L : use.count(),
          use == null ? null : use.firstSeen(), use == null ? null : use.lastSeen(),
          use == null ? List.of() : use.resources(), false, notes);
    }
  }

  /** The verdicts of one principal and whether it was active. */
  public record PrincipalVerdicts(Principal principal, Evaluation evaluation, List<Verdict> verdicts, boolean active)
      implements Serializable {
    public long count(String state) {
      return verdicts.stream().filter(v -> v.state().equals(state)).count();
    }
  }

  /**
   * Actions whose use CloudTrail does not show: not recorded per the catalog, {@code iam:PassRole}
   * (authorized inside the calling service, only inferred here), S3 object-level and listing actions
   * and Lambda invocations (data events, usually not enabled).
   */
  public static boolean unobservable(ActionCatalog catalog, String action) {
    String a = action.toLowerCase(Locale.ROOT);
    if (a.equals("iam:passrole") || a.equals("lambda:invokefunction") || a.equals("lambda:invokeasync")) return true;
    if (a.startsWith("s3:")) {
      String n = a.substring(3);
      if (n.contains("object") || n.contains("multipartupload") || n.equals("listbucket")
          || n.equals("listbucketversions")) {
        return true;
      }
    }
    return !catalog.isObservable(action);
  }

  /** ARNs that name the same principal: the ARN itself, and account + type + last name segment (paths vary). */
  static String key(String arn) {
    if (arn == null) return null;
    String[] parts = arn.split(":", 6);
    if (parts.length < 6) return arn;
    String res = parts[5];
    int slash = res.indexOf('/');
    if (slash < 0) return arn;
    String type = res.substring(0, slash);
    String name = res.substring(res.lastIndexOf('/') + 1);
    return parts[4] + "|" + type + "|" + name;
  }

  public static List<PrincipalVerdicts> evaluate(AuthorizationDetails details, List<Use> usage, ActionCatalog catalog) {
    Map<String, Map<String, Use>> byKey = new HashMap<>();
    for (Use u : usage) {
      byKey.computeIfAbsent(key(u.principalArn()), k -> new LinkedHashMap<>())
          .merge(u.action().toLowerCase(Locale.ROOT), u, Verdicts::merge);
    }
    List<PrincipalVerdicts> out = new ArrayList<>();
    for (Principal p : details.principals()) {
      Evaluation ev = Evaluation.of(p, catalog);
      Map<String, Use> used = byKey.getOrDefault(key(p.arn()), Map.of());
      String notes = NOT_EVALUATED
          + (p.permissionsBoundaryAttached() ? "; a permissions boundary is attached (" + p.permissionsBoundaryArn() + ")" : "")
          + (p.unresolved().isEmpty() ? "" : "; unresolved policies: " + String.join(", ", p.unresolved()));
      List<Verdict> vs = new ArrayList<>();
      Set<String> granted = ev.grantedActions();
      for (String a : granted) {
        Use u = used.get(a.toLowerCase(Locale.ROOT));
        Access acc = ev.access(a);
        String state = u != null ? USED : unobservable(catalog, a) ? UNOBSERVABLE : UNUSED;
        vs.add(new Verdict(p, a, state, acc, u, notes));
      }
      for (Map.Entry<String, Use> e : used.entrySet()) {
        Access acc = ev.access(e.getValue().action());
        if (acc == Access.GRANTED || acc == Access.GRANTED_CONDITIONAL) {
          if (catalog.contains(e.getValue().action())) continue; // reported above
          vs.add(new Verdict(p, e.getValue().action(), USED, acc, e.getValue(), notes));
        } else {
          vs.add(new Verdict(p, e.getValue().action(), USED_NOT_GRANTED, acc, e.getValue(), notes));
        }
      }
      out.add(new PrincipalVerdicts(p, ev, vs, !used.isEmpty()));
    }
    return out;
  }

  private static Use merge(Use a, Use b) {
    List<String> res = new ArrayList<>(a.resources());
    for (String r : b.resources()) if (!res.contains(r)) res.add(r);
    List<String> reg = new ArrayList<>(a.regions());
    for (String r : b.regions()) if (!reg.contains(r)) reg.add(r);
    return new Use(a.principalArn(), a.action(), a.count() + b.count(), min(a.firstSeen(), b.firstSeen()),
        max(a.lastSeen(), b.lastSeen()), reg, res);
  }

  private static Timestamp min(Timestamp a, Timestamp b) {
    return a == null ? b : b == null ? a : a.before(b) ? a : b;
  }

  private static Timestamp max(Timestamp a, Timestamp b) {
    return a == null ? b : b == null ? a : a.after(b) ? a : b;
  }

  /** The {@code permissions_usage} table ({@link #VERDICTS}). */
  public static Dataset<Row> toDataset(SparkSession spark, List<PrincipalVerdicts> all) {
    return toDataset(spark, all, Map.of());
  }

  /** With {@code environments}: role ARN → the Beanstalk environments that use it. */
  public static Dataset<Row> toDataset(SparkSession spark, List<PrincipalVerdicts> all,
      Map<String, List<String>> environments) {
    List<Row> rows = new ArrayList<>();
    for (PrincipalVerdicts pv : all) {
      List<String> envs = environments.getOrDefault(pv.principal().arn(), List.of());
      for (Verdict v : pv.verdicts()) {
        Row r = v.toRow();
        Object[] vals = new Object[r.size() + 1];
        for (int i = 0; i < r.size(); i++) vals[i] = r.get(i);
        vals[11] = pv.active();
        vals[r.size()] = envs;
        rows.add(RowFactory.create(vals));
      }
    }
    return io.ebaudit.io.Tables.fromRows(spark, rows, VERDICTS);
  }
}
