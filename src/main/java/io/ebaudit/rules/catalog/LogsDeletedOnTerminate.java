package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.RuleContext.after;
import static io.ebaudit.rules.RuleContext.before;
import static io.ebaudit.rules.RuleContext.option;
import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.rules.RuleContext;
import org.apache.spark.sql.Column;

/** DeleteOnTerminate set to true: the CloudWatch log groups go away with the environment. */
public final class LogsDeletedOnTerminate extends ChangeRule {
  static final String ID = "eb_logs_deleted_on_terminate";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Column matches(RuleContext ctx) {
    return option("aws:elasticbeanstalk:cloudwatch:logs", "DeleteOnTerminate")
        .and(kind(BeanstalkSchemas.OPTION_SET, BeanstalkSchemas.OPTION_DEFAULT))
        .and(after().equalTo("true"))
        .and(not(coalesce(before().equalTo("true"), lit(false))));
  }

  @Override
  public Column detail(RuleContext ctx) {
    return changeDetail("Log groups set to be deleted when the environment terminates (", optionTransition(), ")");
  }
}
