package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.RuleContext.after;
import static io.ebaudit.rules.RuleContext.before;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.rules.RuleContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;

/** Column helpers shared by the catalog's rules. All are plain expressions over one input row. */
final class Rules {
  private Rules() {}

  // ---- config_changes rows ----

  static Column kind(String... kinds) {
    return col("change_kind").isin((Object[]) kinds);
  }

  /** A set, a create-time default or a removal of an option: the rows that give an option a new value. */
  static Column optionChange() {
    return kind(BeanstalkSchemas.OPTION_SET, BeanstalkSchemas.OPTION_DEFAULT, BeanstalkSchemas.OPTION_REMOVED);
  }

  /** The value in effect after the change, lower-cased: the documented default when removed or empty. */
  static Column effectiveAfter(String dflt) {
    return when(col("change_kind").equalTo(BeanstalkSchemas.OPTION_REMOVED).or(after().equalTo("")), lit(dflt))
        .otherwise(after());
  }

  /** The value in effect before, lower-cased: the default when it was empty, null when unknown. */
  static Column effectiveBefore(String dflt) {
    return when(before().equalTo(""), lit(dflt)).otherwise(before());
  }

  /** The option now has {@code value} (given its default) and did not have it before (or that is unknown). */
  static Column becomes(String namespace, String option, String value, String dflt) {
    return RuleContext.option(namespace, option)
        .and(optionChange())
        .and(effectiveAfter(dflt).equalTo(lit(value)))
        .and(not(coalesce(effectiveBefore(dflt).equalTo(lit(value)), lit(false))));
  }

  /** The option's value differs from before (or before is unknown); sets and removals, not create defaults. */
  static Column valueChanged() {
    return kind(BeanstalkSchemas.OPTION_SET, BeanstalkSchemas.OPTION_REMOVED)
        .and(not(coalesce(before().equalTo(after()), lit(false))));
  }

  /** The new raw value for display: "(removed)" for a removal. */
  static Column shownAfter() {
    return when(col("change_kind").equalTo(BeanstalkSchemas.OPTION_REMOVED), lit("(removed)"))
        .otherwise(coalesce(trim(col("value_after")), lit("")));
  }

  static Column shownBefore() {
    return when(trim(col("value_before")).equalTo(""), lit("(empty)"))
        .otherwise(coalesce(trim(col("value_before")), lit("unknown")));
  }

  static Column target() {
    return concat(coalesce(col("target_type"), lit("environment")), lit(" "),
        coalesce(col("target_name"), col("environment_id"), lit("?")));
  }

  static Column who() {
    return coalesce(col("principal_arn"), lit("an unknown principal"));
  }

  /** "<what> on environment <name> by <principal> (<event>)". */
  static Column changeDetail(Object... what) {
    List<Object> parts = new ArrayList<>(List.of(what));
    parts.addAll(List.of(" on ", target(), " by ", who(), " (", col("event_name"), ")"));
    return text(parts.toArray());
  }

  /** "<option> <before> → <after>" for the row's option. */
  static Column optionTransition() {
    return text(col("namespace"), "/", col("option_name"), ": ", shownBefore(), " → ", shownAfter());
  }

  // ---- beanstalk_events rows ----

  /** A successful call that changes something (readOnly false; by name when the flag is missing). */
  static Column mutating() {
    Column readOnly = coalesce(col("read_only"),
        col("event_name").rlike("^(Describe|List|Check|Validate|Retrieve)"));
    return col("outcome").equalTo("success").and(not(readOnly));
  }

  /** Made by a person or their tooling, not by an AWS service on its own. */
  static Column human() {
    return not(coalesce(col("service_originated"), lit(false)))
        .and(not(coalesce(col("principal_kind").equalTo("aws_service"), lit(false))));
  }

  static Column environment() {
    return coalesce(col("environment_name"), col("environment_id"), col("application"), lit("?"));
  }

  /** "<what> <environment> by <principal> from <ip> (<event>)". */
  static Column eventDetail(Object... what) {
    List<Object> parts = new ArrayList<>(List.of(what));
    parts.addAll(List.of(" by ", who(), " from ", coalesce(col("source_ip_address"), lit("?")),
        " (", col("event_name"), ")"));
    return text(parts.toArray());
  }

  // ---- production environments ----

  static final List<String> PRODUCTION_TAG_KEYS = List.of("env", "environment", "stage");
  static final List<String> PRODUCTION_TAG_VALUES = List.of("prod", "production");
  static final String PRODUCTION_NAME_PATTERN = "(?i)(^|[-_])prod(uction)?($|[-_])";

  /**
   * The row's environment is production: a tag key in {@code production_tag_keys} with a value in
   * {@code production_tag_values} (both case-insensitive), or a name matching {@code production_name_pattern}.
   */
  static Column production(RuleContext ctx, String ruleId) {
    List<String> keys = lowered(ctx.params(ruleId, "production_tag_keys", PRODUCTION_TAG_KEYS));
    List<String> values = lowered(ctx.params(ruleId, "production_tag_values", PRODUCTION_TAG_VALUES));
    String pattern = ctx.param(ruleId, "production_name_pattern", PRODUCTION_NAME_PATTERN);
    Pattern.compile(pattern); // a bad pattern is a configuration error, reported here on the driver
    Column byTag = exists(map_entries(col("environment_tags")),
        e -> lower(trim(e.getField("key"))).isin(keys.toArray())
            .and(lower(trim(e.getField("value"))).isin(values.toArray())));
    Column byName = col("environment_name").rlike(pattern);
    return coalesce(byTag, lit(false)).or(coalesce(byName, lit(false)));
  }

  static List<String> lowered(List<String> in) {
    return in.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
  }

  /** Concatenation of literals (Strings) and columns (null columns shown as "?"). */
  static Column text(Object... parts) {
    Column[] cols = new Column[parts.length];
    for (int i = 0; i < parts.length; i++) {
      cols[i] = parts[i] instanceof Column c ? coalesce(c.cast("string"), lit("?")) : lit(String.valueOf(parts[i]));
    }
    return concat(cols);
  }
}
