package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.RuleContext.after;
import static io.ebaudit.rules.RuleContext.before;
import static io.ebaudit.rules.RuleContext.option;
import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.rules.RuleContext;
import org.apache.spark.sql.Column;

/** An environment property that looks like a secret set in plain text. The detail never shows the value. */
public final class PlaintextSecretInEnvironment extends ChangeRule {
  static final String ID = "eb_plaintext_secret_in_environment";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Column matches(RuleContext ctx) {
    return col("namespace").equalTo("aws:elasticbeanstalk:application:environment")
        .and(kind(BeanstalkSchemas.OPTION_SET, BeanstalkSchemas.OPTION_DEFAULT))
        .and(coalesce(col("secret"), lit(false)))
        .and(after().notEqual(""));
  }

  @Override
  public Column detail(RuleContext ctx) {
    return changeDetail("Secret-looking environment property ", col("option_name"), " set in plain text");
  }
}
