package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.RuleContext.after;
import static io.ebaudit.rules.RuleContext.before;
import static io.ebaudit.rules.RuleContext.option;
import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.rules.RuleContext;
import org.apache.spark.sql.Column;

/** Managed update level lowered from minor to patch (the value before must be known as minor). */
public final class ManagedUpdatesLevelLowered extends ChangeRule {
  static final String ID = "eb_managed_updates_level_lowered";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Column matches(RuleContext ctx) {
    return option("aws:elasticbeanstalk:managedactions:platformupdate", "UpdateLevel")
        .and(kind(BeanstalkSchemas.OPTION_SET))
        .and(after().equalTo("patch"))
        .and(coalesce(before().equalTo("minor"), lit(false)));
  }

  @Override
  public Column detail(RuleContext ctx) {
    return changeDetail("Managed updates limited to patch versions (", optionTransition(), ")");
  }
}
