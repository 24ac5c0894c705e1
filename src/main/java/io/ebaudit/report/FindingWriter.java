package io.ebaudit.report;
public final class FindingWriter { public static void write(org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> f, String d) { f.write().mode("overwrite").parquet(parquetPath(d)); } public static String parquetPath(String d) { return d + "/parquet"; } }
