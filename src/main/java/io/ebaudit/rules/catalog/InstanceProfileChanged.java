package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.RuleContext.after;
import static io.ebaudit.rules.RuleContext.before;
import static io.ebaudit.rules.RuleContext.option;
import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.rules.RuleContext;
import org.apache.spark.sql.Column;

/** The instances' IAM instance profile changed (implies iam:PassRole on the new role). */
public final class InstanceProfileChanged extends ChangeRule {
  static final String ID = "eb_instance_profile_changed";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Column matches(RuleContext ctx) {
    return option("aws:autoscaling:launchconfiguration", "IamInstanceProfile").and(valueChanged());
  }

  @Override
  public Column detail(RuleContext ctx) {
    return changeDetail("Instance profile changed (", optionTransition(), ")");
  }
}
