package io.ebaudit.posture;

import io.ebaudit.beanstalk.BeanstalkSchemas;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** Hand-built environment_state rows. */
final class PostureFixture {
  static final String ACCOUNT = "111122223333";
  static final String REGION = "us-east-1";

  private final List<Row> rows = new ArrayList<>();

  /** A value set by someone at a time. */
  PostureFixture set(String env, String namespace, String option, String value, String by, String time) {
    rows.add(RowFactory.create(ACCOUNT, REGION, "shop", env, "e-" + env, namespace, option, null, value,
        BeanstalkSchemas.FROM_TRAIL, false, false, time == null ? null : Timestamp.valueOf(time), "ev-" + env, by));
    return this;
  }

  /** A documented default nobody set (the create call's row). */
  PostureFixture byDefault(String env, String namespace, String option, String value) {
    rows.add(RowFactory.create(ACCOUNT, REGION, "shop", env, "e-" + env, namespace, option, null, value,
        BeanstalkSchemas.FROM_DEFAULT, true, false, Timestamp.valueOf("2026-11-01 00:00:00"), "create-" + env,
        "arn:aws:iam::111122223333:role/creator"));
    return this;
  }

  PostureFixture platform(String env, String option, String value, String time) {
    return set(env, BeanstalkSchemas.ENVIRONMENT_NAMESPACE, option, value, "arn:aws:iam::111122223333:role/deployer", time);
  }

  Dataset<Row> build(SparkSession spark) {
    return spark.createDataFrame(rows, BeanstalkSchemas.ENVIRONMENT_STATE);
  }
}
