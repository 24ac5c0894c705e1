package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.rules.RuleContext;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * A mutating call outside the approved {@code change_window} (default {@code Mon-Fri 07:00-19:00}) in
 * {@code timezone} (default UTC). Format: see {@link ChangeWindow}.
 */
public final class ChangeOutsideWindow extends EventRule {
  static final String ID = "eb_change_outside_window";

  @Override
  public String id() {
    return ID;
  }

  static final String WINDOW = "Mon-Fri 07:00-19:00";
  static final String ZONE = "UTC";

  private static ChangeWindow window(RuleContext ctx) {
    return ChangeWindow.parse(ctx.param(ID, "change_window", WINDOW), ctx.param(ID, "timezone", ZONE));
  }

  @Override
  public Column matches(RuleContext ctx) {
    ChangeWindow w = window(ctx);
    Column inWindow = udf((org.apache.spark.sql.api.java.UDF1<java.sql.Timestamp, Boolean>)
            t -> t == null ? null : w.contains(t.toInstant()),
        org.apache.spark.sql.types.DataTypes.BooleanType).withName("ebaudit_in_change_window").apply(col("event_time"));
    return mutating().and(human()).and(coalesce(not(inWindow), lit(false)));
  }

  @Override
  public Column detail(RuleContext ctx) {
    ChangeWindow w = window(ctx);
    Column local = udf((org.apache.spark.sql.api.java.UDF1<java.sql.Timestamp, String>)
            t -> t == null ? null : w.local(t.toInstant()),
        org.apache.spark.sql.types.DataTypes.StringType).withName("ebaudit_change_window_local").apply(col("event_time"));
    return eventDetail("Change to ", environment(), " on ", local, ", outside the change window ",
        ctx.param(ID, "change_window", WINDOW));
  }
}
