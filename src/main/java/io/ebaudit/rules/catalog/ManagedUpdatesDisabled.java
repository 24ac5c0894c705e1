package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.RuleContext.after;
import static io.ebaudit.rules.RuleContext.before;
import static io.ebaudit.rules.RuleContext.option;
import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.rules.RuleContext;
import org.apache.spark.sql.Column;

/** ManagedActionsEnabled set to false, removed, or left at its default (false) on create. */
public final class ManagedUpdatesDisabled extends ChangeRule {
  static final String ID = "eb_managed_updates_disabled";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Column matches(RuleContext ctx) {
    return becomes("aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled", "false", "false");
  }

  @Override
  public Column detail(RuleContext ctx) {
    return changeDetail("Managed platform updates off (", optionTransition(), ")");
  }
}
