package io.ebaudit.permissions;

import io.ebaudit.iam.AuthorizationDetails;
import io.ebaudit.io.Storage;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.SparkSession;

/**
 * Reads {@code aws iam get-account-authorization-details} outputs: files, or folders searched
 * recursively for {@code *.json} (names starting with {@code .} or {@code _} skipped), local or on any
 * Hadoop file system ({@code s3a://}). The only file I/O of the permissions stage's inputs.
 */
public final class IamExports {
  private IamExports() {}

  public static AuthorizationDetails read(SparkSession spark, List<String> paths) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<String> texts = new ArrayList<>();
    for (String f : files(conf, paths)) texts.add(Storage.readText(conf, f, "IAM export"));
    try {
      return AuthorizationDetails.parseAll(texts);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Cannot read IAM export: " + e.getMessage() + ", got " + paths, e);
    }
  }

  static List<String> files(Configuration conf, List<String> paths) {
    return io.ebaudit.io.Storage.inputFiles(conf, paths, "IAM export", ".json");
  }
}
