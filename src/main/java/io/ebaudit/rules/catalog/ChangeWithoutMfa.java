package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.rules.RuleContext;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * An IAM user changed Beanstalk without MFA from an interactive client ({@code client_classes}, default
 * console, aws_cli, eb_cli). Access keys never carry MFA unless the user took an MFA session, so a
 * missing flag counts as no MFA.
 */
public final class ChangeWithoutMfa extends EventRule {
  static final String ID = "eb_change_without_mfa";

  @Override
  public String id() {
    return ID;
  }

  static final List<String> CLIENTS = List.of("console", "aws_cli", "eb_cli");

  @Override
  public Column matches(RuleContext ctx) {
    List<String> clients = lowered(ctx.params(ID, "client_classes", CLIENTS));
    return col("principal_kind").equalTo("iam_user")
        .and(not(coalesce(col("mfa_authenticated"), lit(false))))
        .and(lower(col("client_class")).isin(clients.toArray()))
        .and(mutating()).and(human());
  }

  @Override
  public Column detail(RuleContext ctx) {
    return eventDetail("IAM user without MFA changed ", environment(), " with ", col("client_class"));
  }
}
