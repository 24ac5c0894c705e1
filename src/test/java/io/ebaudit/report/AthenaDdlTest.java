package io.ebaudit.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import io.ebaudit.io.MetricStreams;
import io.ebaudit.io.ReportTables;
import io.ebaudit.permissions.EnvironmentRoles;
import io.ebaudit.permissions.Usage;
import io.ebaudit.permissions.Verdicts;
import io.ebaudit.posture.Coverage;
import io.ebaudit.posture.Imds;
import io.ebaudit.posture.Instances;
import io.ebaudit.posture.Platforms;
import io.ebaudit.testing.SparkSuite;
import io.ebaudit.trail.EventSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampType;
import org.junit.Test;

/**
 * jobs/athena/*.sql against the tables' Spark schemas: the expected column list is generated here from
 * each StructType (for coverage and imds, from the stage run on empty input), so a schema change that the
 * DDL does not follow fails.
 */
public class AthenaDdlTest extends SparkSuite {
  private static final Path DIR = Path.of("jobs/athena");
  private static final String TEMPLATE = "report_date=${report_date}/";

  /** Table name → (folder under ROOT, schema, Spark partition columns Athena does not see). */
  private record Expected(String folder, StructType schema, Set<String> innerPartitions) {}

  private Map<String, Expected> expected() {
    var state = spark().createDataFrame(List.of(), BeanstalkSchemas.ENVIRONMENT_STATE);
    var events = spark().createDataFrame(List.of(), EventSchema.EVENTS);
    var metrics = spark().createDataFrame(List.of(), MetricStreams.METRICS);
    Map<String, Expected> m = new LinkedHashMap<>();
    m.put("events", new Expected("events", EventSchema.EVENTS, Set.of("event_date")));
    m.put("beanstalk_events", new Expected(ReportTables.BEANSTALK_EVENTS, BeanstalkSchemas.BEANSTALK_EVENTS, Set.of("event_date")));
    m.put("config_changes", new Expected(ReportTables.CONFIG_CHANGES, BeanstalkSchemas.CONFIG_CHANGES, Set.of("event_date")));
    m.put("environment_state", new Expected(ReportTables.ENVIRONMENT_STATE, BeanstalkSchemas.ENVIRONMENT_STATE, Set.of()));
    m.put("platforms", new Expected(ReportTables.PLATFORMS, Platforms.PLATFORMS, Set.of()));
    m.put("coverage", new Expected(ReportTables.COVERAGE, Coverage.derive(state).schema(), Set.of()));
    m.put("imds", new Expected(ReportTables.IMDS,
        Imds.derive(state, Instances.derive(events), metrics, null, null).schema(), Set.of()));
    m.put("findings", new Expected(ReportTables.FINDINGS, FindingSchema.FINDINGS, Set.of()));
    m.put("permissions_usage", new Expected("permissions/usage", Usage.USAGE, Set.of()));
    m.put("permissions_denied", new Expected("permissions/denied", Usage.DENIED, Set.of()));
    m.put("permissions_verdicts", new Expected(ReportTables.VERDICTS, Verdicts.VERDICTS, Set.of()));
    m.put("environment_roles", new Expected(ReportTables.ENVIRONMENT_ROLES, EnvironmentRoles.ENVIRONMENT_ROLES, Set.of()));
    m.put("impact", new Expected(ReportTables.IMPACT, ReportInputs.IMPACT, Set.of()));
    m.put("metrics", new Expected("metrics", MetricStreams.METRICS, Set.of()));
    m.put("quarantine", new Expected(ReportTables.QUARANTINE, EventSchema.QUARANTINE, Set.of()));
    return m;
  }

