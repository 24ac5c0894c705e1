package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.RuleContext.after;
import static io.ebaudit.rules.RuleContext.before;
import static io.ebaudit.rules.RuleContext.option;
import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.rules.RuleContext;
import org.apache.spark.sql.Column;

/** StreamLogs set to false or removed (default false); create-time defaults too. */
public final class LogStreamingDisabled extends ChangeRule {
  static final String ID = "eb_log_streaming_disabled";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Column matches(RuleContext ctx) {
    return becomes("aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs", "false", "false");
  }

  @Override
  public Column detail(RuleContext ctx) {
    return changeDetail("Instance log streaming to CloudWatch Logs off (", optionTransition(), ")");
  }
}
