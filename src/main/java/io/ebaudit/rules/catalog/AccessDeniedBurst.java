package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.catalog.Rules.eventDetail;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.unix_seconds;

import io.ebaudit.rules.RuleContext;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.expressions.Window;

/**
 * One principal denied on Beanstalk APIs at least {@code threshold} times (default 5) within
 * {@code window_minutes} (default 10) either side of a denial: probing for permissions, or a stolen
 * credential being tried out. Read-only calls count. One finding per principal and day. Denials are
 * AccessDenied, AccessDeniedException, UnauthorizedOperation (also prefixed, as Client.UnauthorizedOperation),
 * Beanstalk's InsufficientPrivilegesException, and any code containing AccessDenied or NotAuthorized.
 */
public final class AccessDeniedBurst extends EventRule {
  static final String ID = "eb_access_denied_burst";
  static final String THRESHOLD = "5";
  static final String WINDOW_MINUTES = "10";

  @Override
  public String id() {
    return ID;
  }

  static Column denied() {
    Column code = lower(col("error_code"));
    return col("outcome").equalTo("failed")
        .and(coalesce(code.isin("accessdenied", "accessdeniedexception", "unauthorizedoperation",
                "insufficientprivilegesexception")
            .or(code.contains("accessdenied")).or(code.contains("notauthorized"))
            .or(code.contains("unauthorizedoperation")), lit(false)));
  }

  private static Column denials(RuleContext ctx) {
    long seconds = 60L * Long.parseLong(ctx.param(ID, "window_minutes", WINDOW_MINUTES).trim());
    return count(lit(1)).over(Window.partitionBy(col("principal_arn"), denied())
        .orderBy(unix_seconds(col("event_time")))
        .rangeBetween(-seconds, seconds));
  }

  @Override
  public Column matches(RuleContext ctx) {
    int threshold = Integer.parseInt(ctx.param(ID, "threshold", THRESHOLD).trim());
    return denied().and(col("principal_arn").isNotNull()).and(denials(ctx).geq(threshold));
  }

  @Override
  public Column detail(RuleContext ctx) {
    return eventDetail(denials(ctx), " access denials within ",
        ctx.param(ID, "window_minutes", WINDOW_MINUTES), " minutes of this one (", col("error_code"), ")");
  }

  @Override
  public List<Column> findingKey() {
    return List.of(col("principal_arn"), col("event_date"));
  }
}
