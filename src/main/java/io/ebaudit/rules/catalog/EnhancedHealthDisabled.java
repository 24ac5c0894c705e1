package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.RuleContext.after;
import static io.ebaudit.rules.RuleContext.before;
import static io.ebaudit.rules.RuleContext.option;
import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.rules.RuleContext;
import org.apache.spark.sql.Column;

/** SystemType set to basic, removed, or left at its default (basic) on create. */
public final class EnhancedHealthDisabled extends ChangeRule {
  static final String ID = "eb_enhanced_health_disabled";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Column matches(RuleContext ctx) {
    return becomes("aws:elasticbeanstalk:healthreporting:system", "SystemType", "basic", "basic");
  }

  @Override
  public Column detail(RuleContext ctx) {
    return changeDetail("Enhanced health reporting off (", optionTransition(), ")");
  }
}
