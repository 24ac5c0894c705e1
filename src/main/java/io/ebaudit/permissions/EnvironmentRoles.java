package io.ebaudit.permissions;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import io.ebaudit.iam.AuthorizationDetails;
import io.ebaudit.iam.AuthorizationDetails.InstanceProfile;
import io.ebaudit.iam.AuthorizationDetails.Kind;
import io.ebaudit.iam.AuthorizationDetails.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * "The role of environment X": per Beanstalk environment its instance profile and the role behind it,
 * and its service role, from {@code environment_state} ({@code aws:autoscaling:launchconfiguration /
 * IamInstanceProfile}, a profile name or ARN; {@code aws:elasticbeanstalk:environment / ServiceRole},
 * a role name or ARN) resolved through the authorization details (a profile to its role through the
 * roles' {@code InstanceProfileList}). Computed on the driver: environments are few.
 *
 * <p>An unresolved instance profile leaves {@code instance_profile_role_arn} null; an unresolved
 * service role given by name still gets the ARN it names in the environment's account.
 */
public final class EnvironmentRoles {
  private EnvironmentRoles() {}

  static final String LAUNCH = "aws:autoscaling:launchconfiguration";
  static final String ENVIRONMENT = "aws:elasticbeanstalk:environment";

  public static final StructType ENVIRONMENT_ROLES =
      createStructType(
          List.of(
              createStructField("account_id", StringType, true),
              createStructField("aws_region", StringType, true),
              createStructField("application", StringType, true),
              createStructField("environment_name", StringType, false),
              createStructField("instance_profile", StringType, true),
              createStructField("instance_profile_role_arn", StringType, true),
              createStructField("instance_profile_resolved", BooleanType, false),
              createStructField("service_role", StringType, true),
              createStructField("service_role_arn", StringType, true),
              createStructField("service_role_resolved", BooleanType, false)));

  /** One environment's roles. */
  public record EnvironmentRole(String accountId, String region, String application, String environment,
      String instanceProfile, String instanceProfileRoleArn, boolean instanceProfileResolved,
      String serviceRole, String serviceRoleArn, boolean serviceRoleResolved) {
    Row toRow() {
      return RowFactory.create(accountId, region, application, environment, instanceProfile, instanceProfileRoleArn,
          instanceProfileResolved, serviceRole, serviceRoleArn, serviceRoleResolved);
    }

    /** {@code application/environment (region)}. */
    public String label() {
      return (application == null ? "" : application + "/") + environment + " (" + region + ")";
    }
  }

  /** From the rows of {@code environment_state} ({@code BeanstalkSchemas.ENVIRONMENT_STATE}). */
  public static List<EnvironmentRole> resolve(Dataset<Row> environmentState, AuthorizationDetails details) {
    List<Row> rows = environmentState
        .filter(col("namespace").equalTo(LAUNCH).and(col("option_name").equalTo("IamInstanceProfile"))
            .or(col("namespace").equalTo(ENVIRONMENT).and(col("option_name").equalTo("ServiceRole"))))
        .select("account_id", "aws_region", "application", "environment_name", "option_name", "value",
            "last_changed_time")
        // An option can have rows per resource (the create's AWSEBAutoScalingLaunchConfiguration, an
        // update's none): the last changed wins.
        .orderBy(col("last_changed_time").asc_nulls_first())
        .collectAsList();
    Map<List<String>, String[]> byEnv = new TreeMap<>((a, b) -> String.join("\u0000", nn(a)).compareTo(String.join("\u0000", nn(b))));
    for (Row r : rows) {
      List<String> key = java.util.Arrays.asList(r.getString(0), r.getString(1), r.getString(2), r.getString(3));
      String[] v = byEnv.computeIfAbsent(key, k -> new String[2]);
      if ("IamInstanceProfile".equals(r.getString(4))) v[0] = blank(r.getString(5));
      else v[1] = blank(r.getString(5));
    }
    List<EnvironmentRole> out = new ArrayList<>();
    for (Map.Entry<List<String>, String[]> e : byEnv.entrySet()) {
      List<String> k = e.getKey();
      String acct = k.get(0);
      String profile = e.getValue()[0];
      String service = e.getValue()[1];
      Principal profileRole = profile == null || details == null ? null : roleOfProfile(details, acct, profile);
      Principal serviceRole = service == null || details == null ? null : role(details, acct, service);
      String serviceArn = serviceRole != null ? serviceRole.arn()
          : service == null ? null : service.startsWith("arn:") ? service
          : acct == null ? null : "arn:aws:iam::" + acct + ":role/" + service;
      out.add(new EnvironmentRole(acct, k.get(1), k.get(2), k.get(3), profile,
          profileRole == null ? null : profileRole.arn(), profileRole != null, service, serviceArn, serviceRole != null));
    }
    return out;
  }

  /** The role whose instance profile list holds {@code profile} (a name or an ARN) in the account. */
  static Principal roleOfProfile(AuthorizationDetails details, String account, String profile) {
    boolean arn = profile.startsWith("arn:");
    String name = profile.substring(profile.lastIndexOf('/') + 1);
    for (Principal p : details.principals()) {
      if (p.kind() != Kind.ROLE || (account != null && !account.equals(p.accountId()))) continue;
      for (InstanceProfile ip : p.instanceProfiles()) {
        if (arn ? profile.equals(ip.arn()) : name.equals(ip.name())) return p;
      }
    }
    return null;
  }

  /** A role by ARN (paths compared as {@link Verdicts#key} does) or by name in the account. */
  static Principal role(AuthorizationDetails details, String account, String role) {
    if (role.startsWith("arn:")) {
      String key = Verdicts.key(role);
      for (Principal p : details.principals()) {
        if (p.kind() == Kind.ROLE && Objects.equals(Verdicts.key(p.arn()), key)) return p;
      }
      return null;
    }
    String name = role.substring(role.lastIndexOf('/') + 1);
    for (Principal p : details.principals()) {
      if (p.kind() == Kind.ROLE && p.name().equals(name) && (account == null || account.equals(p.accountId()))) return p;
    }
    return null;
  }

  /** Role ARN → the environments ({@link EnvironmentRole#label()}) that use it, as profile role or service role. */
  public static Map<String, List<String>> environmentsByRole(List<EnvironmentRole> roles) {
    Map<String, TreeSet<String>> m = new LinkedHashMap<>();
    for (EnvironmentRole r : roles) {
      if (r.instanceProfileRoleArn() != null) m.computeIfAbsent(r.instanceProfileRoleArn(), k -> new TreeSet<>()).add(r.label());
      if (r.serviceRoleResolved()) m.computeIfAbsent(r.serviceRoleArn(), k -> new TreeSet<>()).add(r.label());
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return out;
  }

  public static Dataset<Row> toDataset(SparkSession spark, List<EnvironmentRole> roles) {
    List<Row> rows = new ArrayList<>();
    for (EnvironmentRole r : roles) rows.add(r.toRow());
    return spark.createDataFrame(rows, ENVIRONMENT_ROLES);
  }

  private static List<String> nn(List<String> l) {
    List<String> out = new ArrayList<>();
    for (String s : l) out.add(s == null ? "" : s);
    return out;
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
