package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.catalog.Rules.changeDetail;
import static io.ebaudit.rules.catalog.Rules.kind;
import static io.ebaudit.rules.catalog.Rules.shownBefore;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.rules.RuleContext;
import org.apache.spark.sql.Column;

/**
 * A platform change to a lower version of the same platform branch. Versions are the trailing
 * {@code X.Y.Z} of a platform ARN ({@code .../platform/Node.js 20 running on 64bit Amazon Linux 2023/6.1.2})
 * or the {@code vX.Y.Z} of a solution stack name ({@code 64bit Amazon Linux 2023 v6.1.2 running Node.js 20});
 * the branch is the rest of the name. Mixed forms (ARN before, stack name after) are not compared.
 */
public final class PlatformDowngraded extends ChangeRule {
  static final String ID = "eb_platform_downgraded";
  static final String ARN = "^arn:aws[a-z-]*:elasticbeanstalk:[^:]*:[^:]*:platform/(.+)/([0-9]+)\\.([0-9]+)\\.([0-9]+)$";
  static final String STACK = "^(.*) v([0-9]+)\\.([0-9]+)\\.([0-9]+) (running .*)$";

  @Override
  public String id() {
    return ID;
  }

  private static Column number(Column v, String re) {
    return regexp_extract(v, re, 2).cast("long").multiply(1_000_000_000L)
        .plus(regexp_extract(v, re, 3).cast("long").multiply(1_000_000L))
        .plus(regexp_extract(v, re, 4).cast("long"));
  }

  /** "arn|<branch>" or "stack|<branch>", lower-cased; null when the value is neither form. */
  static Column branch(Column v) {
    return when(v.rlike(ARN), concat(lit("arn|"), lower(regexp_extract(v, ARN, 1))))
        .when(v.rlike(STACK), concat(lit("stack|"), lower(regexp_extract(v, STACK, 1)), lit(" "),
            lower(regexp_extract(v, STACK, 5))));
  }

  static Column version(Column v) {
    return when(v.rlike(ARN), number(v, ARN)).when(v.rlike(STACK), number(v, STACK));
  }

  @Override
  public Column matches(RuleContext ctx) {
    Column a = trim(col("value_after"));
    Column b = trim(col("value_before"));
    return kind(BeanstalkSchemas.PLATFORM)
        .and(coalesce(branch(a).equalTo(branch(b)), lit(false)))
        .and(coalesce(version(a).lt(version(b)), lit(false)));
  }

  @Override
  public Column detail(RuleContext ctx) {
    return changeDetail("Platform downgraded from ", shownBefore(), " to ", trim(col("value_after")));
  }
}
