package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.RuleContext.after;
import static io.ebaudit.rules.RuleContext.before;
import static io.ebaudit.rules.RuleContext.option;
import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.rules.RuleContext;
import org.apache.spark.sql.Column;

/** DisableIMDSv1 set to false, removed, or left at its default (false) on create: IMDSv1 allowed. */
public final class Imdsv1Enabled extends ChangeRule {
  static final String ID = "eb_imdsv1_enabled";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Column matches(RuleContext ctx) {
    return becomes("aws:autoscaling:launchconfiguration", "DisableIMDSv1", "false", "false");
  }

  @Override
  public Column detail(RuleContext ctx) {
    return changeDetail("IMDSv1 allowed on instances (", optionTransition(), ")");
  }
}
