package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.RuleContext.after;
import static io.ebaudit.rules.RuleContext.before;
import static io.ebaudit.rules.RuleContext.option;
import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.rules.RuleContext;
import org.apache.spark.sql.Column;

/** SSHSourceRestriction (protocol,from,to,source) with source 0.0.0.0/0 or ::/0, newly. */
public final class SshOpenToWorld extends ChangeRule {
  static final String ID = "eb_ssh_open_to_world";

  @Override
  public String id() {
    return ID;
  }

  static Column openSource(Column value) {
    return trim(element_at(split(value, ","), 4)).isin("0.0.0.0/0", "::/0");
  }

  @Override
  public Column matches(RuleContext ctx) {
    return option("aws:autoscaling:launchconfiguration", "SSHSourceRestriction")
        .and(kind(BeanstalkSchemas.OPTION_SET, BeanstalkSchemas.OPTION_DEFAULT))
        .and(coalesce(openSource(after()), lit(false)))
        .and(not(coalesce(openSource(before()), lit(false))));
  }

  @Override
  public Column detail(RuleContext ctx) {
    return changeDetail("SSH opened to the internet (", optionTransition(), ")");
  }
}
