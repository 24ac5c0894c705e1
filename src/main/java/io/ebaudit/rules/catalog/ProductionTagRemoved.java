package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.RuleContext.after;
import static io.ebaudit.rules.RuleContext.before;
import static io.ebaudit.rules.catalog.Rules.changeDetail;
import static io.ebaudit.rules.catalog.Rules.kind;
import static io.ebaudit.rules.catalog.Rules.shownAfter;
import static io.ebaudit.rules.catalog.Rules.shownBefore;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.trim;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.rules.RuleContext;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * The tag that marks an environment as production removed or changed to a non-production value: tag-based
 * access control, alerting and this tool's own severity raise stop treating it as production. Tag rows
 * carry the tag key in {@code option_name} and its values in {@code value_before}/{@code value_after}.
 */
public final class ProductionTagRemoved extends ChangeRule {
  static final String ID = "eb_production_tag_removed";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Column matches(RuleContext ctx) {
    List<String> keys = Rules.lowered(ctx.params(ID, "production_tag_keys", Rules.PRODUCTION_TAG_KEYS));
    List<String> values = Rules.lowered(ctx.params(ID, "production_tag_values", Rules.PRODUCTION_TAG_VALUES));
    return kind(BeanstalkSchemas.TAG_REMOVED, BeanstalkSchemas.TAG_ADDED)
        .and(coalesce(lower(trim(col("option_name"))).isin(keys.toArray()), lit(false)))
        .and(coalesce(before().isin(values.toArray()), lit(false)))
        .and(col("change_kind").equalTo(BeanstalkSchemas.TAG_REMOVED).or(not(after().isin(values.toArray()))));
  }

  @Override
  public Column detail(RuleContext ctx) {
    return changeDetail("Production tag ", col("option_name"), "=", shownBefore(), " ", org.apache.spark.sql.functions.when(col("change_kind").equalTo(BeanstalkSchemas.TAG_REMOVED), lit("removed"))
        .otherwise(Rules.text("changed to ", shownAfter())));
  }
}
