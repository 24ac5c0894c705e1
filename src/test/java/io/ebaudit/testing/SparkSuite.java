package io.ebaudit.testing;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.AfterClass;
import org.junit.Before;

/**
 * Base of the DataFrame-level tests (spark-testing-base, JUnit 4 through the vintage engine), on the
 * JVM's shared session ({@link TestSpark}) instead of a context per suite.
 */
public abstract class SparkSuite extends JavaDataFrameSuiteBase {
  private static boolean sqlReady;

  @Override
  public SparkConf conf() {
    return TestSpark.conf();
  }

  @Override
  public SparkContext sc() {
    return TestSpark.session().sparkContext();
  }

  @Override
  public JavaSparkContext jsc() {
    return JavaSparkContext.fromSparkContext(sc());
  }

  @Override
  public boolean enableHiveSupport() {
    return false;
  }

  @Before
  @Override
  public void runBefore() {
    TestSpark.session();
    synchronized (SparkSuite.class) {
      if (!sqlReady) {
        sqlBeforeAllTestCases();
        sqlReady = true;
      }
    }
  }

  /** Shadows the base class's, which stops the context after every suite. */
  @AfterClass
  public static void runAfterClass() {}

  /** spark-testing-base's ordered, schema-checking comparison. */
  protected void assertFramesEqual(Dataset<Row> expected, Dataset<Row> actual) {
    assertDataFrameEquals(expected, actual, assertDataFrameEquals$default$3());
  }
}
