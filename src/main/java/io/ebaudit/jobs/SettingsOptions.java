package io.ebaudit.jobs;

import io.ebaudit.config.Settings;
import io.ebaudit.io.Storage;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;

/** {@code --conf FILE} and {@code --set key=value}, shared by every command that reads settings. */
public final class SettingsOptions {
  @Option(names = "--conf", paramLabel = "FILE", description = "YAML layered over the defaults in conf/ebaudit.yaml (local or s3a).")
  String confFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one setting, e.g. --set ingest.max_reject_ratio=0.05.")
  List<String> assignments = new ArrayList<>();

  public Settings load(Configuration hadoop) {
    Settings s = Settings.defaults();
    if (confFile != null) {
      s = s.overlay(Storage.readText(hadoop, confFile, "--conf"), confFile);
    }
    return s.with(assignments);
  }
}
