package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.RuleContext.after;
import static io.ebaudit.rules.RuleContext.before;
import static io.ebaudit.rules.RuleContext.option;
import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.rules.RuleContext;
import org.apache.spark.sql.Column;

/** The environment's service role changed (implies iam:PassRole on the new role). */
public final class ServiceRoleChanged extends ChangeRule {
  static final String ID = "eb_service_role_changed";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Column matches(RuleContext ctx) {
    return option("aws:elasticbeanstalk:environment", "ServiceRole").and(valueChanged());
  }

  @Override
  public Column detail(RuleContext ctx) {
    return changeDetail("Service role changed (", optionTransition(), ")");
  }
}
