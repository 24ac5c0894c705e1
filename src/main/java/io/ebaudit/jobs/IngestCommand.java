package io.ebaudit.jobs;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the reader lands. */
@Command(name = "ingest", description = "Read CloudTrail archives into the normalized events table.")
public final class IngestCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 1;
  }
}
