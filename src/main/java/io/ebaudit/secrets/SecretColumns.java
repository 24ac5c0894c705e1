package io.ebaudit.secrets;

import static org.apache.spark.sql.functions.udf;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@link Secrets} as Spark columns: deterministic, null-safe UDFs (a null string in gives a null string
 * out; the boolean is never null). {@link Secrets} itself stays free of Spark so that any code can use it.
 */
public final class SecretColumns {
  private SecretColumns() {}

  private static final UserDefinedFunction MASK_JSON =
      udf((UDF1<String, String>) Secrets::maskJson, DataTypes.StringType).withName("ebaudit_mask_json");
  private static final UserDefinedFunction MASK_TEXT =
      udf((UDF1<String, String>) Secrets::maskText, DataTypes.StringType).withName("ebaudit_mask_text");
  private static final UserDefinedFunction IS_SECRET =
      udf((UDF3<String, String, String, Boolean>) Secrets::isSecret, DataTypes.BooleanType)
          .asNonNullable().withName("ebaudit_is_secret");
  private static final UserDefinedFunction REASON =
      udf((UDF2<String, String, String>) Secrets::secretReason, DataTypes.StringType)
          .withName("ebaudit_secret_reason");

  /** {@link Secrets#maskJson} of a string column. */
  public static Column maskJsonColumn(Column json) {
    return MASK_JSON.apply(json);
  }

  /** {@link Secrets#maskText} of a string column. */
  public static Column maskTextColumn(Column text) {
    return MASK_TEXT.apply(text);
  }

  /** {@link Secrets#isSecret} of three string columns; false when the value is null. */
  public static Column isSecretColumn(Column namespace, Column optionName, Column value) {
    return IS_SECRET.apply(namespace, optionName, value);
  }

  /** {@link Secrets#secretReason}, null when not secret. */
  public static Column secretReasonColumn(Column optionName, Column value) {
    return REASON.apply(optionName, value);
  }

  /** The value, or {@link Secrets#MASK} when {@link #isSecretColumn} (null stays null). */
  public static Column maskedValueColumn(Column namespace, Column optionName, Column value) {
    return org.apache.spark.sql.functions.when(isSecretColumn(namespace, optionName, value),
        org.apache.spark.sql.functions.lit(Secrets.MASK)).otherwise(value);
  }
}
