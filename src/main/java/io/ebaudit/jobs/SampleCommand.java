package io.ebaudit.jobs;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the sample generator lands. */
@Command(name = "sample", description = "Write a synthetic CloudTrail archive in the real S3 layout.")
public final class SampleCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 1;
  }
}
