package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.rules.RuleContext;
import java.util.List;
import org.apache.spark.sql.Column;

/** The CNAMEs of two environments swapped: production traffic moved to another environment. */
public final class CnameSwapped extends EventRule {
  static final String ID = "eb_cname_swapped";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Column matches(RuleContext ctx) {
    return col("event_name").equalTo("SwapEnvironmentCNAMEs").and(mutating());
  }

  @Override
  public Column detail(RuleContext ctx) {
    Column p = col("request_parameters");
    Column src = coalesce(get_json_object(p, "$.sourceEnvironmentName"), get_json_object(p, "$.sourceEnvironmentId"));
    Column dst = coalesce(get_json_object(p, "$.destinationEnvironmentName"), get_json_object(p, "$.destinationEnvironmentId"));
    return eventDetail("CNAMEs of ", src, " and ", dst, " swapped");
  }
}
