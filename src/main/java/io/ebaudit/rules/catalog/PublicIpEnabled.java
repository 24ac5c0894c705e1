package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.RuleContext.after;
import static io.ebaudit.rules.RuleContext.before;
import static io.ebaudit.rules.RuleContext.option;
import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.rules.RuleContext;
import org.apache.spark.sql.Column;

/** AssociatePublicIpAddress set to true: instances get public IPv4 addresses. */
public final class PublicIpEnabled extends ChangeRule {
  static final String ID = "eb_public_ip_enabled";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Column matches(RuleContext ctx) {
    return becomes("aws:ec2:vpc", "AssociatePublicIpAddress", "true", "false");
  }

  @Override
  public Column detail(RuleContext ctx) {
    return changeDetail("Public IP addresses for instances (", optionTransition(), ")");
  }
}
