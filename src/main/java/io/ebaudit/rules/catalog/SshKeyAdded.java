package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.RuleContext.after;
import static io.ebaudit.rules.RuleContext.before;
import static io.ebaudit.rules.RuleContext.option;
import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.rules.RuleContext;
import org.apache.spark.sql.Column;

/** EC2KeyName set to a non-empty value different from before: SSH access to the instances. */
public final class SshKeyAdded extends ChangeRule {
  static final String ID = "eb_ssh_key_added";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Column matches(RuleContext ctx) {
    return option("aws:autoscaling:launchconfiguration", "EC2KeyName")
        .and(kind(BeanstalkSchemas.OPTION_SET, BeanstalkSchemas.OPTION_DEFAULT))
        .and(after().notEqual(""))
        .and(not(coalesce(before().equalTo(after()), lit(false))));
  }

  @Override
  public Column detail(RuleContext ctx) {
    return changeDetail("SSH key pair ", trim(col("value_after")), " added to instances (was ", shownBefore(), ")");
  }
}
