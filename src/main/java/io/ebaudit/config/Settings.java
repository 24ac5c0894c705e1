package io.ebaudit.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The layered configuration: the defaults shipped in {@code conf/ebaudit.yaml} (inside the jar), a
 * user file over them ({@code --conf}), then single keys ({@code --set a.b.c=value}). Immutable; every
 * getter validates on the driver and fails with {@code Cannot configure: <reason>, got <value>}.
 */
public final class Settings {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String DEFAULTS = "/conf/ebaudit.yaml";

  private final ObjectNode root;

  private Settings(ObjectNode root) {
    this.root = root;
  }

  /** The shipped defaults only. */
  public static Settings defaults() {
    try (InputStream in = Settings.class.getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException("Cannot configure: " + DEFAULTS + " is missing from the jar");
      }
      return new Settings((ObjectNode) YAML.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot configure: unreadable defaults " + DEFAULTS, e);
    }
  }

  /** These settings with a user YAML document layered over them. */
  public Settings overlay(String yaml, String origin) {
    JsonNode user;
    try {
      user = YAML.readTree(yaml);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot configure: " + origin + " is not valid YAML ("
          + e.getMessage().lines().findFirst().orElse("") + "), got " + origin, e);
    }
    if (user == null || user.isMissingNode() || user.isNull()) {
      return this;
    }
    if (!user.isObject()) {
      throw new IllegalArgumentException("Cannot configure: " + origin + " must be a YAML mapping, got " + user.getNodeType());
    }
    ObjectNode merged = root.deepCopy();
    merge(merged, (ObjectNode) user, "");
    return new Settings(merged);
  }

  /** These settings with {@code key=value} overrides; the key must already exist. */
  public Settings with(List<String> assignments) {
    ObjectNode merged = root.deepCopy();
    for (String a : assignments) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("Cannot configure: --set takes key=value, got " + a);
      }
      String key = a.substring(0, eq).trim();
      String value = a.substring(eq + 1).trim();
      String[] parts = key.split("\\.");
      ObjectNode at = merged;
      for (int i = 0; i < parts.length - 1; i++) {
        JsonNode next = at.get(parts[i]);
        if (next == null) {
          next = at.putObject(parts[i]);
        } else if (!next.isObject()) {
          throw new IllegalArgumentException("Cannot configure: " + key + " is not a settings group, got " + a);
        }
        at = (ObjectNode) next;
      }
      JsonNode old = at.get(parts[parts.length - 1]);
      if (old == null && !key.startsWith("rules.")) {
        throw new IllegalArgumentException("Cannot configure: unknown setting " + key + ", got " + a);
      }
      at.set(parts[parts.length - 1], typed(old, value));
    }
    return new Settings(merged);
  }

  public double getDouble(String key, double min, double max) {
    JsonNode n = node(key);
    if (!n.isNumber() || n.asDouble() < min || n.asDouble() > max) {
      throw new IllegalArgumentException(
          "Cannot configure: " + key + " must be a number from " + min + " to " + max + ", got " + n.asText());
    }
    return n.asDouble();
  }

  public long getLong(String key, long min) {
    JsonNode n = node(key);
    if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < min) {
      throw new IllegalArgumentException(
          "Cannot configure: " + key + " must be a whole number of at least " + min + ", got " + n.asText());
    }
    return n.asLong();
  }

  public int getInt(String key, int min, int max) {
    long v = getLong(key, min);
    if (v > max) {
      throw new IllegalArgumentException("Cannot configure: " + key + " must be at most " + max + ", got " + v);
    }
    return (int) v;
  }

  /** The settings subtree at {@code key}, for stages that read a whole section. */
  public JsonNode section(String key) {
    return node(key).deepCopy();
  }

  public Map<String, Object> asMap() {
    return YAML.convertValue(root, Map.class);
  }

  private JsonNode node(String key) {
    JsonNode n = root;
    for (String p : key.split("\\.")) {
      n = n.path(p);
    }
    if (n.isMissingNode() || n.isNull()) {
      throw new IllegalArgumentException("Cannot configure: " + key + " is not set, got nothing");
    }
    return n;
  }

  private static void merge(ObjectNode into, ObjectNode from, String prefix) {
    from.fields().forEachRemaining(e -> {
      JsonNode existing = into.get(e.getKey());
      if (existing != null && existing.isObject() && e.getValue().isObject()) {
        merge((ObjectNode) existing, (ObjectNode) e.getValue(), prefix + e.getKey() + ".");
      } else {
        into.set(e.getKey(), e.getValue());
      }
    });
  }

  private static JsonNode typed(JsonNode old, String value) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (old != null && old.isNumber()) {
      try {
        return old.isIntegralNumber() ? f.numberNode(Long.parseLong(value)) : f.numberNode(Double.parseDouble(value));
      } catch (NumberFormatException e) {
        return f.textNode(value); // the typed getter reports it
      }
    }
    if (old != null && old.isBoolean() && ("true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value))) {
      return f.booleanNode(Boolean.parseBoolean(value));
    }
    if (old != null && old.isArray()) {
      var arr = f.arrayNode();
      for (String s : value.split(",")) {
        if (!s.isBlank()) {
          arr.add(s.trim());
        }
      }
      return arr;
    }
    return f.textNode(value);
  }
}
