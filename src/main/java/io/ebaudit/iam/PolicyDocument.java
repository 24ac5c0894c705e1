package io.ebaudit.iam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An IAM identity policy document: {@code Version} and its {@code Statement}s.
 *
 * <p>Accepts a JSON object, a JSON string holding one, or a URL-encoded JSON string (as
 * {@code get-account-authorization-details} returns when called through the raw API). {@code
 * Statement}, {@code Action}, {@code NotAction}, {@code Resource} and {@code NotResource} may each
 * be a single value or an array. {@code Condition} is kept as JSON text; its presence makes a
 * statement conditional. {@code Principal}/{@code NotPrincipal} (trust and resource policies) are
 * ignored. Immutable.
 */
public record PolicyDocument(String version, List<Statement> statements) implements Serializable {

  private static final ObjectMapper JSON = new ObjectMapper();

  public enum Effect { ALLOW, DENY }

  /**
   * One statement. Exactly one of {@code Action}/{@code NotAction} is given ({@code notAction}
   * tells which); a statement without {@code Resource}/{@code NotResource} (invalid in an identity
   * policy) is read as {@code Resource: "*"}.
   */
  public record Statement(
      String sid,
      Effect effect,
      List<String> actions,
      boolean notAction,
      List<String> resources,
      boolean notResource,
      String conditionJson)
      implements Serializable {
    public Statement {
      actions = List.copyOf(actions);
      resources = List.copyOf(resources);
    }

    public boolean conditional() {
      return conditionJson != null;
    }

    /** Resource {@code *} (or a {@code NotResource}, which covers all but a few resources). */
    public boolean resourceWide() {
      return notResource || resources.contains("*");
    }
  }

  public PolicyDocument {
    statements = List.copyOf(statements);
  }

  /** Parses a document given as JSON text or URL-encoded JSON text. */
  public static PolicyDocument parse(String text) {
    String t = text.trim();
    if (!t.startsWith("{")) t = URLDecoder.decode(t, StandardCharsets.UTF_8).trim();
    try {
      return parse(JSON.readTree(t));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a policy document: " + e.getOriginalMessage(), e);
    }
  }

  /** Parses a document given as a JSON object, or as a JSON string node holding (encoded) JSON. */
  public static PolicyDocument parse(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      throw new IllegalArgumentException("no policy document");
    }
    if (node.isTextual()) return parse(node.asText());
    if (!node.isObject()) throw new IllegalArgumentException("policy document is not an object");
    String version = node.hasNonNull("Version") ? node.get("Version").asText() : null;
    JsonNode st = node.get("Statement");
    List<Statement> out = new ArrayList<>();
    if (st != null && st.isArray()) for (JsonNode s : st) out.add(statement(s));
    else if (st != null && st.isObject()) out.add(statement(st));
    else if (st != null && !st.isNull()) throw new IllegalArgumentException("bad Statement");
    return new PolicyDocument(version, out);
  }

  private static Statement statement(JsonNode s) {
    if (!s.isObject()) throw new IllegalArgumentException("statement is not an object: " + s);
    String effectText = s.path("Effect").asText("");
    Effect effect;
    switch (effectText.toLowerCase(Locale.ROOT)) {
      case "allow":
        effect = Effect.ALLOW;
        break;
      case "deny":
        effect = Effect.DENY;
        break;
      default:
        throw new IllegalArgumentException("bad Effect: '" + effectText + "'");
    }
    boolean notAction = s.has("NotAction");
    if (notAction && s.has("Action")) {
      throw new IllegalArgumentException("statement has both Action and NotAction");
    }
    List<String> actions = strings(s.get(notAction ? "NotAction" : "Action"));
    boolean notResource = s.has("NotResource");
    List<String> resources =
        notResource ? strings(s.get("NotResource")) : s.has("Resource") ? strings(s.get("Resource")) : List.of("*");
    JsonNode cond = s.get("Condition");
    String condition = cond == null || cond.isNull() || (cond.isObject() && cond.isEmpty()) ? null : cond.toString();
    String sid = s.hasNonNull("Sid") ? s.get("Sid").asText() : null;
    return new Statement(sid, effect, actions, notAction, resources, notResource, condition);
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) return out;
    if (n.isArray()) {
      for (JsonNode e : n) out.add(e.asText());
    } else {
      out.add(n.asText());
    }
    return out;
  }
}
