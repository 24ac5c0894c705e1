package io.ebaudit.jobs;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until ingest and sample land. */
@Command(name = "demo", description = "Generate a sample trail and run every stage on it.")
public final class DemoCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 1;
  }
}
