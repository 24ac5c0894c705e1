package io.ebaudit.report;

import io.ebaudit.report.ReportModel.ControlView;
import io.ebaudit.report.ReportModel.Figure;
import io.ebaudit.report.ReportModel.FindingView;
import io.ebaudit.report.ReportModel.SeverityCount;

/**
 * {@code summary.md}: the report's headline for a ticket or a chat message. Every value that can come
 * from CloudTrail or configuration goes through {@link #text}, which neutralizes Markdown syntax and
 * HTML (renderers such as GitHub's pass inline HTML through), so a user agent or environment name
 * cannot add links, images, tables or markup.
 */
public final class MarkdownSummary {
  private MarkdownSummary() {}

  public static String render(ReportModel m) {
    StringBuilder sb = new StringBuilder();
    ReportModel.Header h = m.header();
    sb.append("# Elastic Beanstalk compliance report, week ending ").append(text(h.reportDate())).append("\n\n");
    sb.append("Window ").append(text(h.windowFrom())).append(" to ").append(text(h.windowTo())).append(" (UTC); ")
        .append(h.accounts().size()).append(" account(s), ").append(h.regions().size()).append(" region(s)");
    sb.append(h.previousDate() == null ? "; no earlier report to compare with.\n\n"
        : "; compared with the report of " + text(h.previousDate()) + ".\n\n");

    sb.append("| Figure | Value | Change |\n|---|---:|---:|\n");
    for (Figure f : m.headline()) {
      sb.append("| ").append(text(f.label())).append(" | ").append(text(f.value())).append(" | ")
          .append(f.delta() == null ? "" : text(f.delta())).append(" |\n");
    }
    sb.append("\nOpen findings by severity: ");
    boolean firstSev = true;
    for (SeverityCount s : m.severities()) {
      sb.append(firstSev ? "" : ", ").append(s.open()).append(' ').append(text(s.severity()));
      firstSev = false;
    }
    sb.append(".\n");
    if (m.changes().available()) {
      sb.append("Since the previous report: ").append(m.changes().newCount()).append(" new, ")
          .append(m.changes().resolvedCount()).append(" resolved.\n");
    }

    sb.append("\n## Top findings\n\n");
    int n = 0;
    for (FindingView f : m.topFindings()) {
      if (++n > 10) {
        break;
      }
      sb.append("- **").append(text(f.severity().toUpperCase(java.util.Locale.ROOT))).append("** ")
          .append(text(f.title()));
      if (f.environment() != null) {
        sb.append(" — ").append(text(f.environment()));
      }
      if (f.region() != null) {
        sb.append(" (").append(text(f.region())).append(")");
      }
      sb.append(f.added() ? " *new*" : "").append("  \n  rule `").append(code(f.ruleId())).append('`');
      if (f.principal() != null) {
        sb.append(", by ").append(text(f.principal()));
      }
      sb.append('\n');
    }
    if (m.topFindings().isEmpty()) {
      sb.append("No open findings.\n");
    }

    sb.append("\n## Controls\n\n");
    for (ControlView c : m.compliance().securityHub()) {
      sb.append("- Security Hub ").append(text(c.id())).append(": ").append(text(c.status())).append(" (")
          .append(c.open()).append(" open)\n");
    }
    for (ControlView c : m.compliance().practices()) {
      sb.append("- ").append(text(c.title())).append(": ").append(c.open()).append(" open finding(s)\n");
    }
    sb.append("\nFull report: `index.html` beside this file; findings: `findings.csv`.\n");
    return sb.toString();
  }

  /**
   * Plain text safe inside Markdown, where it is always placed inline: HTML's {@code & < >} become
   * entities, the punctuation that opens inline syntax is backslash-escaped, line breaks become spaces
   * (a value cannot start a heading, list or table row).
   */
  public static String text(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '\r', '\n', '\t', '\u2028', '\u2029' -> sb.append(' ');
        // Inline-only values (never at a line start): these are all that can open emphasis, code, links,
        // images, table cells or strike-through.
        case '\\', '`', '*', '_', '[', ']', '|', '~' -> sb.append('\\').append(c);
        // "://" would turn into an autolink.
        case ':' -> sb.append(s.startsWith("//", i + 1) ? "\\:" : ":");
        default -> sb.append(Character.isISOControl(c) ? ' ' : c);
      }
    }
    return sb.toString();
  }

  /** Text inside a code span: backticks and line breaks removed (a code span shows the rest literally). */
  static String code(String s) {
    if (s == null) {
      return "";
    }
    return s.replace('`', '\'').replaceAll("[\\r\\n\\t\\u2028\\u2029]", " ");
  }
}
