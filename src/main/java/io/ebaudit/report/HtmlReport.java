package io.ebaudit.report;

import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;

/**
 * Renders the weekly report ({@link ReportModel}) as one self-contained HTML page: inline CSS and SVG,
 * no script, no external resource (a Content-Security-Policy says so to the browser too). The template
 * is {@code /report/index.ftlh}; the {@code .ftlh} extension turns on FreeMarker's HTML auto-escaping,
 * so every value — CloudTrail's included — is escaped wherever it is printed.
 */
public final class HtmlReport {
  private HtmlReport() {}

  private static final Configuration FREEMARKER = configuration();

  private static Configuration configuration() {
    Configuration c = new Configuration(Configuration.VERSION_2_3_34);
    c.setClassForTemplateLoading(HtmlReport.class, "/report");
    c.setRecognizeStandardFileExtensions(true);
    c.setDefaultEncoding("UTF-8");
    c.setLocale(Locale.ROOT);
    c.setTimeZone(TimeZone.getTimeZone("UTC"));
    // Coordinates and counts print as plain numbers, never grouped ("1,234") or localized.
    c.setNumberFormat("computer");
    c.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
    c.setLogTemplateExceptions(false);
    c.setWrapUncheckedExceptions(true);
    c.setFallbackOnNullLoopVariable(false);
    c.setAPIBuiltinEnabled(false);
    return c;
  }

  public static String render(ReportModel model) {
    try {
      Template t = FREEMARKER.getTemplate("index.ftlh");
      StringWriter out = new StringWriter(1 << 16);
      t.process(Map.of("r", model), out);
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot render the report: " + e.getMessage(), e);
    } catch (TemplateException e) {
      throw new IllegalStateException("Cannot render the report: " + e.getMessage(), e);
    }
  }
}
