package io.ebaudit.rules.catalog;

import static io.ebaudit.rules.RuleContext.after;
import static io.ebaudit.rules.RuleContext.before;
import static io.ebaudit.rules.RuleContext.option;
import static io.ebaudit.rules.catalog.Rules.changeDetail;
import static io.ebaudit.rules.catalog.Rules.effectiveAfter;
import static io.ebaudit.rules.catalog.Rules.kind;
import static io.ebaudit.rules.catalog.Rules.optionTransition;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.rules.RuleContext;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.expressions.Window;

/**
 * HTTPS taken away from a load balancer listener:
 * <ul>
 *   <li>{@code ListenerEnabled=false} on an {@code aws:elbv2:listener:<port>} / {@code aws:elb:listener:<port>}
 *       that is port 443 or whose protocol was last seen as HTTPS/SSL in the trail;
 *   <li>{@code Protocol} / {@code ListenerProtocol} changed (or removed, default HTTP) from HTTPS/SSL to
 *       HTTP/TCP (or to HTTP on port 443 when the old protocol is unknown);
 *   <li>an HTTPS listener's certificate ({@code SSLCertificateArns} / {@code SSLCertificateId}) removed;
 *   <li>the classic {@code aws:elb:loadbalancer/LoadBalancerHTTPSPort} set to OFF;
 *   <li>{@code SSLPolicy} set to a policy in {@code weak_ssl_policies} (TLS 1.0/1.1 policies) from one not in it.
 * </ul>
 */
public final class HttpsListenerRemoved extends ChangeRule {
  static final String ID = "eb_https_listener_removed";

  /** ELB security policies that still accept TLS 1.0 or 1.1 (or older ciphers). */
  static final List<String> WEAK_SSL_POLICIES = List.of(
      "ELBSecurityPolicy-2016-08",
      "ELBSecurityPolicy-2015-05",
      "ELBSecurityPolicy-2015-03",
      "ELBSecurityPolicy-2015-02",
      "ELBSecurityPolicy-2014-10",
      "ELBSecurityPolicy-2014-01",
      "ELBSecurityPolicy-2011-08",
      "ELBSecurityPolicy-TLS-1-0-2015-04",
      "ELBSecurityPolicy-TLS-1-1-2017-01",
      "ELBSecurityPolicy-FS-2018-06",
      "ELBSecurityPolicy-FS-1-1-2019-08",
      "ELBSecurityPolicy-TLS13-1-0-2021-06",
      "ELBSecurityPolicy-TLS13-1-1-2021-06");

  @Override
  public String id() {
    return ID;
  }

  private static Column opt() {
    return lower(col("option_name"));
  }

  private static Column listenerNs() {
    return coalesce(col("namespace").rlike("^aws:elb(v2)?:listener:[0-9]+$"), lit(false));
  }

  private static Column port443() {
    return coalesce(col("namespace").endsWith(":443"), lit(false));
  }

  private static Column isProtocol() {
    return opt().isin("protocol", "listenerprotocol");
  }

  /** The listener's protocol as last set earlier in these changes (same target and namespace), lower-cased. */
  private static Column priorProtocol() {
    Column seen = when(isProtocol().and(after().notEqual("")), after())
        .when(isProtocol(), coalesce(before(), lit(null)));
    return last(seen, true).over(Window
        .partitionBy(col("account_id"), col("aws_region"), col("target_type"), col("target_name"), col("namespace"))
        .orderBy(col("event_time"), col("event_id"), col("option_name"))
        .rowsBetween(Window.unboundedPreceding(), -1));
  }

  private static Column tls(Column c) {
    return coalesce(c.isin("https", "ssl"), lit(false));
  }

  @Override
  public Column matches(RuleContext ctx) {
    List<String> weak = Rules.lowered(ctx.params(ID, "weak_ssl_policies", WEAK_SSL_POLICIES));
    Column wasTls = port443().or(tls(priorProtocol()));

    Column disabled = listenerNs().and(opt().equalTo("listenerenabled"))
        .and(kind(BeanstalkSchemas.OPTION_SET)).and(after().equalTo("false"))
        .and(not(coalesce(before().equalTo("false"), lit(false))))
        .and(wasTls);
    Column downgraded = listenerNs().and(isProtocol())
        .and(kind(BeanstalkSchemas.OPTION_SET, BeanstalkSchemas.OPTION_REMOVED))
        .and(effectiveAfter("http").isin("http", "tcp"))
        .and(tls(before()).or(before().isNull().and(wasTls)));
    Column certRemoved = listenerNs().and(opt().isin("sslcertificatearns", "sslcertificateid"))
        .and(kind(BeanstalkSchemas.OPTION_REMOVED).or(after().equalTo("")))
        .and(wasTls);
    Column classicOff = option("aws:elb:loadbalancer", "LoadBalancerHTTPSPort")
        .and(kind(BeanstalkSchemas.OPTION_SET, BeanstalkSchemas.OPTION_REMOVED))
        .and(effectiveAfter("off").equalTo("off"))
        .and(not(coalesce(before().equalTo("off"), lit(false))));
    Column weakPolicy = coalesce(col("namespace").rlike("^aws:elbv2:listener:"), lit(false))
        .and(opt().equalTo("sslpolicy"))
        .and(kind(BeanstalkSchemas.OPTION_SET, BeanstalkSchemas.OPTION_DEFAULT))
        .and(after().isin(weak.toArray()))
        .and(not(coalesce(before().isin(weak.toArray()), lit(false))));
    return coalesce(disabled.or(downgraded).or(certRemoved).or(classicOff).or(weakPolicy), lit(false));
  }

  @Override
  public Column detail(RuleContext ctx) {
    Column what = when(opt().equalTo("sslpolicy"), lit("Listener moved to a TLS policy that allows TLS 1.0/1.1"))
        .when(opt().isin("sslcertificatearns", "sslcertificateid"), lit("HTTPS listener certificate removed"))
        .when(isProtocol(), lit("Listener protocol changed from HTTPS to plain text"))
        .otherwise(lit("HTTPS listener disabled"));
    return changeDetail(what, " (", optionTransition(), ")");
  }
}
