package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.rules.RuleContext;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * An environment terminated. Critical instead of high for production environments: a tag key in
 * {@code production_tag_keys} with a value in {@code production_tag_values}, or a name matching
 * {@code production_name_pattern}.
 */
public final class EnvironmentTerminated extends EventRule {
  static final String ID = "eb_environment_terminated";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Column matches(RuleContext ctx) {
    return col("event_name").equalTo("TerminateEnvironment").and(col("outcome").equalTo("success"));
  }

  @Override
  public Column detail(RuleContext ctx) {
    return eventDetail(when(production(ctx, ID), lit("Production environment ")).otherwise(lit("Environment ")),
        environment(), " terminated");
  }

  @Override
  public Column severity(RuleContext ctx, String metadataSeverity) {
    return when(production(ctx, ID), lit("critical")).otherwise(lit(metadataSeverity));
  }
}
