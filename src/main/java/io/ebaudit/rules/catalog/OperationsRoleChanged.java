package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.rules.RuleContext;
import java.util.List;
import org.apache.spark.sql.Column;

/** An operations role associated with (high) or removed from (medium) an environment. */
public final class OperationsRoleChanged extends EventRule {
  static final String ID = "eb_operations_role_changed";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Column matches(RuleContext ctx) {
    return col("event_name").isin("AssociateEnvironmentOperationsRole", "DisassociateEnvironmentOperationsRole")
        .and(mutating());
  }

  @Override
  public Column detail(RuleContext ctx) {
    Column role = coalesce(get_json_object(col("request_parameters"), "$.operationsRole"), lit("(none)"));
    return when(col("event_name").equalTo("AssociateEnvironmentOperationsRole"),
            eventDetail("Operations role ", role, " associated with ", environment()))
        .otherwise(eventDetail("Operations role removed from ", environment(),
            "; Beanstalk now acts with its callers' permissions"));
  }

  @Override
  public Column severity(RuleContext ctx, String metadataSeverity) {
    return when(col("event_name").equalTo("DisassociateEnvironmentOperationsRole"), lit("medium"))
        .otherwise(lit(metadataSeverity));
  }
}
