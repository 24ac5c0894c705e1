package io.ebaudit.jobs;

import java.io.PrintStream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/** Prints a line to stderr every few seconds while Spark works, so long reads are not silent. */
final class Progress extends SparkListener implements AutoCloseable {
  private final SparkSession spark;
  private final PrintStream out;
  private final String what;
  private final long everyNanos;
  private long last = System.nanoTime();
  private int stageTasks;
  private int done;
  private String stage = "";

  Progress(SparkSession spark, PrintStream out, String what, long everySeconds) {
    this.spark = spark;
    this.out = out;
    this.what = what;
    this.everyNanos = everySeconds * 1_000_000_000L;
    spark.sparkContext().addSparkListener(this);
  }

  @Override
  public synchronized void onStageSubmitted(SparkListenerStageSubmitted e) {
    stageTasks = e.stageInfo().numTasks();
    done = 0;
    stage = e.stageInfo().name().split(" at ")[0];
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
    done++;
    long now = System.nanoTime();
    if (now - last >= everyNanos) {
      last = now;
      out.printf("ebaudit: %s: %s %d/%d tasks%n", what, stage, done, stageTasks);
    }
  }

  @Override
  public void close() {
    spark.sparkContext().removeSparkListener(this);
  }
}
