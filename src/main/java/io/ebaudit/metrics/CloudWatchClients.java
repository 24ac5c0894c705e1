package io.ebaudit.metrics;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/**
 * CloudWatch clients (AWS SDK for Java v2; the client speaks Smithy RPCv2 CBOR): the default credential
 * chain (instance profile on EMR, {@code AWS_PROFILE} or environment variables locally), one client per
 * region, the SDK's standard retry strategy (exponential backoff with jitter, throttling included) with
 * {@code maxAttempts} attempts per call, the JDK's HTTP client.
 */
public final class CloudWatchClients {
  private CloudWatchClients() {}

  /**
   * @param endpoint an endpoint override (a VPC endpoint, a test server), null for the region's own
   * @param maxAttempts attempts per call, retries included (at least 1)
   */
  public static CloudWatchClient create(String region, URI endpoint, int maxAttempts) {
    if (region == null || region.isBlank()) {
      throw new IllegalArgumentException("Cannot call CloudWatch: no region (give --region or set AWS_REGION), got none");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("Cannot call CloudWatch: max attempts must be at least 1, got " + maxAttempts);
    }
    var b = CloudWatchClient.builder()
        .region(Region.of(region))
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(60)))
        .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(maxAttempts)));
    if (endpoint != null) {
      b.endpointOverride(endpoint);
    }
    return b.build();
  }

  /** The region of the default region chain ({@code AWS_REGION}, the profile, EC2 metadata), or null. */
  public static String defaultRegion() {
    try {
      return new software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain().getRegion().id();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Parses an endpoint URL option; null when blank. */
  public static URI endpoint(String url) {
    if (url == null || url.isBlank()) {
      return null;
    }
    try {
      URI u = new URI(url.trim());
      if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
        throw new IllegalArgumentException("Cannot call CloudWatch: the endpoint URL must be http(s)://host[:port], got " + url);
      }
      return u;
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("Cannot call CloudWatch: the endpoint URL is not a URL, got " + url, e);
    }
  }
}
