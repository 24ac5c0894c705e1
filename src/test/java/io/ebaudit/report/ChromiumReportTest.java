package io.ebaudit.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ebaudit.io.ReportLayout;
import io.ebaudit.jobs.WeeklyFixture;
import io.ebaudit.testing.Chromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The weekly report as a person sees it: Debian's headless Chromium opens the demo-like report (its trail
 * carries script and onerror payloads in a user agent and an environment name) and the test checks,
 * through the DevTools protocol, that the page logs no error, requests nothing but itself, and that the
 * payloads are visible text that never ran. A full-page screenshot is kept in
 * {@code target/report-screenshots/}.
 */
class ChromiumReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Path SHOTS = Path.of("target", "report-screenshots");
  @TempDir Path profile;

  private static Path index() {
    return WeeklyFixture.get().root().resolve("report").resolve(ReportLayout.partition(WeeklyFixture.FIRST))
        .resolve("index.html");
  }

  @Test
  void thePageIsInertQuietAndSelfContained() throws Exception {
    Path index = index();
    String url = index.toUri().toString();
    try (Chromium c = Chromium.start(profile)) {
      for (String domain : List.of("Network", "Runtime", "Log", "Page")) {
        c.send(domain + ".enable", null);
      }
      c.send("Page.navigate", Chromium.params().put("url", url));
      c.await("Page.loadEventFired");
      // Let anything the page might schedule (an onerror handler, a timer) run before looking.
      c.send("Runtime.evaluate", Chromium.params()
          .put("expression", "new Promise(r => setTimeout(r, 750))").put("awaitPromise", true));
      JsonNode state = JSON.readTree(c.send("Runtime.evaluate", Chromium.params().put("returnByValue", true)
          .put("expression", "document.querySelectorAll('details').forEach(d => d.open = true);"
              + " const text = document.body.innerText;"
              + " document.querySelectorAll('details').forEach(d => d.open = false);"
              + " JSON.stringify({title: document.title, xss: typeof window.__xss,"
              + " scripts: document.scripts.length, text: text,"
              + " sections: document.querySelectorAll('main > section').length,"
              + " charts: document.querySelectorAll('svg.chart').length})"))
          .path("result").path("value").asText());

      assertThat(state.path("title").asText()).isEqualTo("Elastic Beanstalk compliance report — week ending 2026-11-15");
      assertThat(state.path("xss").asText()).isEqualTo("undefined");
      assertThat(state.path("scripts").asInt()).isZero();
      // Rendered as text a reader sees (the user agent in a finding's evidence, once expanded).
      assertThat(state.path("text").asText()).contains(WeeklyFixture.ENV_PAYLOAD, WeeklyFixture.UA_PAYLOAD);
      assertThat(state.path("sections").asInt()).isEqualTo(7);
      assertThat(state.path("charts").asInt()).isGreaterThanOrEqualTo(3);

      List<String> requests = new ArrayList<>();
      for (JsonNode e : c.events("Network.requestWillBeSent")) {
        requests.add(e.path("params").path("request").path("url").asText());
      }
      assertThat(requests).as("network requests").containsOnly(url);
      List<String> errors = new ArrayList<>();
      for (JsonNode e : c.events("Runtime.exceptionThrown")) {
        errors.add(e.path("params").toString());
      }
      for (JsonNode e : c.events("Runtime.consoleAPICalled")) {
        String type = e.path("params").path("type").asText();
        if (type.equals("error") || type.equals("assert") || type.equals("warning")) {
          errors.add(e.path("params").toString());
        }
      }
      for (JsonNode e : c.events("Log.entryAdded")) {
        String level = e.path("params").path("entry").path("level").asText();
        if (level.equals("error") || level.equals("warning")) {
          errors.add(e.path("params").toString());
        }
      }
      assertThat(errors).as("console errors").isEmpty();

      // The whole page, as a reviewer would scroll through it.
      JsonNode size = c.send("Page.getLayoutMetrics", null).path("cssContentSize");
      int height = (int) Math.min(16_000, Math.ceil(size.path("height").asDouble()));
      c.send("Emulation.setDeviceMetricsOverride", Chromium.params().put("width", 1280).put("height", height)
          .put("deviceScaleFactor", 1).put("mobile", false));
      Files.createDirectories(SHOTS);
      Path shot = screenshot(c, SHOTS.resolve("weekly-report.png"), height);
      Path top = screenshot(c, SHOTS.resolve("weekly-report-top.png"), Math.min(height, 2400));
      for (Path p : List.of(shot, top)) {
        byte[] png = Files.readAllBytes(p);
        assertThat(png.length).isGreaterThan(50_000);
        assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
      }
    }
  }

  private static Path screenshot(Chromium c, Path file, int height) throws Exception {
    var clip = Chromium.params().put("x", 0).put("y", 0).put("width", 1280).put("height", height).put("scale", 1);
    var params = Chromium.params().put("format", "png").put("captureBeyondViewport", true);
    params.set("clip", clip);
    Files.write(file, Base64.getDecoder().decode(c.send("Page.captureScreenshot", params).path("data").asText()));
    return file;
  }

  @Test
  void theDumpedDomHoldsThePayloadsAsText() throws Exception {
    String dom = Chromium.runOnce(profile, List.of("--dump-dom", "--virtual-time-budget=2000"), index().toUri().toString());
    Document d = Jsoup.parse(dom);
    assertThat(d.title()).isEqualTo("Elastic Beanstalk compliance report — week ending 2026-11-15");
    assertThat(d.select("script, img, iframe")).isEmpty();
    assertThat(d.body().text()).contains(WeeklyFixture.ENV_PAYLOAD, WeeklyFixture.UA_PAYLOAD);
  }
}
