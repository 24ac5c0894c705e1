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
    if (paths == null || paths.isEmpty()) {
      throw new IllegalArgumentException("Cannot read IAM export: no path given, got none");
    }
    Set<String> out = new LinkedHashSet<>();
    for (String uri : paths) {
      Path p = new Path(uri);
      try {
        FileSystem fs = p.getFileSystem(conf);
        FileStatus st = fs.getFileStatus(p);
        if (st.isFile()) {
          out.add(st.getPath().toString());
          continue;
        }
        TreeSet<String> found = new TreeSet<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(st.getPath(), true);
        while (it.hasNext()) {
          LocatedFileStatus f = it.next();
          String name = f.getPath().getName();
          if (!f.isFile() || name.startsWith(".") || name.startsWith("_")) continue;
          if (name.toLowerCase(Locale.ROOT).endsWith(".json")) found.add(f.getPath().toString());
        }
        if (found.isEmpty()) {
          throw new IllegalArgumentException("Cannot read IAM export " + uri + ": no .json file in the folder, got none");
        }
        out.addAll(found);
      } catch (FileNotFoundException e) {
        throw new IllegalArgumentException("Cannot read IAM export: no such file or folder, got " + uri);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read IAM export " + uri + ": " + e.getMessage(), e);
      }
    }
    return new ArrayList<>(out);
  }
}
