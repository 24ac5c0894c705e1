package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.RuleContext.after;
import static io.ebaudit.rules.RuleContext.before;
import static io.ebaudit.rules.RuleContext.option;
import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.rules.RuleContext;
import org.apache.spark.sql.Column;

/** Instance or load balancer security groups changed (compared as sets). */
public final class SecurityGroupsChanged extends ChangeRule {
  static final String ID = "eb_security_groups_changed";

  @Override
  public String id() {
    return ID;
  }

  static Column groups(Column v) {
    return array_sort(filter(transform(split(v, ","), x -> trim(x)), x -> x.notEqual("")));
  }

  @Override
  public Column matches(RuleContext ctx) {
    Column opt = option("aws:autoscaling:launchconfiguration", "SecurityGroups")
        .or(option("aws:elbv2:loadbalancer", "SecurityGroups"))
        .or(option("aws:elb:loadbalancer", "SecurityGroups"));
    return opt.and(kind(BeanstalkSchemas.OPTION_SET, BeanstalkSchemas.OPTION_REMOVED))
        .and(not(coalesce(groups(before()).equalTo(groups(after())), lit(false))));
  }

  @Override
  public Column detail(RuleContext ctx) {
    return changeDetail("Security groups changed (", optionTransition(), ")");
  }
}
