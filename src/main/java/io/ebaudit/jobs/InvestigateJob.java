package io.ebaudit.jobs;

import io.ebaudit.investigate.Investigations;
import io.ebaudit.investigate.Timelines;
import org.apache.spark.sql.SparkSession;

/** {@code investigate principal|environment}: open the output root, render the timeline. */
public final class InvestigateJob {
  private InvestigateJob() {}

  /** The principal's timeline, as text or JSON ({@link Timelines#principal}). */
  public static String principal(SparkSession spark, String data, String reportDate, String principal,
      Timelines.Options options) {
    return Timelines.principal(Investigations.open(spark, data, reportDate), principal, options);
  }

  /** The environment's timeline, as text or JSON ({@link Timelines#environment}). */
  public static String environment(SparkSession spark, String data, String reportDate, String environment,
      Timelines.Options options) {
    return Timelines.environment(Investigations.open(spark, data, reportDate), environment, options);
  }
}
