package io.ebaudit.permissions;

import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.ebaudit.iam.ActionCatalog;
import io.ebaudit.iam.AuthorizationDetails;
import io.ebaudit.io.Storage;
import io.ebaudit.permissions.Verdicts.PrincipalVerdicts;
import io.ebaudit.permissions.Verdicts.Use;
import io.ebaudit.report.FindingSchema;
import io.ebaudit.trail.EventSchema;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The permissions stage: writes {@code DIR/permissions/usage/} and {@code DIR/permissions/denied/}
 * always; with IAM exports also {@code DIR/permissions/verdicts/} ({@link Verdicts#VERDICTS}) and
 * {@code DIR/permissions/policies/<principal>.json} + {@code <principal>.notes.json} per principal with
 * usage, and {@code DIR/permissions/environment_roles/} ({@link EnvironmentRoles}) when
 * {@code DIR/environment_state/} exists. Returns the permissions findings ({@link FindingSchema#FINDINGS}, all {@code open}; empty
 * without exports).
 */
public final class PermissionsJob {
  private PermissionsJob() {}

  /**
   * What the stage produced: the findings, how many principals the exports held (0 without exports),
   * and how many environments {@code environment_roles} lists.
   */
  public record Outcome(Dataset<Row> findings, long principalsEvaluated, long environments) {}

  public static Dataset<Row> run(SparkSession spark, String out, Dataset<Row> events, List<String> iamPaths) {
    return runAll(spark, out, events, iamPaths).findings();
  }

  /**
   * {@link #run}, and {@code DIR/permissions/environment_roles/} ({@link EnvironmentRoles}) when
   * {@code DIR/environment_state/} exists (resolved through the exports when given).
   */
  public static Outcome runAll(SparkSession spark, String out, Dataset<Row> events, List<String> iamPaths) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String root = Storage.child(out, "permissions");
    String usagePath = Storage.child(root, "usage");
    String deniedPath = Storage.child(root, "denied");
    Usage.derive(events).write().mode(SaveMode.Overwrite).parquet(usagePath);
    Usage.denied(events).write().mode(SaveMode.Overwrite).parquet(deniedPath);
    boolean withIam = iamPaths != null && !iamPaths.isEmpty();
    AuthorizationDetails details = withIam ? IamExports.read(spark, iamPaths) : null;
    List<EnvironmentRoles.EnvironmentRole> envRoles = environmentRoles(spark, out, root, details);
    if (!withIam) {
      return new Outcome(spark.createDataFrame(List.of(), FindingSchema.FINDINGS), 0, envRoles.size());
    }
    List<Use> usage = new ArrayList<>();
    for (Row r : spark.read().schema(Usage.USAGE).parquet(usagePath).collectAsList()) usage.add(Use.of(r));
    Row window = events.agg(min("event_time"), max("event_time")).first();
    Instant from = instant(window.get(0));
    Instant to = instant(window.get(1));

    ActionCatalog catalog = ActionCatalog.standard();
    List<PrincipalVerdicts> verdicts = Verdicts.evaluate(details, usage, catalog);
    Verdicts.toDataset(spark, verdicts, EnvironmentRoles.environmentsByRole(envRoles)).write().mode(SaveMode.Overwrite).parquet(Storage.child(root, "verdicts"));

    String policies = Storage.child(root, "policies");
    Storage.delete(conf, policies);
    for (PrincipalVerdicts pv : verdicts) {
      if (!pv.active()) continue;
      RecommendedPolicy.Result r = RecommendedPolicy.build(pv, details, catalog, from, to);
      List<String> docs = r.documents();
      for (int i = 0; i < docs.size(); i++) {
        String name = docs.size() == 1 ? r.fileName() + ".json" : r.fileName() + ".part" + (i + 1) + ".json";
        Storage.writeText(conf, Storage.child(policies, name), docs.get(i));
      }
      Storage.writeText(conf, Storage.child(policies, r.fileName() + ".notes.json"), r.notes());
    }
    return new Outcome(PermissionFindings.toDataset(spark, verdicts), details.principals().size(), envRoles.size());
  }

  private static List<EnvironmentRoles.EnvironmentRole> environmentRoles(SparkSession spark, String out, String root,
      AuthorizationDetails details) {
    String statePath = Storage.child(out, "environment_state");
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(statePath);
      if (!p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p)) return List.of();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot read " + statePath + ": " + e.getMessage(), e);
    }
    List<EnvironmentRoles.EnvironmentRole> roles = EnvironmentRoles.resolve(
        spark.read().schema(io.ebaudit.beanstalk.BeanstalkSchemas.ENVIRONMENT_STATE).parquet(statePath), details);
    EnvironmentRoles.toDataset(spark, roles).write().mode(SaveMode.Overwrite)
        .parquet(Storage.child(root, "environment_roles"));
    return roles;
  }

  /** Convenience for tests and notebooks: the events table written by {@code ingest}. */
  public static Dataset<Row> readEvents(SparkSession spark, String eventsPath) {
    return spark.read().schema(EventSchema.EVENTS).parquet(eventsPath);
  }

  private static Instant instant(Object o) {
    return o == null ? null : o instanceof Instant i ? i : ((Timestamp) o).toInstant();
  }
}
