package io.ebaudit.iam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Principals (users and roles) and their policy documents, read from one or more outputs of {@code
 * aws iam get-account-authorization-details}.
 *
 * <p>Per principal the effective documents are: its inline policies, its attached managed
 * policies, and for users the inline and attached managed policies of each group it belongs to
 * (groups are looked up by name in the same export). A managed policy is resolved from the {@code
 * Policies} of any of the combined exports (its default version), else, for an AWS managed policy,
 * from the policies shipped in {@code reference/iam/managed/} ({@link ManagedPolicyLibrary}); what
 * is still missing is listed in {@link Principal#unresolved()} and {@link #unresolvedPolicies()}.
 *
 * <p>Not evaluated: permissions boundaries (only whether one is attached is reported), service
 * control policies, resource policies and session policies. Trust policies ({@code
 * AssumeRolePolicyDocument}) are not part of a principal's permissions and are skipped.
 *
 * <p>Immutable.
 */
public record AuthorizationDetails(
    List<Principal> principals,
    Map<String, ManagedPolicy> policies,
    List<String> unresolvedPolicies,
    List<String> warnings)
    implements Serializable {

  private static final ObjectMapper JSON = new ObjectMapper();

  public enum Kind { USER, ROLE }

  /** Where a document comes from. */
  public enum Origin { INLINE, MANAGED, GROUP_INLINE, GROUP_MANAGED }

  /**
   * One policy document of a principal. {@code policyArn} is null for inline policies; {@code
   * group} is the group's name for {@code GROUP_*} origins, else null.
   */
  public record AttachedPolicy(
      Origin origin, String policyName, String policyArn, String group, PolicyDocument document)
      implements Serializable {
    /** E.g. {@code inline Foo}, {@code managed arn:…}, {@code via group Admins: managed arn:…}. */
    public String describe() {
      String what = policyArn == null ? "inline " + policyName : "managed " + policyArn;
      return group == null ? what : "via group " + group + ": " + what;
    }
  }

  public record InstanceProfile(String name, String arn) implements Serializable {}

  /**
   * A user or role. {@code permissionsBoundaryArn} is null when none is attached; a boundary is
   * never evaluated ({@link #permissionsBoundaryEvaluated()} is always false), so the documents may
   * grant more than is effective. {@code unresolved} lists managed policy ARNs whose document was
   * found nowhere, and {@code group/<name>} for groups missing from the export.
   */
  public record Principal(
      Kind kind,
      String arn,
      String name,
      String accountId,
      List<AttachedPolicy> policies,
      List<String> groups,
      List<InstanceProfile> instanceProfiles,
      String permissionsBoundaryArn,
      List<String> unresolved)
      implements Serializable {
    public Principal {
      policies = List.copyOf(policies);
      groups = List.copyOf(groups);
      instanceProfiles = List.copyOf(instanceProfiles);
      unresolved = List.copyOf(unresolved);
    }

    public boolean permissionsBoundaryAttached() {
      return permissionsBoundaryArn != null;
    }

    /** Always false: boundaries are reported, not applied. */
    public boolean permissionsBoundaryEvaluated() {
      return false;
    }

    public List<PolicyDocument> documents() {
      List<PolicyDocument> out = new ArrayList<>(policies.size());
      for (AttachedPolicy p : policies) out.add(p.document());
      return out;
    }
  }

  /** A managed policy's default version; {@code source} is {@code export} or {@code shipped}. */
  public record ManagedPolicy(String arn, String name, String versionId, PolicyDocument document, String source)
      implements Serializable {}

  public AuthorizationDetails {
    principals = List.copyOf(principals);
    policies = Map.copyOf(policies);
    unresolvedPolicies = List.copyOf(unresolvedPolicies);
    warnings = List.copyOf(warnings);
  }

  /** One export, resolving absent AWS managed policies from the shipped ones. */
  public static AuthorizationDetails parse(String json) {
    return builder().add(json).build();
  }

  /** Several exports (e.g. one per account), combined. */
  public static AuthorizationDetails parseAll(List<String> jsons) {
    Builder b = builder();
    for (String j : jsons) b.add(j);
    return b.build();
  }

  public static Builder builder() {
    return new Builder(ManagedPolicyLibrary.standard());
  }

  public static Builder builder(ManagedPolicyLibrary library) {
    return new Builder(library);
  }

  public Principal principal(String arn) {
    for (Principal p : principals) if (p.arn().equals(arn)) return p;
    return null;
  }

  public Principal principalNamed(Kind kind, String name) {
    for (Principal p : principals) if (p.kind() == kind && p.name().equals(name)) return p;
    return null;
  }

  /** Collects exports; managed policies are resolved across all of them in {@link #build()}. */
  public static final class Builder {
    private final ManagedPolicyLibrary library;
    private final Map<String, ManagedPolicy> policies = new LinkedHashMap<>();
    private final Map<String, Pending> principals = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private int exports;

    private Builder(ManagedPolicyLibrary library) {
      this.library = library;
    }

    /** A reference not yet resolved: a managed policy ARN, and the group it came through. */
    private record Ref(String arn, String name, String group) {}

    private static final class Pending {
      Kind kind;
      String arn, name, account, boundary;
      List<AttachedPolicy> inline = new ArrayList<>();
      List<Ref> managed = new ArrayList<>();
      List<String> groups = new ArrayList<>();
      List<InstanceProfile> profiles = new ArrayList<>();
      List<String> unresolved = new ArrayList<>();
    }

    private record Group(String name, List<AttachedPolicy> inline, List<Ref> managed) {}

    public Builder add(String json) {
      JsonNode root;
      try {
        root = JSON.readTree(json);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("not an authorization-details export: " + e.getOriginalMessage(), e);
      }
      if (root == null || !root.isObject()) throw new IllegalArgumentException("export is not a JSON object");
      exports++;
      String tag = "export " + exports;
      if (root.path("IsTruncated").asBoolean(false)) {
        warnings.add(tag + " is truncated (IsTruncated=true): later pages are missing");
      }
      for (JsonNode p : list(root.get("Policies"))) {
        String arn = p.path("Arn").asText();
        String def = p.path("DefaultVersionId").asText(null);
        JsonNode doc = null;
        String ver = null;
        for (JsonNode v : list(p.get("PolicyVersionList"))) {
          boolean isDefault = v.path("IsDefaultVersion").asBoolean(false)
              || (def != null && def.equals(v.path("VersionId").asText()));
          if (isDefault || doc == null) {
            doc = v.get("Document");
            ver = v.path("VersionId").asText(null);
            if (isDefault) break;
          }
        }
        if (doc == null) {
          warnings.add(tag + ": policy " + arn + " has no version document");
          continue;
        }
        policies.putIfAbsent(arn, new ManagedPolicy(arn, p.path("PolicyName").asText(), ver, PolicyDocument.parse(doc), "export"));
      }
      Map<String, Group> groups = new HashMap<>();
      for (JsonNode g : list(root.get("GroupDetailList"))) {
        String name = g.path("GroupName").asText();
        groups.put(name, new Group(name, inline(g.get("GroupPolicyList"), Origin.GROUP_INLINE, name), managed(g, name)));
      }
      for (JsonNode u : list(root.get("UserDetailList"))) {
        Pending p = start(Kind.USER, u, "UserName", tag);
        if (p == null) continue;
        p.inline.addAll(inline(u.get("UserPolicyList"), Origin.INLINE, null));
        p.managed.addAll(managed(u, null));
        for (JsonNode gn : list(u.get("GroupList"))) {
          String name = gn.asText();
          p.groups.add(name);
          Group g = groups.get(name);
          if (g == null) {
            p.unresolved.add("group/" + name);
            warnings.add(tag + ": user " + p.name + " is in group " + name + ", which the export lacks");
          } else {
            p.inline.addAll(g.inline());
            p.managed.addAll(g.managed());
          }
        }
      }
      for (JsonNode r : list(root.get("RoleDetailList"))) {
        Pending p = start(Kind.ROLE, r, "RoleName", tag);
        if (p == null) continue;
        p.inline.addAll(inline(r.get("RolePolicyList"), Origin.INLINE, null));
        p.managed.addAll(managed(r, null));
        for (JsonNode ip : list(r.get("InstanceProfileList"))) {
          p.profiles.add(new InstanceProfile(ip.path("InstanceProfileName").asText(), ip.path("Arn").asText()));
        }
      }
      return this;
    }

    private Pending start(Kind kind, JsonNode n, String nameField, String tag) {
      String arn = n.path("Arn").asText();
      if (principals.containsKey(arn)) {
        warnings.add(tag + ": " + arn + " already read from an earlier export; kept the first");
        return null;
      }
      Pending p = new Pending();
      p.kind = kind;
      p.arn = arn;
      p.name = n.path(nameField).asText();
      String[] parts = arn.split(":", 6);
      p.account = parts.length > 4 ? parts[4] : null;
      JsonNode b = n.get("PermissionsBoundary");
      if (b != null && !b.isNull()) p.boundary = b.path("PermissionsBoundaryArn").asText("unknown");
      principals.put(arn, p);
      return p;
    }

    private static List<AttachedPolicy> inline(JsonNode list, Origin origin, String group) {
      List<AttachedPolicy> out = new ArrayList<>();
      for (JsonNode p : list(list)) {
        out.add(new AttachedPolicy(origin, p.path("PolicyName").asText(), null, group, PolicyDocument.parse(p.get("PolicyDocument"))));
      }
      return out;
    }

    private static List<Ref> managed(JsonNode holder, String group) {
      List<Ref> out = new ArrayList<>();
      for (JsonNode m : list(holder.get("AttachedManagedPolicies"))) {
        out.add(new Ref(m.path("PolicyArn").asText(), m.path("PolicyName").asText(), group));
      }
      return out;
    }

    /** An array's elements; a lone object (the aws-cli docs sample has one) as one element. */
    private static List<JsonNode> list(JsonNode n) {
      List<JsonNode> out = new ArrayList<>();
      if (n == null || n.isNull()) return out;
      if (n.isArray()) n.forEach(out::add);
      else out.add(n);
      return out;
    }

    public AuthorizationDetails build() {
      Map<String, ManagedPolicy> all = new LinkedHashMap<>(policies);
      Set<String> unresolvedAll = new LinkedHashSet<>();
      List<Principal> out = new ArrayList<>();
      for (Pending p : principals.values()) {
        List<AttachedPolicy> docs = new ArrayList<>(p.inline);
        List<String> unresolved = new ArrayList<>(p.unresolved);
        for (Ref r : p.managed) {
          ManagedPolicy mp = all.get(r.arn());
          if (mp == null) {
            ManagedPolicyLibrary.Entry e = library.forArn(r.arn());
            if (e != null) {
              mp = new ManagedPolicy(r.arn(), e.name(), e.version(), e.document(), "shipped");
              all.put(r.arn(), mp);
            }
          }
          if (mp == null) {
            unresolved.add(r.arn());
            unresolvedAll.add(r.arn());
            continue;
          }
          Origin o = r.group() == null ? Origin.MANAGED : Origin.GROUP_MANAGED;
          docs.add(new AttachedPolicy(o, r.name().isEmpty() ? mp.name() : r.name(), r.arn(), r.group(), mp.document()));
        }
        out.add(new Principal(p.kind, p.arn, p.name, p.account, docs, p.groups, p.profiles, p.boundary, unresolved));
      }
      return new AuthorizationDetails(out, all, new ArrayList<>(unresolvedAll), warnings);
    }
  }
}
