package io.ebaudit.testing;

import io.ebaudit.jobs.SparkSessions;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The one local SparkSession of the test JVM, shared by JUnit 5 tests and by the spark-testing-base
 * suites ({@link SparkSuite}): a session start costs seconds on two cores, so it is never stopped.
 */
public final class TestSpark {
  private TestSpark() {}

  public static SparkConf conf() {
    SparkConf c = new SparkConf(false)
        .setMaster("local[2]")
        .setAppName("ebaudit-tests")
        .set("spark.ui.enabled", "false")
        .set("spark.sql.shuffle.partitions", "4")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1");
    for (scala.Tuple2<String, String> kv : SparkSessions.defaults(c).getAll()) {
      c.set(kv._1(), kv._2());
    }
    return c;
  }

  public static synchronized SparkSession session() {
    return SparkSession.builder().config(conf()).getOrCreate();
  }
}
