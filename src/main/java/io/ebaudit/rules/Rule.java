package io.ebaudit.rules;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.List;
import org.apache.spark.sql.Column;

/**
 * One risk rule: a boolean over one row of its input table, evaluated with every other rule in one
 * pass ({@link RuleEngine}). Its metadata (title, severity, risk, remediation, references, compliance)
 * is {@code /rules/<id>.json} on the classpath; a failing and a passing fixture for it are in the
 * registry test.
 *
 * <p>{@link Input#CHANGES} rules read {@code config_changes} rows, {@link Input#EVENTS} rules read
 * {@code beanstalk_events} rows (see {@code BeanstalkSchemas}), {@link Input#IMPACT} rules read
 * {@code impact} rows ({@code io.ebaudit.impact.Impact#IMPACT}, only with metrics). Rules are pure: columns
 * in, a column out.
 */
public interface Rule {
  enum Input { CHANGES, EVENTS, IMPACT }

  /** The public id, snake_case with the {@code eb_} prefix; users suppress and alert on it. */
  String id();

  Input input();

  /** True for the rows this rule fires on. */
  Column matches(RuleContext ctx);

  /** A one-line, human explanation of one firing (may use the row's columns). */
  Column detail(RuleContext ctx);

  /**
   * The severity of one firing. The metadata's, unless the rule raises it for some rows (a production
   * environment, say); the engine applies a configured override on top.
   */
  default Column severity(RuleContext ctx, String metadataSeverity) {
    return lit(metadataSeverity);
  }

  /**
   * What makes firings one finding: rows with equal keys (and rule) merge, keeping all their event ids
   * and the first and last time seen. By default one finding per event and, for changes, per option.
   */
  default List<Column> findingKey() {
    return switch (input()) {
      case CHANGES -> List.of(col("event_id"), col("target_name"), col("namespace"), col("option_name"), col("resource_name"));
      case EVENTS -> List.of(col("event_id"));
      case IMPACT -> List.of(col("event_id"), col("environment_name"));
    };
  }
}
