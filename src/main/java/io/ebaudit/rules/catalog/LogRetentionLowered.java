package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.RuleContext.after;
import static io.ebaudit.rules.RuleContext.before;
import static io.ebaudit.rules.RuleContext.option;
import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.rules.RuleContext;
import org.apache.spark.sql.Column;

/**
 * RetentionInDays lowered (numerically, when the value before is known) or set below {@code min_days}
 * (default 365). A removal means the default, 7 days. Create-time defaults are left to
 * {@code eb_log_streaming_disabled}: retention only matters once logs stream.
 */
public final class LogRetentionLowered extends ChangeRule {
  static final String ID = "eb_log_retention_lowered";

  @Override
  public String id() {
    return ID;
  }

  static final String MIN_DAYS = "365";
  static final int DEFAULT_RETENTION = 7;

  @Override
  public Column matches(RuleContext ctx) {
    int min = Integer.parseInt(ctx.param(ID, "min_days", MIN_DAYS).trim());
    Column days = effectiveAfter(String.valueOf(DEFAULT_RETENTION)).cast("int");
    Column was = before().cast("int");
    return option("aws:elasticbeanstalk:cloudwatch:logs", "RetentionInDays")
        .and(kind(BeanstalkSchemas.OPTION_SET, BeanstalkSchemas.OPTION_REMOVED))
        .and(days.isNotNull())
        .and(coalesce(days.lt(was), lit(false)).or(days.lt(lit(min)).and(not(coalesce(was.leq(days), lit(false))))));
  }

  @Override
  public Column detail(RuleContext ctx) {
    String min = ctx.param(ID, "min_days", MIN_DAYS).trim();
    return changeDetail("Log retention lowered to ", effectiveAfter(String.valueOf(DEFAULT_RETENTION)),
        " days (minimum ", min, "; ", optionTransition(), ")");
  }
}
