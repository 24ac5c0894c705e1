package io.ebaudit.permissions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ebaudit.report.FindingIds;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.rules.RuleEngine;
import io.ebaudit.permissions.Verdicts.PrincipalVerdicts;
import io.ebaudit.permissions.Verdicts.Verdict;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The permissions findings ({@link FindingSchema#FINDINGS} rows), one per principal (and per action
 * for {@code iam_used_not_granted}); ids are stable ({@link FindingIds}) over the rule, the principal
 * ARN and, where there is one, the action.
 */
public final class PermissionFindings {
  private PermissionFindings() {}

  public static final String ADMIN_LIKE = "iam_admin_like_grant";
  public static final String PASSROLE_WILDCARD = "iam_passrole_wildcard";
  public static final String UNUSED_PERMISSIONS = "iam_unused_permissions";
  public static final String UNUSED_PRINCIPAL = "iam_unused_principal";
  public static final String USED_NOT_GRANTED = "iam_used_not_granted";

  public static final List<String> RULE_IDS =
      List.of(ADMIN_LIKE, PASSROLE_WILDCARD, UNUSED_PERMISSIONS, UNUSED_PRINCIPAL, USED_NOT_GRANTED);

  private static final ObjectMapper JSON = new ObjectMapper();

  public static List<Row> rows(List<PrincipalVerdicts> all) {
    List<Row> out = new ArrayList<>();
    for (PrincipalVerdicts pv : all) {
      var p = pv.principal();
      if (pv.evaluation().isAdminLike()) {
        out.add(row(ADMIN_LIKE, pv, null, null, null,
            p.name() + " is allowed every action on every resource (" + Verdicts.NOT_EVALUATED + ")",
            evidence(pv).put("grants", "*")));
      }
      if (pv.evaluation().passRoleWildcard()) {
        ArrayNode origins = JSON.createArrayNode();
        pv.evaluation().detail("iam:PassRole").allows().forEach(g -> origins.add(g.origin()));
        ObjectNode ev = evidence(pv);
        ev.set("passrole_allows", origins);
        out.add(row(PASSROLE_WILDCARD, pv, null, null, null,
            p.name() + " may pass any role (iam:PassRole on a wildcard resource)", ev));
      }
      long unused = pv.count(Verdicts.UNUSED);
      long observable = unused + pv.count(Verdicts.USED);
      if (pv.active() && unused > 0) {
        double share = observable == 0 ? 0 : (double) unused / observable;
        ObjectNode ev = evidence(pv).put("unused", unused).put("observable_granted", observable)
            .put("unobservable", pv.count(Verdicts.UNOBSERVABLE)).put("used", pv.count(Verdicts.USED));
        ArrayNode sample = ev.putArray("unused_sample");
        pv.verdicts().stream().filter(v -> v.state().equals(Verdicts.UNUSED)).limit(20).forEach(v -> sample.add(v.action()));
        out.add(row(UNUSED_PERMISSIONS, pv, null, firstSeen(pv), lastSeen(pv),
            String.format(Locale.ROOT, "%s did not use %d of %d granted observable actions (%.0f%% unused); %d unobservable kept",
                p.name(), unused, observable, share * 100, pv.count(Verdicts.UNOBSERVABLE)), ev));
      }
      if (!pv.active()) {
        out.add(row(UNUSED_PRINCIPAL, pv, null, null, null,
            p.name() + " (" + p.kind().name().toLowerCase(Locale.ROOT) + ") made no successful call in the window",
            evidence(pv)));
      }
      for (Verdict v : pv.verdicts()) {
        if (!v.state().equals(Verdicts.USED_NOT_GRANTED)) continue;
        ObjectNode ev = evidence(pv).put("iam_action", v.action()).put("granted_access", v.access().name())
            .put("count", v.use().count());
        out.add(row(USED_NOT_GRANTED, pv, v.action(), v.use().firstSeen(), v.use().lastSeen(),
            p.name() + " used " + v.action() + " " + v.use().count() + " time(s) but its identity policies do not grant it ("
                + v.access().name() + ")", ev));
      }
    }
    return out;
  }

  public static Dataset<Row> toDataset(SparkSession spark, List<PrincipalVerdicts> all) {
    return io.ebaudit.io.Tables.fromRows(spark, rows(all), FindingSchema.FINDINGS);
  }

  private static ObjectNode evidence(PrincipalVerdicts pv) {
    ObjectNode n = JSON.createObjectNode();
    n.put("principal_name", pv.principal().name());
    n.put("kind", pv.principal().kind().name().toLowerCase(Locale.ROOT));
    n.put("not_evaluated", Verdicts.NOT_EVALUATED);
    if (pv.principal().permissionsBoundaryAttached()) n.put("permissions_boundary", pv.principal().permissionsBoundaryArn());
    return n;
  }

  private static Timestamp firstSeen(PrincipalVerdicts pv) {
    Timestamp t = null;
    for (Verdict v : pv.verdicts()) {
      if (v.use() != null && v.use().firstSeen() != null && (t == null || v.use().firstSeen().before(t))) t = v.use().firstSeen();
    }
    return t;
  }

  private static Timestamp lastSeen(PrincipalVerdicts pv) {
    Timestamp t = null;
    for (Verdict v : pv.verdicts()) {
      if (v.use() != null && v.use().lastSeen() != null && (t == null || v.use().lastSeen().after(t))) t = v.use().lastSeen();
    }
    return t;
  }

  /**
   * The metadata's command for this principal: user forms of the role commands, the name filled in
   * only when it is a valid IAM name (names reach a shell when pasted), the policy file's sanitized name.
   */
  static String remediation(String template, io.ebaudit.iam.AuthorizationDetails.Principal p) {
    String r = template;
    if (p.kind() == io.ebaudit.iam.AuthorizationDetails.Kind.USER) {
      r = r.replace("get-role --role-name <principal-name> --query Role.RoleLastUsed",
              "get-user --user-name <principal-name> --query User.PasswordLastUsed")
          .replace("list-attached-role-policies --role-name", "list-attached-user-policies --user-name")
          .replace("get-role-policy --role-name", "get-user-policy --user-name")
          .replace("put-role-policy --role-name", "put-user-policy --user-name");
    }
    r = r.replace("policies/<principal-name>.json", "policies/" + RecommendedPolicy.policyFile(p) + ".json");
    if (p.name() != null && p.name().matches("[A-Za-z0-9+=,.@_-]{1,128}")) r = r.replace("<principal-name>", p.name());
    return r;
  }

  private static Row row(String ruleId, PrincipalVerdicts pv, String action, Timestamp first, Timestamp last,
      String detail, ObjectNode evidence) {
    RuleEngine.Metadata m = RuleEngine.metadata(ruleId);
    String arn = pv.principal().arn();
    String id = action == null ? FindingIds.findingId(ruleId, arn) : FindingIds.findingId(ruleId, arn, action);
    String remediation = remediation(m.remediation(), pv.principal());
    return RowFactory.create(id, ruleId, m.severity(), FindingSchema.OPEN, pv.principal().accountId(), null, null, null,
        arn, arn, List.of(), first, last, m.title(), detail, evidence.toString(), remediation,
        List.copyOf(m.compliance()), null, null);
  }
}
