package io.ebaudit.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Applies the {@code suppressions:} list of the settings to findings.
 *
 * <p>A finding matched by a suppression that holds today gets status {@code suppressed},
 * {@code suppression_reason} and {@code suppressed_until} (the {@code expires} date, or null). One matched
 * only by expired suppressions keeps its status, and {@code suppression_reason} says
 * {@code expired YYYY-MM-DD: <reason>}, so that an analyst sees why it came back. The first matching
 * suppression in list order wins.
 *
 * <p>YAML keys of an entry: {@code rule_id} and {@code reason} (required), {@code environment},
 * {@code principal_arn}, {@code resource_arn}, {@code expires} (YYYY-MM-DD). A rule id that no shipped
 * rule has is accepted (a settings file may outlive a rule or predate one), but it must look like a rule
 * id; callers can warn with {@link #unknownRuleIds}.
 */
public final class Suppressions {
  private Suppressions() {}

  private static final Set<String> KEYS =
      Set.of("rule_id", "environment", "principal_arn", "resource_arn", "reason", "expires");
  private static final Pattern RULE_ID = Pattern.compile("[a-z][a-z0-9_]*");

  /** Parses the {@code suppressions} settings section; null, missing or YAML null is an empty list. */
  public static List<Suppression> parse(JsonNode section) {
    List<Suppression> out = new ArrayList<>();
    if (section == null || section.isMissingNode() || section.isNull()) {
      return out;
    }
    if (!section.isArray()) {
      throw new IllegalArgumentException("Cannot configure: suppressions must be a list, got " + section);
    }
    for (int i = 0; i < section.size(); i++) {
      JsonNode e = section.get(i);
      String at = "suppressions[" + i + "]";
      if (!e.isObject()) {
        throw new IllegalArgumentException("Cannot configure: " + at + " must be a mapping, got " + e);
      }
      for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!KEYS.contains(k)) {
          throw new IllegalArgumentException("Cannot configure: " + at + " has an unknown key (known: "
              + new TreeSet<>(KEYS) + "), got " + k);
        }
      }
      String ruleId = text(e, "rule_id", at);
      if (ruleId == null) {
        throw new IllegalArgumentException("Cannot configure: " + at + " needs a rule_id, got " + e);
      }
      if (!RULE_ID.matcher(ruleId).matches()) {
        throw new IllegalArgumentException("Cannot configure: " + at + ".rule_id must be a snake_case rule id, got " + ruleId);
      }
      String reason = text(e, "reason", at);
      if (reason == null) {
        throw new IllegalArgumentException("Cannot configure: " + at + " needs a reason, got " + e);
      }
      String expires = text(e, "expires", at);
      LocalDate date = null;
      if (expires != null) {
        try {
          date = LocalDate.parse(expires);
        } catch (DateTimeParseException x) {
          throw new IllegalArgumentException("Cannot configure: " + at + ".expires must be a date YYYY-MM-DD, got " + expires);
        }
      }
      out.add(new Suppression(ruleId, text(e, "environment", at), text(e, "principal_arn", at),
          text(e, "resource_arn", at), reason, date));
    }
    return out;
  }

  /** The rule ids of {@code list} that are not in {@code known}, sorted. */
  public static Set<String> unknownRuleIds(List<Suppression> list, Collection<String> known) {
    Set<String> out = new TreeSet<>();
    for (Suppression s : list) {
      if (!known.contains(s.ruleId())) {
        out.add(s.ruleId());
      }
    }
    return out;
  }

  /** {@code findings} (columns of {@link FindingSchema#FINDINGS}) with the suppressions applied. */
  public static Dataset<Row> apply(Dataset<Row> findings, List<Suppression> list, LocalDate today) {
    if (list.isEmpty()) {
      return findings;
    }
    Column status = null;
    Column reason = null;
    Column until = null;
    // Holding suppressions first, in list order, then expired ones: a holding one wins wherever it is.
    List<Suppression> ordered = new ArrayList<>();
    list.stream().filter(s -> s.activeOn(today)).forEach(ordered::add);
    list.stream().filter(s -> !s.activeOn(today)).forEach(ordered::add);
    for (Suppression s : ordered) {
      Column m = matches(s);
      boolean active = s.activeOn(today);
      Column st = active ? lit(FindingSchema.SUPPRESSED) : col("status");
      Column re = lit(active ? s.reason() : "expired " + s.expires() + ": " + s.reason());
      Column un = !active ? col("suppressed_until")
          : s.expires() != null ? lit(s.expires().toString()) : lit(null).cast("string");
      status = status == null ? when(m, st) : status.when(m, st);
      reason = reason == null ? when(m, re) : reason.when(m, re);
      until = until == null ? when(m, un) : until.when(m, un);
    }
    List<Column> cols = new ArrayList<>();
    for (String n : findings.columns()) {
      switch (n) {
        case "status" -> cols.add(status.otherwise(col(n)).as(n));
        case "suppression_reason" -> cols.add(reason.otherwise(col(n)).as(n));
        case "suppressed_until" -> cols.add(until.otherwise(col(n)).as(n));
        default -> cols.add(col(n));
      }
    }
    return findings.select(cols.toArray(Column[]::new));
  }

  private static Column matches(Suppression s) {
    Column m = col("rule_id").equalTo(lit(s.ruleId()));
    m = and(m, "environment", s.environment());
    m = and(m, "principal_arn", s.principalArn());
    return and(m, "resource_arn", s.resourceArn());
  }

  private static Column and(Column m, String column, String value) {
    if (value == null) {
      return m;
    }
    if (value.indexOf('*') < 0) {
      return m.and(col(column).equalTo(lit(value)));
    }
    String like = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace("*", "%");
    return m.and(col(column).like(like));
  }

  private static String text(JsonNode e, String key, String at) {
    JsonNode n = e.get(key);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isValueNode()) {
      throw new IllegalArgumentException("Cannot configure: " + at + "." + key + " must be a single value, got " + n);
    }
    String s = n.asText().trim();
    return s.isEmpty() ? null : s;
  }
}
