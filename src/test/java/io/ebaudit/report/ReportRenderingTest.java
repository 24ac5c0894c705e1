package io.ebaudit.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.report.ReportModel.*;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/** The templates and writers on a hand-made model: escaping, charts, Markdown. No Spark. */
class ReportRenderingTest {
  static final String EVIL = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&";

  static ReportModel model(String name) {
    Header h = new Header("2026-11-29", "2026-11-23", "2026-11-29", "2026-11-30 06:00 UTC", "test",
        List.of("111122223333"), List.of("us-east-1"), "2026-11-22");
    List<Figure> figures = List.of(new Figure("Open findings", "3", "+1", "worse", name));
    List<SeverityCount> sev = List.of(new SeverityCount("high", 2, 0), new SeverityCount("low", 1, 1));
    Changes changes = new Changes(true, 1, 0, List.of(new FindingLine("high", name, name, "eb_x", "f1")), List.of());
    ColumnChart col = Charts.columns(List.of(new Charts.Item("Mon", "2026-11-23",
        List.of(new Charts.Part("sev-high", 2, name)), null, null)), List.of(new Legend("sev-high", "High")), 0, "c");
    BarChart bars = Charts.bars(List.of(new Charts.Item(name, name, List.of(new Charts.Part("life-behind", 3, name)),
        name, "note-bad")), -1, List.of(), "b", 10);
    FindingView f = new FindingView("f1", "eb_x", "high", "open", name, name, "111122223333", "us-east-1", "app", name,
        name, "t", "t", List.of(new KeyValue("user_agent", name)), "aws elasticbeanstalk x --environment-name " + name,
        List.of("Security Hub EC2.8"), true, "env-abc");
    EnvironmentView env = new EnvironmentView("env-abc", name, "app", "111122223333", "us-east-1", "e-1", true,
        new PlatformView(name, name, "supported", "1.0", "1.1", 1, "eb_platform_outdated", "low", name, null),
        List.of(new PostureItem("Enhanced health reporting", false, name, name, "t")), "unknown", name,
        List.of(new KeyValue("Service role", name)), sev, 3,
        List.of(new ChangeView("t", "UpdateEnvironment", "option_set", name, name, name, name, "console", name)), 0,
        List.of(new ImpactView("t", "config_change", "UpdateEnvironment", name, "0 → 25", "0% → 4%", "100 ms → 900 ms",
            true, name)));
    RoleView role = new RoleView(name, "arn:aws:iam::111122223333:role/x", "111122223333", "role", 1, 3, 1, 0, "75%",
        "../../permissions/policies/report_date=2026-11-29/111122223333/x.json", List.of(name), true);
    ControlView c = new ControlView("EC2.8", "t", "d", 1, 0, 1, "failed", List.of("eb_x (1)"));
    Compliance comp = new Compliance(List.of(c), List.of(c), List.of(new ControlView("imdsv2", "IMDSv2", "d", 1, 0, 1,
        "attention", List.of())), List.of());
    DataQuality dq = new DataQuality(true, List.of(new KeyValue("read", "1")), List.of(new KeyValue("read", "2")),
        List.of(), List.of(new KeyValue(name, "1")), "0.0000", "0.0100", false, "not run", List.of(
        new CatalogView("Platform catalog", name, "2023-06-15", "900 days", "note", true)), List.of(name), "w");
    return new ReportModel(h, figures, sev, changes, new ReportModel.Charts(col, bars, bars, bars), List.of(f), 3,
        List.of(env), 0, List.of(role), 0, true, comp, dq, List.of(name));
  }

  @Test
  void everyValueIsEscapedWhereverItIsPrinted() {
    String html = HtmlReport.render(model(EVIL));
    Document d = Jsoup.parse(html);
    assertThat(d.select("script, img")).isEmpty();
    d.getAllElements().forEach(e -> e.attributes().forEach(a -> assertThat(a.getKey()).doesNotStartWith("on")));
    assertThat(html).doesNotContain("<script>alert(1)").doesNotContain("<img src=x");
    // Text nodes, SVG <title>/<text> and attributes alike hold the literal value.
    assertThat(d.select("svg title").eachText()).contains(EVIL);
    assertThat(d.select("svg text.rowlabel").eachText()).allSatisfy(t -> assertThat(EVIL).startsWith(t.replace("…", "")));
    assertThat(d.select("#top .title").text()).isEqualTo(EVIL);
    assertThat(d.select("pre.cmd").text()).endsWith(EVIL);
    assertThat(d.text()).contains(EVIL);
  }

  @Test
  void chartsScaleToTheirLargestValue() {
    assertThat(Charts.niceMax(0)).isEqualTo(4);
    assertThat(Charts.niceMax(3)).isEqualTo(4);
    assertThat(Charts.niceMax(7)).isEqualTo(8);
    assertThat(Charts.niceMax(94)).isEqualTo(100);
    assertThat(Charts.niceMax(101)).isEqualTo(200);
    ColumnChart c = Charts.columns(List.of(
        new Charts.Item("a", null, List.of(new Charts.Part("sev-high", 10, ""), new Charts.Part("sev-low", 10, "")), null, null),
        new Charts.Item("b", null, List.of(new Charts.Part("sev-high", 5, "")), null, null)), List.of(), 0, "");
    Rect high = c.columns().get(0).segments().get(0);
    Rect low = c.columns().get(0).segments().get(1);
    assertThat(low.y() + low.h()).isEqualTo(high.y());
    assertThat(c.columns().get(1).segments().get(0).h()).isEqualTo(high.h() / 2, org.assertj.core.data.Offset.offset(0.2));
    assertThat(c.columns().get(0).total()).isEqualTo("20");
  }

  @Test
  void markdownKeepsValuesInline() {
    assertThat(MarkdownSummary.text("a|b *c* [x](javascript:y) <img> & `d`\n# h"))
        .isEqualTo("a\\|b \\*c\\* \\[x\\](javascript:y) &lt;img&gt; &amp; \\`d\\` # h");
    assertThat(MarkdownSummary.text("see http://evil.example/x")).isEqualTo("see http\\://evil.example/x");
    String md = MarkdownSummary.render(model(EVIL));
    assertThat(md).doesNotContain("<script").doesNotContain("<img");
    assertThat(md).contains("&lt;script&gt;");
  }

  @Test
  void practicesFollowTheComplianceTags() {
    var imds = Practices.PRACTICES.stream().filter(p -> p.id().equals("imdsv2")).findFirst().orElseThrow();
    assertThat(imds.matches(List.of("Security Hub EC2.8", "NIST 800-53 AC-3"))).isTrue();
    assertThat(imds.matches(List.of("NIST 800-53 AC-3"))).isFalse();
    var lp = Practices.PRACTICES.stream().filter(p -> p.id().equals("least_privilege")).findFirst().orElseThrow();
    assertThat(lp.matches(List.of("NIST 800-53 AC-6(10)"))).isTrue();
    assertThat(lp.matches(List.of("NIST 800-53 AC-17"))).isFalse();
    assertThat(Practices.securityHubControls(List.of("Security Hub ElasticBeanstalk.2", "NIST 800-53 SI-2")))
        .containsExactly("ElasticBeanstalk.2");
    assertThat(WeeklyReport.compareControls("AC-6", "AC-17")).isNegative();
    assertThat(WeeklyReport.compareControls("AC-6(1)", "AC-6")).isPositive();
  }
}
