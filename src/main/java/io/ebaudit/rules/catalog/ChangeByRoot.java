package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.rules.RuleContext;
import java.util.List;
import org.apache.spark.sql.Column;

/** The account root user made a mutating Beanstalk call. */
public final class ChangeByRoot extends EventRule {
  static final String ID = "eb_change_by_root";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Column matches(RuleContext ctx) {
    return col("principal_kind").equalTo("root").and(mutating());
  }

  @Override
  public Column detail(RuleContext ctx) {
    return eventDetail("Root user changed ", environment());
  }
}
