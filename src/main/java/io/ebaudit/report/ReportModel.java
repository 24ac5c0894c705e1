package io.ebaudit.report;

import java.util.List;

/**
 * What the weekly report shows, computed by {@link WeeklyReport} and rendered by {@link HtmlReport} and
 * {@link MarkdownSummary}. Plain values only: every string is raw (the HTML template escapes it, the
 * Markdown writer escapes it), chart geometry is precomputed in user units.
 */
public record ReportModel(
    Header header,
    List<Figure> headline,
    List<SeverityCount> severities,
    Changes changes,
    Charts charts,
    List<FindingView> topFindings,
    int openFindings,
    List<EnvironmentView> environments,
    int environmentsOmitted,
    List<RoleView> roles,
    int rolesOmitted,
    boolean permissionsEvaluated,
    Compliance compliance,
    DataQuality dataQuality,
    List<String> notes) {

  /** Title block. */
  public record Header(String reportDate, String windowFrom, String windowTo, String generatedAt, String version,
      List<String> accounts, List<String> regions, String previousDate) {}

  /** A headline figure and its change since the previous report ({@code delta} null when none). */
  public record Figure(String label, String value, String delta, String trend, String hint) {}

  /** Findings of one severity. */
  public record SeverityCount(String severity, long open, long suppressed) {}

  /** Findings new and resolved since the previous report (by stable finding id). */
  public record Changes(boolean available, long newCount, long resolvedCount, List<FindingLine> added,
      List<FindingLine> resolved) {}

  /** One finding in a list. */
  public record FindingLine(String severity, String title, String environment, String ruleId, String findingId) {}

  /** One finding in full. */
  public record FindingView(String findingId, String ruleId, String severity, String status, String title,
      String detail, String account, String region, String application, String environment, String principal,
      String firstSeen, String lastSeen, List<KeyValue> evidence, String remediation, List<String> compliance,
      boolean added, String environmentAnchor) {}

  /** A name and a value. */
  public record KeyValue(String key, String value) {}

  /** The charts; {@code impact} is null when no impact table exists. */
  public record Charts(ColumnChart severityByDay, BarChart staleness, BarChart leastPrivilege, BarChart impact) {}

  /** A stacked column chart. */
  public record ColumnChart(int width, int height, List<Column> columns, List<Tick> ticks, List<Legend> legend,
      long undated, String caption) {}

  /** One column: its label at {@code labelX}, its segments. */
  public record Column(String label, double labelX, double labelY, List<Rect> segments, String total,
      double totalY) {}

  /** A rectangle with a CSS class and a tooltip. */
  public record Rect(double x, double y, double w, double h, String cls, String title) {}

  /** A grid line and its value. */
  public record Tick(double y, String label) {}

  /** A legend entry. */
  public record Legend(String cls, String label) {}

  /** A horizontal bar chart, one row per item, stacked segments. */
  public record BarChart(int width, int height, int labelWidth, List<BarRow> rows, List<Legend> legend,
      String caption, int omitted) {}

  /** One row of a bar chart. */
  public record BarRow(String label, String sublabel, double y, List<Rect> segments, String note, double noteX,
      String noteCls) {}

  /** A section per environment. */
  public record EnvironmentView(String anchor, String name, String application, String account, String region,
      String environmentId, boolean live, PlatformView platform, List<PostureItem> posture, String imdsVerdict,
      String imdsDetail, List<KeyValue> roles, List<SeverityCount> findings, long openFindings,
      List<ChangeView> timeline, int timelineOmitted, List<ImpactView> impact) {}

  /** An environment's platform. */
  public record PlatformView(String platform, String branch, String lifecycle, String current, String target,
      int versionsBehind, String verdict, String severity, String reason, String deadline) {}

  /** One posture setting. */
  public record PostureItem(String label, boolean ok, String value, String changedBy, String changedTime) {}

  /** One change in an environment's timeline. */
  public record ChangeView(String time, String eventName, String kind, String what, String before, String after,
      String principal, String client, String sourceIp) {}

  /** One change's impact on health and errors. */
  public record ImpactView(String time, String kind, String eventName, String principal, String health,
      String errors, String latency, boolean degraded, String reasons) {}

  /** Permissions of one principal. */
  public record RoleView(String name, String arn, String account, String kind, long used, long unused,
      long unobservable, long usedNotGranted, String reduction, String policyHref, List<String> environments,
      boolean active) {}

  /** The compliance view. */
  public record Compliance(List<ControlView> securityHub, List<ControlView> nist, List<ControlView> practices,
      List<ControlView> other) {}

  /** One control, practice or framework requirement and the findings against it. */
  public record ControlView(String id, String title, String description, long open, long suppressed,
      long criticalHigh, String status, List<String> rules) {}

  /** Data quality of the run. */
  public record DataQuality(boolean ingestAvailable, List<KeyValue> files, List<KeyValue> records,
      List<KeyValue> skippedByReason, List<KeyValue> quarantineReasons, String rejectRatio, String maxRejectRatio,
      boolean overLimit, String digest, List<CatalogView> catalogs, List<String> trails, String window) {}

  /** A catalog or export the run used. */
  public record CatalogView(String name, String source, String asOf, String age, String note, boolean stale) {}
}
