package io.ebaudit.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The sample's platform catalog, {@code <out>/platforms/list-platform-versions.json}: what
 * {@code aws elasticbeanstalk list-platform-versions} returns ({@code PlatformSummaryList}), for the branches
 * the sample's environments use, in every region the sample has. Ours, not AWS data: the versions and
 * lifecycle states are chosen so that the demo shows every platform verdict — the Python 3.11 / Amazon
 * Linux 2023 branch is supported with {@link #RECOMMENDED} recommended (the sample's environments run
 * {@link Scenarios#PLATFORM_NEW} and {@link Scenarios#PLATFORM_OLD}, both behind it), the Node.js 16 /
 * Amazon Linux 2 branch is deprecated, and the Amazon Linux AMI branches are retired.
 */
public final class PlatformSample {
  private PlatformSample() {}

  /** Beside {@code AWSLogs/}: what {@code analyze --platforms} takes. */
  public static final String FOLDER = "platforms";
  static final String RECOMMENDED = "4.2.0";

  private record Branch(String name, String platformName, String lifecycle, List<String> versions,
      String recommended) {}

  private static final List<Branch> BRANCHES = List.of(
      new Branch(Scenarios.PLATFORM_BRANCH, "Python", "Supported",
          List.of(Scenarios.PLATFORM_OLD, Scenarios.PLATFORM_NEW, "4.1.1", RECOMMENDED), RECOMMENDED),
      new Branch(Scenarios.DEPRECATED_NODE_BRANCH, "Node.js", "Deprecated",
          List.of(Scenarios.DEPRECATED_NODE_VERSION, "5.8.5", "5.9.0"), "5.9.0"),
      new Branch(Scenarios.RETIRED_DOCKER_BRANCH, "Multi-container Docker", "Retired",
          List.of("2.1.6", "2.26.0"), null),
      new Branch(Scenarios.RETIRED_JAVA_BRANCH, "Java", "Retired", List.of("2.5.0", "2.13.0"), null));

  static Path write(SampleSpec spec, World world) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode doc = json.createObjectNode();
    ArrayNode list = doc.putArray("PlatformSummaryList");
    for (String region : world.regions) {
      for (Branch b : BRANCHES) {
        for (String v : b.versions()) {
          ObjectNode s = list.addObject();
          s.put("PlatformArn", "arn:aws:elasticbeanstalk:" + region + "::platform/" + b.name() + "/" + v);
          s.put("PlatformOwner", "AWSElasticBeanstalk");
          s.put("PlatformStatus", "Ready");
          s.put("PlatformCategory", b.platformName());
          s.put("OperatingSystemName", b.name().contains("Amazon Linux 2023") ? "Amazon Linux 2023"
              : b.name().contains("Amazon Linux 2") ? "Amazon Linux 2" : "Amazon Linux");
          s.putArray("SupportedTierList").add("WebServer/Standard").add("Worker/SQS/HTTP");
          s.putArray("SupportedAddonList").add("Log/S3").add("Monitoring/Healthd").add("WorkerDaemon/SQSD");
          if (v.equals(b.recommended())) {
            s.put("PlatformLifecycleState", "Recommended");
          }
          s.put("PlatformVersion", v);
          s.put("PlatformBranchName", b.name());
          s.put("PlatformBranchLifecycleState", b.lifecycle());
        }
      }
    }
    Path dir = spec.out().resolve(FOLDER);
    Files.createDirectories(dir);
    Path file = dir.resolve("list-platform-versions.json");
    json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), doc);
    return file;
  }
}
