package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.catalog.Rules.*;
import static org.apache.spark.sql.functions.*;

import io.ebaudit.rules.RuleContext;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * A mutating call from an IP address outside {@code trusted_cidrs} (IPv4 and IPv6 blocks). The default is
 * an empty list, which turns the rule off: it cannot know your networks. Service names in
 * {@code sourceIPAddress} (calls made by AWS services) are never matched.
 */
public final class ChangeFromUntrustedNetwork extends EventRule {
  static final String ID = "eb_change_from_untrusted_network";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Column matches(RuleContext ctx) {
    Cidrs trusted = Cidrs.parse(ctx.params(ID, "trusted_cidrs", List.of()));
    if (trusted.isEmpty()) {
      return lit(false);
    }
    Column inTrusted = udf((org.apache.spark.sql.api.java.UDF1<String, Boolean>) trusted::contains,
        org.apache.spark.sql.types.DataTypes.BooleanType).withName("ebaudit_in_cidrs").apply(col("source_ip_address"));
    return mutating().and(human()).and(coalesce(not(inTrusted), lit(false)));
  }

  @Override
  public Column detail(RuleContext ctx) {
    return eventDetail("Change to ", environment(), " from an address outside the trusted networks");
  }
}
