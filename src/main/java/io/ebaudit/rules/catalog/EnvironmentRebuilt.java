package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.rules.RuleContext;
import java.util.List;
import org.apache.spark.sql.Column;

/** An environment rebuilt (all its resources deleted and recreated); high for production environments. */
public final class EnvironmentRebuilt extends EventRule {
  static final String ID = "eb_environment_rebuilt";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Column matches(RuleContext ctx) {
    return col("event_name").equalTo("RebuildEnvironment").and(mutating()).and(human());
  }

  @Override
  public Column detail(RuleContext ctx) {
    return eventDetail("Environment ", environment(), " rebuilt (instances, load balancer and database recreated)");
  }

  @Override
  public Column severity(RuleContext ctx, String metadataSeverity) {
    return when(production(ctx, ID), lit("high")).otherwise(lit(metadataSeverity));
  }
}
