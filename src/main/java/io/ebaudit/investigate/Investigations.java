package io.ebaudit.investigate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.ebaudit.io.OutputTables;
import io.ebaudit.io.Storage;
import io.ebaudit.permissions.RecommendedPolicy;
import io.ebaudit.permissions.Verdicts;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The analysts' entry point over an ebaudit output root (either layout, see {@link OutputTables}):
 * registers the tables as Spark SQL temporary views ({@link #registerViews}) and answers the common
 * investigations as Datasets, reading only the days a window needs from the {@code event_date}
 * partitioned tables ({@code events}, {@code beanstalk_events}, {@code config_changes}).
 *
 * <pre>{@code
 * val inv = Investigations.open(spark, "s3://my-audit/ebaudit/")
 * inv.registerViews()
 * inv.environmentHistory("shop-prod", "2026-11-22", "2026-11-28").show(100, false)
 * }</pre>
 *
 * Principals are named by ARN (the role, not a session: {@code principal_arn}, or a session's
 * {@code user_arn}) or by role or user name; environments by name or id ({@code e-…}). Windows take a day
 * or an instant for each end ({@link TimeWindow}); blank or null leaves that end open.
 */
public final class Investigations {
  private static final Pattern ENVIRONMENT_ID = Pattern.compile("e-[a-z0-9]{6,}");

  private final SparkSession spark;
  private final OutputTables tables;

  private Investigations(SparkSession spark, OutputTables tables) {
    this.spark = spark;
    this.tables = tables;
  }

  /** The output root at its latest report date (or as it is, when not report-dated). */
  public static Investigations open(SparkSession spark, String root) {
    return open(spark, root, (String) null);
  }

  /** @param reportDate {@code YYYY-MM-DD}; blank or null: the latest */
  public static Investigations open(SparkSession spark, String root, String reportDate) {
    LocalDate d = null;
    if (reportDate != null && !reportDate.isBlank()) {
      try {
        d = LocalDate.parse(reportDate.trim());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("Cannot open ebaudit outputs: the report date must be YYYY-MM-DD, got "
            + reportDate);
      }
    }
    return new Investigations(spark, OutputTables.open(spark, root, d));
  }

  public OutputTables tables() {
    return tables;
  }

  public boolean has(String table) {
    return tables.has(table);
  }

  /** A whole table, e.g. {@code findings}. */
  public Dataset<Row> table(String name) {
    return tables.read(name);
  }

  /**
   * Registers every table found as a temporary view of the same name ({@code events},
   * {@code beanstalk_events}, {@code config_changes}, {@code environment_state}, {@code platforms},
   * {@code coverage}, {@code imds}, {@code findings}, {@code usage}, {@code denied}, {@code verdicts},
   * {@code environment_roles}, {@code impact}, {@code metrics}) and returns their names.
   */
  public List<String> registerViews() {
    List<String> names = new ArrayList<>();
    for (String name : tables.tables().keySet()) {
      tables.read(name).createOrReplaceTempView(name);
      names.add(name);
    }
    return names;
  }

  /** Where the data is, at which report date, which tables were found and which not. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append("ebaudit outputs ").append(tables.root());
    sb.append(tables.reportDate().map(d -> " at report date " + d).orElse(" (not report-dated)")).append('\n');
    sb.append("tables: ").append(String.join(", ", tables.tables().keySet())).append('\n');
    if (!tables.missing().isEmpty()) {
      List<String> m = new ArrayList<>();
      for (Map.Entry<String, String> e : tables.missing().entrySet()) {
        m.add(e.getKey() + " (" + e.getValue() + ")");
      }
      sb.append("absent: ").append(String.join(", ", m)).append('\n');
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // Principal activity.

  public Dataset<Row> principalActivity(String principal, String from, String to) {
    return principalActivity(principal, TimeWindow.parse(from, to));
  }

  /**
   * Every event of a principal in the window, oldest first: {@code event_time}, {@code event_date},
   * {@code account_id} (the recipient account), {@code aws_region}, {@code event_source},
   * {@code event_name}, {@code iam_action}, {@code read_only}, {@code failed}, {@code error_code},
   * {@code error_message}, {@code principal_arn}, {@code principal_kind}, {@code user_arn},
   * {@code session_name}, {@code source_ip_address}, {@code user_agent}, {@code service_originated},
   * {@code environment_name} (Beanstalk calls, when {@code beanstalk_events} exists),
   * {@code resources} (ARNs), {@code request_parameters} (secrets masked at ingest), {@code event_id}.
   */
  public Dataset<Row> principalActivity(String principal, TimeWindow window) {
    requireText(principal, "investigate a principal", "a principal ARN or name");
    Dataset<Row> events = days("events", window);
    Column who = principal.contains(":")
        ? col("principal_arn").equalTo(principal).or(col("user_arn").equalTo(principal))
        : col("principal_arn").endsWith("/" + principal);
    Dataset<Row> hits = events.filter(who).select(
        col("event_time"), col("event_date"), col("recipient_account_id").as("account_id"), col("aws_region"),
        col("event_source"), col("event_name"), col("iam_action"), col("read_only"), col("failed"),
        col("error_code"), col("error_message"), col("principal_arn"), col("principal_kind"), col("user_arn"),
        col("session_name"), col("source_ip_address"), col("user_agent"), col("service_originated"),
        col("resources.arn").as("resources"), col("request_parameters"), col("event_id"));
    if (tables.has("beanstalk_events")) {
      Dataset<Row> eb = days("beanstalk_events", window)
          .filter(col("environment_name").isNotNull())
          .select(col("event_id").as("eb_event_id"), col("environment_name"));
      hits = hits.join(eb, hits.col("event_id").equalTo(eb.col("eb_event_id")), "left").drop("eb_event_id");
    } else {
      hits = hits.withColumn("environment_name", lit(null).cast(DataTypes.StringType));
    }
    return hits.select(col("event_time"), col("event_date"), col("account_id"), col("aws_region"),
            col("event_source"), col("event_name"), col("iam_action"), col("read_only"), col("failed"),
            col("error_code"), col("error_message"), col("principal_arn"), col("principal_kind"), col("user_arn"),
            col("session_name"), col("source_ip_address"), col("user_agent"), col("service_originated"),
            col("environment_name"), col("resources"), col("request_parameters"), col("event_id"))
        .orderBy(col("event_time"), col("event_id"));
  }

  // ---------------------------------------------------------------------------------------------
  // Environment history and change diffs.

  public Dataset<Row> environmentHistory(String environment, String from, String to) {
    return environmentHistory(environment, TimeWindow.parse(from, to));
  }

  /**
   * Every Elastic Beanstalk call on an environment in the window (read-only and failed ones too), oldest
   * first, from {@code beanstalk_events}: {@code event_time}, {@code event_name}, {@code outcome},
   * {@code error_code}, {@code error_message}, {@code read_only}, {@code account_id}, {@code aws_region},
   * {@code application}, {@code environment_name}, {@code environment_id}, {@code principal_arn},
   * {@code principal_kind}, {@code session_name}, {@code mfa_authenticated}, {@code source_ip_address},
   * {@code client_class}, {@code user_agent}, {@code event_id}; with {@code changes} (the call's rows of
   * {@code config_changes}: namespace, option, resource, kind, value before and its source, value after,
   * secret), {@code findings} (rule, severity, status, title of the findings naming the event) and, when
   * the {@code impact} table exists, {@code impact} (its row for the change). Empty lists are null.
   */
  public Dataset<Row> environmentHistory(String environment, TimeWindow window) {
    requireText(environment, "investigate an environment", "an environment name or id");
    Set<String> names = environmentNames(environment);
    Dataset<Row> calls = forEnvironment(days("beanstalk_events", window), environment, names, "environment_name");
    Dataset<Row> changes = forEnvironment(days("config_changes", window)
        .filter(col("target_type").equalTo("environment")), environment, names, "target_name")
        .groupBy(col("event_id").as("c_event_id"))
        .agg(sort_array(collect_list(struct(col("namespace"), col("option_name"), col("resource_name"),
            col("change_kind"), col("value_before"), col("value_before_source"), col("value_after"),
            col("secret")))).as("changes"));
    Dataset<Row> out = calls.select(col("event_time"), col("event_name"), col("outcome"), col("error_code"),
        col("error_message"), col("read_only"), col("account_id"), col("aws_region"), col("application"),
        col("environment_name"), col("environment_id"), col("principal_arn"), col("principal_kind"),
        col("session_name"), col("mfa_authenticated"), col("source_ip_address"), col("client_class"),
        col("user_agent"), col("event_id"));
    out = out.join(changes, out.col("event_id").equalTo(changes.col("c_event_id")), "left").drop("c_event_id");
    if (tables.has("findings")) {
      Dataset<Row> f = tables.read("findings")
          .select(explode(col("event_ids")).as("f_event_id"), col("rule_id"), col("severity"), col("status"),
              col("title"))
          .groupBy("f_event_id")
          .agg(sort_array(collect_list(struct(col("severity"), col("rule_id"), col("status"), col("title"))))
              .as("findings"));
      out = out.join(f, out.col("event_id").equalTo(f.col("f_event_id")), "left").drop("f_event_id");
    } else {
      out = out.withColumn("findings", lit(null));
    }
    if (tables.has("impact")) {
      Dataset<Row> impact = tables.read("impact");
      List<Column> fields = new ArrayList<>();
      for (String c : impact.columns()) {
        if (!Set.of("account_id", "aws_region", "environment_id", "environment_name", "event_id", "event_name",
            "principal").contains(c)) {
          fields.add(col(c));
        }
      }
      Dataset<Row> i = impact.select(col("event_id").as("i_event_id"), struct(fields.toArray(new Column[0])).as("impact"))
          .dropDuplicates("i_event_id");
      out = out.join(i, out.col("event_id").equalTo(i.col("i_event_id")), "left").drop("i_event_id");
    }
    return out.orderBy(col("event_time"), col("event_id"));
  }

  /**
   * What one change did: the {@code config_changes} rows of event {@code eventId} on the environment
   * ({@code namespace}, {@code option_name}, {@code resource_name}, {@code change_kind},
   * {@code value_before}, {@code value_before_source}, {@code value_after}, {@code secret}) with the call's
   * {@code event_time}, {@code event_name} and {@code principal_arn}.
   */
  public Dataset<Row> changeDiff(String environment, String eventId) {
    requireText(environment, "diff a change", "an environment name or id");
    requireText(eventId, "diff a change", "an event id");
    Set<String> names = environmentNames(environment);
    return forEnvironment(tables.read("config_changes")
        .filter(col("event_id").equalTo(eventId).and(col("target_type").equalTo("environment"))),
            environment, names, "target_name")
        .select(col("event_time"), col("event_name"), col("principal_arn"), col("account_id"), col("aws_region"),
            col("target_name").as("environment_name"), col("namespace"), col("option_name"), col("resource_name"),
            col("change_kind"), col("value_before"), col("value_before_source"), col("value_after"), col("secret"))
        .orderBy(col("namespace"), col("option_name"), col("resource_name"));
  }

  public Dataset<Row> changeDiff(String environment, String from, String to) {
    return changeDiff(environment, TimeWindow.parse(from, to));
  }

  /**
   * The environment's configuration at the window's end against its start: per option changed in the
   * window, {@code value_at_from} (before the window's first change, with {@code value_at_from_source}),
   * {@code value_at_to} (after its last), {@code net_change} (false: changed and changed back),
   * {@code changes}, {@code first_change}, {@code last_change}, {@code principals}, {@code event_ids},
   * {@code secret}.
   */
  public Dataset<Row> changeDiff(String environment, TimeWindow window) {
    requireText(environment, "diff an environment", "an environment name or id");
    Set<String> names = environmentNames(environment);
    Dataset<Row> c = forEnvironment(days("config_changes", window)
        .filter(col("target_type").equalTo("environment")), environment, names, "target_name");
    return c.groupBy(col("account_id"), col("aws_region"), col("target_name").as("environment_name"),
            col("namespace"), col("option_name"), col("resource_name"))
        .agg(min(struct(col("event_time"), col("event_id"), col("value_before"), col("value_before_source")))
                .as("first"),
            max(struct(col("event_time"), col("event_id"), col("value_after"))).as("last"),
            count(lit(1)).as("changes"),
            sort_array(collect_set(col("principal_arn"))).as("principals"),
            sort_array(collect_list(col("event_id"))).as("event_ids"),
            max(col("secret")).as("secret"))
        .select(col("account_id"), col("aws_region"), col("environment_name"), col("namespace"),
            col("option_name"), col("resource_name"), col("first.value_before").as("value_at_from"),
            col("first.value_before_source").as("value_at_from_source"), col("last.value_after").as("value_at_to"),
            not(col("first.value_before").eqNullSafe(col("last.value_after"))).as("net_change"),
            col("changes"), col("first.event_time").as("first_change"), col("last.event_time").as("last_change"),
            col("principals"), col("event_ids"), col("secret"))
        .orderBy(col("account_id"), col("aws_region"), col("environment_name"), col("namespace"),
            col("option_name"), col("resource_name"));
  }

  /** The environment's configuration at the end of the analyzed window ({@code environment_state} rows). */
  public Dataset<Row> environmentState(String environment) {
    requireText(environment, "read an environment's state", "an environment name or id");
    Set<String> names = environmentNames(environment);
    return forEnvironment(tables.read("environment_state"), environment, names, "environment_name")
        .orderBy(col("account_id"), col("aws_region"), col("environment_name"), col("namespace"),
            col("option_name"), col("resource_name"));
  }

  // ---------------------------------------------------------------------------------------------
  // Permissions.

  /** The environment's instance-profile role and service role ({@code environment_roles} rows). */
  public Dataset<Row> environmentRoles(String environment) {
    requireText(environment, "read an environment's roles", "an environment name or id");
    Set<String> names = environmentNames(environment);
    return forEnvironment(tables.read("environment_roles"), environment, names, "environment_name");
  }

  /**
   * The principal's verdicts ({@code verdicts} rows, {@link Verdicts#VERDICTS}), one per IAM action:
   * {@code used_not_granted} first, then {@code used}, {@code unused}, {@code unobservable}; by action.
   */
  public Dataset<Row> permissionReview(String principal) {
    requireText(principal, "review permissions", "a principal ARN or name");
    Column order = when(col("state").equalTo(Verdicts.USED_NOT_GRANTED), 0)
        .when(col("state").equalTo(Verdicts.USED), 1)
        .when(col("state").equalTo(Verdicts.UNUSED), 2)
        .otherwise(3);
    return verdicts(principal).orderBy(col("principal_arn"), order, col("iam_action"));
  }

  /** Per principal and state: {@code actions} (how many IAM actions) and {@code calls} (successful calls). */
  public Dataset<Row> permissionSummary(String principal) {
    requireText(principal, "review permissions", "a principal ARN or name");
    return verdicts(principal).groupBy(col("principal_arn"), col("state"))
        .agg(count(lit(1)).as("actions"), sum(col("count")).as("calls"),
            first(col("principal_active")).as("principal_active"))
        .orderBy(col("principal_arn"), col("state"));
  }

  /** Columns of {@link #recommendedPolicy}. */
  public static final StructType POLICY_FILES = DataTypes.createStructType(List.of(
      DataTypes.createStructField("principal_arn", DataTypes.StringType, false),
      DataTypes.createStructField("kind", DataTypes.StringType, false), // policy | notes
      DataTypes.createStructField("file", DataTypes.StringType, false),
      DataTypes.createStructField("document", DataTypes.StringType, false)));

  /**
   * The recommended policy written for the principal ({@code permissions/policies/<account>/<name>.json},
   * or its {@code .partN.json} parts) and its notes, as rows of {@link #POLICY_FILES}; empty when the run
   * wrote none (no usage, or no {@code --iam}).
   */
  public Dataset<Row> recommendedPolicy(String principal) {
    requireText(principal, "read a recommended policy", "a principal ARN or name");
    var conf = spark.sparkContext().hadoopConfiguration();
    List<Row> rows = new ArrayList<>();
    for (Row p : verdicts(principal).select("principal_arn", "account_id", "principal_name").distinct()
        .orderBy("principal_arn").collectAsList()) {
      String account = p.getString(1);
      String base = (account == null || account.isBlank() ? "" : RecommendedPolicy.fileName(account) + "/")
          + RecommendedPolicy.fileName(p.getString(2));
      List<String> names = new ArrayList<>();
      if (policyFile(base + ".json") != null) {
        names.add(base + ".json");
      } else {
        for (int part = 1; policyFile(base + ".part" + part + ".json") != null; part++) {
          names.add(base + ".part" + part + ".json");
        }
      }
      for (String n : names) {
        String f = policyFile(n);
        rows.add(RowFactory.create(p.getString(0), "policy", f, Storage.readText(conf, f, "recommended policy")));
      }
      String notes = policyFile(base + ".notes.json");
      if (notes != null) {
        rows.add(RowFactory.create(p.getString(0), "notes", notes, Storage.readText(conf, notes, "policy notes")));
      }
    }
    return spark.createDataFrame(rows, POLICY_FILES);
  }

  // ---------------------------------------------------------------------------------------------

  private String policyFile(String relative) {
    for (String folder : List.of("permissions/policies", "policies")) {
      var f = tables.file(folder, relative);
      if (f.isPresent()) {
        return f.get();
      }
    }
    return null;
  }

  private Dataset<Row> verdicts(String principal) {
    Column who = principal.contains(":") ? col("principal_arn").equalTo(principal)
        : col("principal_name").equalTo(principal).or(col("principal_arn").endsWith("/" + principal));
    return tables.read("verdicts").filter(who);
  }

  /** The days of a date-partitioned table the window touches, then the window itself on event_time. */
  private Dataset<Row> days(String table, TimeWindow w) {
    Dataset<Row> d = tables.readDays(table, w.firstDay(), w.lastDay());
    if (w.from() != null) {
      d = d.filter(col("event_time").geq(lit(Timestamp.from(w.from()))));
    }
    if (w.to() != null) {
      d = d.filter(col("event_time").lt(lit(Timestamp.from(w.to()))));
    }
    return d;
  }

  /**
   * The names an environment went by: itself when given a name; for an id ({@code e-…}), the names
   * the tables record with it (most Beanstalk calls name the environment, not its id).
   */
  private Set<String> environmentNames(String environment) {
    Set<String> names = new LinkedHashSet<>();
    if (!ENVIRONMENT_ID.matcher(environment).matches()) {
      names.add(environment);
      return names;
    }
    for (String t : List.of("environment_state", "config_changes")) {
      if (tables.has(t)) {
        String nameCol = t.equals("config_changes") ? "target_name" : "environment_name";
        names.addAll(tables.read(t).filter(col("environment_id").equalTo(environment).and(col(nameCol).isNotNull()))
            .select(col(nameCol)).distinct().as(Encoders.STRING()).collectAsList());
      }
    }
    return names;
  }

  /** Rows of the environment: by id where the table has one, by the names it went by. */
  private static Dataset<Row> forEnvironment(Dataset<Row> d, String environment, Set<String> names, String nameCol) {
    Column m = names.isEmpty() ? lit(false) : col(nameCol).isin(names.toArray());
    if (java.util.Arrays.asList(d.columns()).contains("environment_id")) {
      m = m.or(col("environment_id").equalTo(environment));
    }
    return d.filter(m);
  }

  private static void requireText(String value, String verb, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Cannot " + verb + ": " + what + " is needed, got '" + value + "'");
    }
  }
}