  @Test
  public void everyTableHasDdlWhoseColumnsAreItsSchema() throws Exception {
    Map<String, Expected> expected = expected();
    Set<String> files = new TreeSet<>();
    try (Stream<Path> s = Files.list(DIR)) {
      s.filter(p -> p.toString().endsWith(".sql")).forEach(p -> files.add(p.getFileName().toString()));
    }
    assertThat(files).contains("00_database.sql");
    Set<String> tables = new TreeSet<>();
    for (String f : files) {
      if (f.equals("00_database.sql")) {
        continue;
      }
      String sql = Files.readString(DIR.resolve(f));
      Ddl ddl = Ddl.parse(sql);
      tables.add(ddl.table);
      assertThat(f).as("file name").isEqualTo(ddl.table + ".sql");
      Expected e = expected.get(ddl.table);
      assertThat(e).as("a schema for " + f).isNotNull();
      List<String> want = new ArrayList<>();
      for (StructField field : e.schema().fields()) {
        if (!e.innerPartitions().contains(field.name())) {
          want.add(field.name() + " " + hive(field.dataType()));
        }
      }
      assertThat(ddl.columns).as("columns of " + f).containsExactlyElementsOf(want);
      assertThat(ddl.partitions).as("partitions of " + f).containsExactly("report_date string");
      assertThat(ddl.location).as("location of " + f).endsWith("/" + e.folder() + "/");
      assertThat(ddl.template).as("projection template of " + f).isEqualTo(ddl.location + TEMPLATE);
      assertThat(sql).contains("'projection.enabled' = 'true'", "'projection.report_date.type' = 'date'",
          "'projection.report_date.format' = 'yyyy-MM-dd'");
      assertThat(sql).contains(f.equals("quarantine.sql") ? "JsonSerDe" : "STORED AS PARQUET");
    }
    assertThat(tables).containsExactlyInAnyOrderElementsOf(expected.keySet());
  }

  @Test
  public void aDriftedColumnIsCaught() {
    String sql = "CREATE EXTERNAL TABLE IF NOT EXISTS ebaudit.x (\n  `a` string,\n  `b` map<string,double>\n)\n"
        + "PARTITIONED BY (`report_date` string)\nSTORED AS PARQUET\nLOCATION 's3://b/p/x/'\n"
        + "TBLPROPERTIES ('storage.location.template' = 's3://b/p/x/report_date=${report_date}/');";
    Ddl d = Ddl.parse(sql);
    assertThat(d.columns).containsExactly("a string", "b map<string,double>");
    assertThat(d.columns).doesNotContain("b " + hive(org.apache.spark.sql.types.DataTypes.createMapType(
        org.apache.spark.sql.types.DataTypes.StringType, org.apache.spark.sql.types.DataTypes.LongType)));
  }

  /** Spark type → Athena (Hive) DDL type. */
  static String hive(DataType t) {
    if (t instanceof StringType) return "string";
    if (t instanceof TimestampType) return "timestamp";
    if (t instanceof DateType) return "date";
    if (t instanceof BooleanType) return "boolean";
    if (t instanceof LongType) return "bigint";
    if (t instanceof IntegerType) return "int";
    if (t instanceof DoubleType) return "double";
    if (t instanceof ArrayType a) return "array<" + hive(a.elementType()) + ">";
    if (t instanceof MapType m) return "map<" + hive(m.keyType()) + "," + hive(m.valueType()) + ">";
    if (t instanceof StructType s) {
      List<String> parts = new ArrayList<>();
      for (StructField f : s.fields()) {
        parts.add(f.name() + ":" + hive(f.dataType()));
      }
      return "struct<" + String.join(",", parts) + ">";
    }
    throw new AssertionError("no Athena type for " + t);
  }

  /** The parts of one CREATE EXTERNAL TABLE statement. */
  static final class Ddl {
    String table;
    List<String> columns = new ArrayList<>();
    List<String> partitions = new ArrayList<>();
    String location;
    String template;

    static Ddl parse(String sql) {
      Ddl d = new Ddl();
      String body = sql.replaceAll("(?m)^--.*$", "");
      Matcher t = Pattern.compile("CREATE EXTERNAL TABLE IF NOT EXISTS ebaudit\\.(\\w+) \\(\\n(.*?)\\n\\)\\n", Pattern.DOTALL)
          .matcher(body);
      assertThat(t.find()).as("a CREATE EXTERNAL TABLE in " + sql).isTrue();
      d.table = t.group(1);
      d.columns = columns(t.group(2));
      Matcher p = Pattern.compile("PARTITIONED BY \\((.*?)\\)\\n").matcher(body);
      assertThat(p.find()).isTrue();
      d.partitions = columns(p.group(1));
      Matcher l = Pattern.compile("LOCATION '([^']*)'").matcher(body);
      assertThat(l.find()).isTrue();
      d.location = l.group(1);
      Matcher tpl = Pattern.compile("'storage.location.template' = '([^']*)'").matcher(body);
      assertThat(tpl.find()).isTrue();
      d.template = tpl.group(1);
      return d;
    }

    private static List<String> columns(String block) {
      List<String> out = new ArrayList<>();
      Matcher m = Pattern.compile("`(\\w+)` ([^\\s,][^\\n]*?)(?:,\\s*(?=`)|\\s*$)", Pattern.MULTILINE).matcher(block.trim());
      while (m.find()) {
        out.add(m.group(1) + " " + m.group(2).trim());
      }
      return out;
    }
  }
}
