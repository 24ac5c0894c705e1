package io.ebaudit.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * AWS managed policies shipped in {@code reference/iam/managed/} (iann0036/iam-dataset, MIT): used
 * when an authorization-details export references an AWS managed policy without including it
 * (exports made with {@code --filter} omit them). Looked up by policy name, so any path
 * ({@code service-role/}, {@code aws-service-role/}) and partition resolve.
 */
public final class ManagedPolicyLibrary {
  static final String DIR = "/reference/iam/managed/";

  /** The shipped files (one AWS managed policy each, named after the policy). */
  public static final List<String> SHIPPED =
      List.of(
          "AWSElasticBeanstalkCustomPlatformforEC2Role",
          "AWSElasticBeanstalkEKSImageBuild",
          "AWSElasticBeanstalkEKSObservability",
          "AWSElasticBeanstalkEKSTagging",
          "AWSElasticBeanstalkEnhancedHealth",
          "AWSElasticBeanstalkFullAccess",
          "AWSElasticBeanstalkMaintenance",
          "AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy",
          "AWSElasticBeanstalkManagedUpdatesServiceRolePolicy",
          "AWSElasticBeanstalkMulticontainerDocker",
          "AWSElasticBeanstalkReadOnly",
          "AWSElasticBeanstalkReadOnlyAccess",
          "AWSElasticBeanstalkRoleCWL",
          "AWSElasticBeanstalkRoleCore",
          "AWSElasticBeanstalkRoleECS",
          "AWSElasticBeanstalkRoleRDS",
          "AWSElasticBeanstalkRoleSNS",
          "AWSElasticBeanstalkRoleWorkerTier",
          "AWSElasticBeanstalkServiceRolePolicy",
          "AWSElasticBeanstalkWebTier",
          "AWSElasticBeanstalkWorkerTier",
          "AmazonEC2ContainerRegistryReadOnly",
          "AmazonS3ReadOnlyAccess",
          "AmazonSSMManagedInstanceCore",
          "CloudWatchAgentServerPolicy");

  private static final Pattern AWS_MANAGED_ARN =
      Pattern.compile("^arn:aws[a-z-]*:iam::aws:policy/(?:.*/)?([^/]+)$");

  private static volatile ManagedPolicyLibrary standard;

  /** A shipped policy: its document and the iam-dataset metadata we use. */
  public record Entry(String name, String version, boolean deprecated, PolicyDocument document) {}

  private final Map<String, Entry> byName;

  private ManagedPolicyLibrary(Map<String, Entry> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  public static ManagedPolicyLibrary standard() {
    ManagedPolicyLibrary l = standard;
    if (l == null) {
      synchronized (ManagedPolicyLibrary.class) {
        if (standard == null) standard = load();
        l = standard;
      }
    }
    return l;
  }

  /** A library with nothing in it (to see what an export alone resolves). */
  public static ManagedPolicyLibrary empty() {
    return new ManagedPolicyLibrary(Map.of());
  }

  private static ManagedPolicyLibrary load() {
    ObjectMapper json = new ObjectMapper();
    Map<String, Entry> out = new LinkedHashMap<>();
    for (String name : SHIPPED) {
      String res = DIR + name + ".json";
      try (InputStream in = ManagedPolicyLibrary.class.getResourceAsStream(res)) {
        if (in == null) throw new IllegalStateException("missing resource " + res);
        JsonNode n = json.readTree(in);
        out.put(
            name,
            new Entry(
                n.path("name").asText(name),
                n.path("version").asText(null),
                n.path("deprecated").asBoolean(false),
                PolicyDocument.parse(n.get("document"))));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new ManagedPolicyLibrary(out);
  }

  /** The policy name of an AWS managed policy ARN, or null if the ARN is not AWS managed. */
  public static String awsManagedName(String arn) {
    var m = AWS_MANAGED_ARN.matcher(arn);
    return m.matches() ? m.group(1) : null;
  }

  /** The shipped policy for an AWS managed policy ARN, or null. */
  public Entry forArn(String arn) {
    String name = awsManagedName(arn);
    return name == null ? null : byName.get(name);
  }

  public Entry byName(String name) {
    return byName.get(name);
  }

  public List<String> names() {
    return new ArrayList<>(byName.keySet());
  }
}
