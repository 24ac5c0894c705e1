package io.ebaudit.beanstalk;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The Elastic Beanstalk configuration options AWS documents, with their defaults: what an option is
 * when no one has set it.
 *
 * <p>Built from {@code reference/beanstalk/eb_option_settings_reference.csv} (the AWS Elastic Beanstalk
 * Developer Guide's option tables) and {@code reference/beanstalk/default_overrides.csv} (ours). The
 * doc's default cell is text; {@link Option#defaultValue()} is the value an API call would see:
 * {@code None}, {@code n/a}, {@code varies} and an empty cell mean no default (null), one pair of
 * surrounding quotes is removed ({@code 'false'} is {@code false}), and a cell with white space in it is
 * prose ("Varies by platform.", "With network load balancer: 30") and gives null unless the overrides
 * file names the value. Where one option appears in several platform tables the defaults must agree, or
 * the option has no single default (null) unless overridden.
 *
 * <p>Option names and namespaces match case-insensitively. Namespaces the doc writes with a placeholder
 * ({@code aws:elbv2:listener:listener_port}, {@code aws:elasticbeanstalk:environment:process:process_name},
 * {@code aws:elb:policies:policy_name}, {@code aws:elbv2:listenerrule:rule_name}) also match the real
 * ones ({@code aws:elbv2:listener:443}, {@code …:process:admin}); an exact namespace wins
 * ({@code aws:elbv2:listener:default}).
 */
public final class OptionCatalog {
  static final String OPTIONS_RESOURCE = "/reference/beanstalk/eb_option_settings_reference.csv";
  static final String OVERRIDES_RESOURCE = "/reference/beanstalk/default_overrides.csv";

  /** The options the GUIDE names as security-relevant, in that order. */
  public static final List<List<String>> SECURITY_OPTIONS =
      List.of(
          List.of("aws:autoscaling:launchconfiguration", "DisableIMDSv1"),
          List.of("aws:autoscaling:launchconfiguration", "IamInstanceProfile"),
          List.of("aws:autoscaling:launchconfiguration", "SecurityGroups"),
          List.of("aws:autoscaling:launchconfiguration", "EC2KeyName"),
          List.of("aws:autoscaling:launchconfiguration", "SSHSourceRestriction"),
          List.of("aws:autoscaling:launchconfiguration", "RootVolumeType"),
          List.of("aws:elasticbeanstalk:environment", "ServiceRole"),
          List.of("aws:elasticbeanstalk:environment", "EnvironmentType"),
          List.of("aws:elasticbeanstalk:environment", "LoadBalancerType"),
          List.of("aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled"),
          List.of("aws:elasticbeanstalk:managedactions", "PreferredStartTime"),
          List.of("aws:elasticbeanstalk:managedactions", "ServiceRoleForManagedUpdates"),
          List.of("aws:elasticbeanstalk:managedactions:platformupdate", "UpdateLevel"),
          List.of("aws:elasticbeanstalk:managedactions:platformupdate", "InstanceRefreshEnabled"),
          List.of("aws:elasticbeanstalk:healthreporting:system", "SystemType"),
          List.of("aws:elasticbeanstalk:healthreporting:system", "ConfigDocument"),
          List.of("aws:elasticbeanstalk:healthreporting:system", "EnhancedHealthAuthEnabled"),
          List.of("aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs"),
          List.of("aws:elasticbeanstalk:cloudwatch:logs", "RetentionInDays"),
          List.of("aws:elasticbeanstalk:cloudwatch:logs", "DeleteOnTerminate"),
          List.of("aws:elasticbeanstalk:cloudwatch:logs:health", "HealthStreamingEnabled"),
          List.of("aws:ec2:vpc", "AssociatePublicIpAddress"),
          List.of("aws:elbv2:listener:default", "SSLPolicy"),
          List.of("aws:elbv2:listener:listener_port", "SSLPolicy"));

  /** Rows of {@link #defaults(SparkSession)}: one per option with a default value. */
  public static final StructType DEFAULTS =
      createStructType(
          List.of(
              createStructField("namespace", StringType, false),
              createStructField("option_name", StringType, false),
              createStructField("default_value", StringType, false),
              createStructField("documented_default", StringType, true),
              createStructField("deprecated", BooleanType, false),
              createStructField("security_relevant", BooleanType, false)));

  /** Last namespace segments the doc uses as placeholders for a name the user picks. */
  private static final Set<String> PLACEHOLDERS =
      Set.of("listener_port", "process_name", "policy_name", "rule_name");

  /**
   * One documented option.
   *
   * @param namespace the namespace as the doc writes it (a placeholder namespace keeps its placeholder)
   * @param optionName the option name as the doc writes it
   * @param scope {@code general} or {@code platform-specific}
   * @param sections the doc sections (namespaces or platform tables) that list the option
   * @param deprecated the doc marks it deprecated
   * @param documentedDefault the doc's default cell, verbatim (the first table's when several list it)
   * @param defaultValue the default an API call would see, or null when none is documented
   * @param defaultWhy why {@code defaultValue} differs from the doc's cell, when an override applies
   * @param validValues the doc's valid-values cell
   * @param description the doc's description
   * @param securityRelevant one of {@link #SECURITY_OPTIONS}
   */
  public record Option(
      String namespace,
      String optionName,
      String scope,
      List<String> sections,
      boolean deprecated,
      String documentedDefault,
      String defaultValue,
      String defaultWhy,
      String validValues,
      String description,
      boolean securityRelevant) {}

  private static volatile OptionCatalog standard;

  private final Map<String, Option> byKey;
  private final Map<String, String> placeholderByPrefix;

  private OptionCatalog(Map<String, Option> byKey) {
    this.byKey = byKey;
    Map<String, String> prefixes = new LinkedHashMap<>();
    for (Option o : byKey.values()) {
      String ns = o.namespace().toLowerCase(Locale.ROOT);
      int cut = ns.lastIndexOf(':');
      if (cut > 0 && PLACEHOLDERS.contains(ns.substring(cut + 1))) {
        prefixes.put(ns.substring(0, cut), ns.substring(cut + 1));
      }
    }
    this.placeholderByPrefix = prefixes;
  }

  /** The catalog built from the shipped reference files (loaded once). */
  public static OptionCatalog standard() {
    OptionCatalog c = standard;
    if (c == null) {
      synchronized (OptionCatalog.class) {
        c = standard;
        if (c == null) {
          c = load(readResource(OPTIONS_RESOURCE), readResource(OVERRIDES_RESOURCE));
          standard = c;
        }
      }
    }
    return c;
  }

  /** Every option, in the doc's order (one entry per namespace and name). */
  public List<Option> options() {
    return List.copyOf(byKey.values());
  }

  /** The documented option, or empty. */
  public Optional<Option> find(String namespace, String optionName) {
    if (namespace == null || optionName == null) return Optional.empty();
    String ns = namespace.trim().toLowerCase(Locale.ROOT);
    String name = optionName.trim().toLowerCase(Locale.ROOT);
    Option exact = byKey.get(key(ns, name));
    if (exact != null) return Optional.of(exact);
    int cut = ns.lastIndexOf(':');
    if (cut <= 0) return Optional.empty();
    String placeholder = placeholderByPrefix.get(ns.substring(0, cut));
    if (placeholder == null) return Optional.empty();
    String last = ns.substring(cut + 1);
    if (last.isEmpty() || (placeholder.equals("listener_port") && !last.chars().allMatch(Character::isDigit))) {
      return Optional.empty();
    }
    return Optional.ofNullable(byKey.get(key(ns.substring(0, cut) + ":" + placeholder, name)));
  }

  /** The default an API call would see when the option is not set, or null when none is documented. */
  public String defaultValue(String namespace, String optionName) {
    return find(namespace, optionName).map(Option::defaultValue).orElse(null);
  }

  /** The GUIDE's security-relevant options, in {@link #SECURITY_OPTIONS} order (defaults may be null). */
  public List<Option> securityOptions() {
    List<Option> out = new ArrayList<>();
    for (List<String> k : SECURITY_OPTIONS) {
      out.add(find(k.get(0), k.get(1)).orElseThrow(
          () -> new IllegalStateException("security option not in the catalog: " + k)));
    }
    return out;
  }

  /** The options with a default value, as rows of {@link #DEFAULTS}, for joins with the state tables. */
  public Dataset<Row> defaults(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (Option o : byKey.values()) {
      if (o.defaultValue() == null) continue;
      rows.add(RowFactory.create(o.namespace(), o.optionName(), o.defaultValue(), o.documentedDefault(),
          o.deprecated(), o.securityRelevant()));
    }
    return spark.createDataFrame(rows, DEFAULTS);
  }

  // ---------------------------------------------------------------------------------------------

  static OptionCatalog load(String optionsCsv, String overridesCsv) {
    Map<String, List<Map<String, String>>> grouped = new LinkedHashMap<>();
    for (Map<String, String> r : records(optionsCsv, OPTIONS_RESOURCE,
        List.of("scope", "section", "namespace", "option_name", "deprecated", "default", "valid_values",
            "description"))) {
      String ns = namespaceOf(r);
      r.put("namespace", ns);
      grouped.computeIfAbsent(key(ns, r.get("option_name")), k -> new ArrayList<>()).add(r);
    }
    Map<String, Map<String, String>> overrides = new LinkedHashMap<>();
    for (Map<String, String> r : records(overridesCsv, OVERRIDES_RESOURCE,
        List.of("namespace", "option_name", "default", "why"))) {
      String k = key(r.get("namespace"), r.get("option_name"));
      if (!grouped.containsKey(k)) {
        throw new IllegalStateException(OVERRIDES_RESOURCE + ": no such option in "
            + OPTIONS_RESOURCE + ": " + r.get("namespace") + " / " + r.get("option_name"));
      }
      if (r.get("why").isBlank()) {
        throw new IllegalStateException(OVERRIDES_RESOURCE + ": empty why for " + k);
      }
      overrides.put(k, r);
    }
    Set<String> security = new LinkedHashSet<>();
    for (List<String> s : SECURITY_OPTIONS) security.add(key(s.get(0), s.get(1)));

    Map<String, Option> byKey = new LinkedHashMap<>();
    for (Map.Entry<String, List<Map<String, String>>> e : grouped.entrySet()) {
      List<Map<String, String>> rows = e.getValue();
      Map<String, String> first = rows.get(0);
      for (Map<String, String> r : rows) {
        if (r.get("scope").equals("general")) {
          first = r;
          break;
        }
      }
      List<String> sections = new ArrayList<>();
      Set<String> values = new LinkedHashSet<>();
      boolean anyNone = false;
      boolean deprecated = true;
      for (Map<String, String> r : rows) {
        sections.add(r.get("section"));
        String v = normalizeDefault(r.get("default"));
        if (v == null) anyNone = true;
        else values.add(v);
        deprecated &= Boolean.parseBoolean(r.get("deprecated").trim());
      }
      String value = (!anyNone && values.size() == 1) ? values.iterator().next() : null;
      String why = null;
      Map<String, String> o = overrides.get(e.getKey());
      if (o != null) {
        value = o.get("default").isEmpty() ? null : o.get("default");
        why = o.get("why");
      }
      byKey.put(e.getKey(), new Option(first.get("namespace"), first.get("option_name"), first.get("scope"),
          List.copyOf(sections), deprecated, first.get("default"), value, why, first.get("valid_values"),
          first.get("description"), security.contains(e.getKey())));
    }
    return new OptionCatalog(Collections.unmodifiableMap(byKey));
  }

  /**
   * The doc's namespace column, except where the row's section is a "Namespace: X" heading: the
   * derived CSV put some Amazon Linux AMI tables (Node.js, static files) under
   * {@code aws:elasticbeanstalk:environment:proxy}, while their heading names the real namespace.
   */
  static String namespaceOf(Map<String, String> r) {
    String section = r.get("section").trim();
    if (section.startsWith("Namespace:")) {
      String ns = section.substring("Namespace:".length()).trim();
      if (ns.startsWith("aws:") && !ns.contains(" ")) return ns;
    }
    return r.get("namespace").trim();
  }

  /** The doc's default cell as a value: see the class comment. */
  static String normalizeDefault(String cell) {
    if (cell == null) return null;
    String v = cell.trim();
    if (v.isEmpty()) return null;
    if (v.length() >= 2
        && ((v.startsWith("'") && v.endsWith("'")) || (v.startsWith("\"") && v.endsWith("\"")))) {
      return v.substring(1, v.length() - 1);
    }
    String lower = v.toLowerCase(Locale.ROOT);
    if (lower.equals("none") || lower.equals("n/a") || lower.equals("varies")) return null;
    for (int i = 0; i < v.length(); i++) {
      if (Character.isWhitespace(v.charAt(i))) return null; // prose
    }
    return v;
  }

  private static List<Map<String, String>> records(String csv, String what, List<String> expected) {
    List<List<String>> rows;
    try {
      rows = Csv.parse(csv);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(what + ": " + e.getMessage(), e);
    }
    List<Map<String, String>> out = new ArrayList<>();
    List<String> header = null;
    for (List<String> row : rows) {
      if (row.size() == 1 && row.get(0).isBlank()) continue;
      if (header == null) {
        header = row;
        if (!header.equals(expected)) {
          throw new IllegalStateException(what + ": expected columns " + expected + ", got " + header);
        }
        continue;
      }
      if (row.size() != header.size()) {
        throw new IllegalStateException(what + ": expected " + header.size() + " fields, got "
            + row.size() + " in " + row);
      }
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) m.put(header.get(i), row.get(i));
      out.add(m);
    }
    return out;
  }

  private static String key(String namespace, String optionName) {
    return namespace.trim().toLowerCase(Locale.ROOT) + "/" + optionName.trim().toLowerCase(Locale.ROOT);
  }

  private static String readResource(String resource) {
    try (InputStream in = OptionCatalog.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("missing classpath resource " + resource);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(resource, e);
    }
  }
}
