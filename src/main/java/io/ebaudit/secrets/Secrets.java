package io.ebaudit.secrets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Detects and masks customer secrets: Beanstalk environment properties
 * ({@code aws:elasticbeanstalk:application:environment}) and secret-shaped values anywhere in raw
 * CloudTrail JSON, evidence and free text. Pure Java, stateless, thread-safe.
 *
 * <p>Reasons ({@link #secretReason}), checked in this order, the precise value patterns first because
 * they tell an analyst more than the name does:
 *
 * <ol>
 *   <li>{@code private_key}: a PEM {@code -----BEGIN … PRIVATE KEY-----} block.
 *   <li>{@code aws_access_key}: {@code AKIA}/{@code ASIA} and 16 upper-case letters or digits.
 *   <li>{@code jwt}: {@code eyJ….eyJ….sig} (header and payload are base64url JSON objects).
 *   <li>{@code connection_string_password}: {@code scheme://user:pass@host} with a non-empty password,
 *       or {@code Password=…} / {@code Pwd=…} in an ADO.NET-style string.
 *   <li>{@code aws_secret_key}: exactly 40 base64 characters, when the option name mentions AWS, a key
 *       or a secret, or in text after {@code aws_secret_access_key=} / {@code "SecretAccessKey":}.
 *   <li>{@code name}: the option name has a secret word (PASSWORD, PASSWD, PWD, PASSPHRASE, SECRET,
 *       TOKEN, CREDENTIAL(S), CREDS, AUTH, AUTHORIZATION, SALT, API/PRIVATE/ACCESS/SIGNING/… KEY,
 *       APIKEY, …) as a word in any case and separator ({@code DB_PASSWORD}, {@code dbPassword},
 *       {@code stripe-api-key}, glued {@code dbpassword}). Not when the name is about the secret rather
 *       than the secret itself: its last word is a qualifier ({@code PASSWORD_MIN_LENGTH},
 *       {@code SECRET_ARN}, {@code AUTH_URL}, {@code TOKEN_TTL}, {@code AWS_ACCESS_KEY_ID}), or it
 *       starts with MIN/MAX/NUM ({@code MAX_TOKENS}); a secret word at the end always wins
 *       ({@code PASSWORD_RESET_TOKEN}). Not for boolean values ({@code USE_AUTH=true}).
 *   <li>{@code high_entropy}: one token of 20 to 512 characters from {@code [A-Za-z0-9+/=_-]} with
 *       upper case, lower case and digits, a Shannon entropy of at least 4 bits per character (3.5
 *       from 40 characters up) and classes (upper, lower, digit, symbol) changing between at least 35%
 *       of neighbouring characters, which random tokens do (about 60%) and CamelCase words do not. UUIDs and pure hex strings (commit SHAs, digests, ids) are never high
 *       entropy: they are usually identifiers, and a hex secret under a secret name is caught by name.
 * </ol>
 *
 * <p>In JSON, fields that name an access key by its id ({@code accessKeyId}, {@code principalId}, as in
 * {@code userIdentity}) keep it: it is an identifier analysts trace keys by, and CloudTrail logs it on
 * purpose. In option-setting values and free text it is masked.
 *
 * <p>A value that is already {@link #MASK} has reason {@code masked} (in any namespace), so that
 * masking twice changes nothing and a masked table still says which values were secret.
 * Empty and null values are never secret: there is nothing to hide, and masking would hide that the
 * value is empty. {@code name} and {@code high_entropy} are heuristics about environment properties and
 * count only in that namespace ({@link #isSecret}); the value patterns count in any namespace.
 */
public final class Secrets {
  private Secrets() {}

  public static final String MASK = "<redacted>";
  public static final String ENV_NAMESPACE = "aws:elasticbeanstalk:application:environment";

  public static final String NAME = "name";
  public static final String AWS_ACCESS_KEY = "aws_access_key";
  public static final String AWS_SECRET_KEY = "aws_secret_key";
  public static final String PRIVATE_KEY = "private_key";
  public static final String JWT = "jwt";
  public static final String CONNECTION_STRING_PASSWORD = "connection_string_password";
  public static final String HIGH_ENTROPY = "high_entropy";
  /** The value is already {@link #MASK}: it was a secret (so masking stays idempotent). */
  public static final String MASKED = "masked";

  private static final JsonFactory JSON_FACTORY = new JsonFactory();

  // ---- value patterns -------------------------------------------------------------------------

  /** A PEM private key block; an unterminated one (truncated excerpt) runs to a quote or the end. */
  private static final Pattern PRIVATE_KEY_BLOCK = Pattern.compile(
      "-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
          + "(?:.*?-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|[^\"]*)",
      Pattern.DOTALL);
  private static final Pattern ACCESS_KEY = Pattern.compile("(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])");
  private static final Pattern JWT_TOKEN = Pattern.compile(
      "(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");
  /** Group 1: the password of {@code scheme://user:password@host}. */
  private static final Pattern URL_PASSWORD = Pattern.compile(
      "(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://[^\\s:/@?#\"']*:([^\\s@/?#\"']+)@");
  /** Group 1: the value of {@code Password=…} / {@code Pwd=…} up to {@code ;}, a quote or a line end. */
  private static final Pattern KV_PASSWORD = Pattern.compile(
      "(?i)(?<![a-z])(?:password|passwd|pwd)\\s*=\\s*([^;\"'\\r\\n\\s][^;\"'\\r\\n]*)");
  private static final Pattern SECRET_KEY_40 = Pattern.compile("[A-Za-z0-9/+]{40}");
  /** Group 1: a 40-character AWS secret key after its name, in text or JSON text. */
  private static final Pattern SECRET_KEY_IN_TEXT = Pattern.compile(
      "(?i)(?:aws_?secret_?access_?key|secret_?access_?key|aws_?secret_?key)[\"']?\\s*[:=]\\s*[\"']?"
          + "([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])");
  /** Broken JSON: any value of an environment property, either order of the two keys in one object. */
  private static final Pattern ENV_VALUE_AFTER = Pattern.compile(
      "\"[Nn]amespace\"\\s*:\\s*\"aws:elasticbeanstalk:application:environment\"[^{}]*?"
          + "\"[Vv]alue\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)(?:\"|$)");
  private static final Pattern ENV_VALUE_BEFORE = Pattern.compile(
      "\"[Vv]alue\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"(?=[^{}]*?"
          + "\"[Nn]amespace\"\\s*:\\s*\"aws:elasticbeanstalk:application:environment\")");
  private static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  /** Cheap pre-check: text without any of these cannot hold a value pattern or an env property. */
  private static final Pattern MAYBE = Pattern.compile(
      "AKIA|ASIA|PRIVATE KEY|eyJ|://|(?i:password|passwd|pwd|secret|application:environment)");

  // ---- names ----------------------------------------------------------------------------------

  private static final Set<String> SECRET_WORDS = Set.of(
      "password", "passwords", "passwd", "pwd", "passphrase", "secret", "secrets", "token", "tokens",
      "credential", "credentials", "creds", "auth", "authorization", "salt", "apikey", "apikeys",
      "privatekey", "secretkey", "accesskey", "signingkey", "encryptionkey", "masterkey", "clientsecret",
      "authtoken", "bearer", "sessiontoken");
  /** Glued words ending like this are secret words ({@code dbpassword}, {@code githubtoken}). */
  private static final List<String> SECRET_SUFFIXES = List.of(
      "password", "passwd", "secret", "token", "apikey", "privatekey", "secretkey", "accesskey");
  /** {@code KEY} is a secret word after one of these. */
  private static final Set<String> KEY_PREFIXES = Set.of(
      "api", "private", "secret", "access", "signing", "sign", "encryption", "encrypt", "master", "client",
      "app", "license", "licence", "shared", "auth", "session", "hmac", "jwt", "ssh", "webhook", "crypto",
      "cipher", "service", "account", "storage", "subscription", "admin", "write", "read", "consumer");
  /** A name ending with one of these is about a secret, not the secret. */
  private static final Set<String> QUALIFIERS = Set.of(
      "min", "max", "minimum", "maximum", "length", "len", "size", "policy", "policies", "url", "uri",
      "urls", "endpoint", "host", "hostname", "port", "enabled", "enable", "disabled", "disable",
      "required", "require", "expiry", "expiration", "expires", "expire", "ttl", "timeout", "lifetime",
      "age", "path", "file", "dir", "directory", "name", "arn", "id", "ids", "header", "type", "mode",
      "rotation", "version", "region", "count", "format", "algorithm", "alg", "field", "param",
      "parameter", "provider", "domain", "method", "scheme", "realm", "strategy", "callback", "redirect",
      "issuer", "audience", "scope", "scopes", "hint", "label", "prompt", "complexity", "strength",
      "rounds", "iterations", "pattern", "regex", "validation", "location", "store", "user", "username",
      "service", "server", "bucket", "table", "prefix", "flag", "level", "limit", "interval", "retries",
      "duration", "cache", "log", "logging", "debug", "source", "backend", "class", "kid");
  private static final Set<String> LEADING_QUALIFIERS = Set.of("min", "max", "minimum", "maximum", "num", "number");
  /**
   * JSON fields where CloudTrail and the AWS APIs name an access key by its id on purpose
   * ({@code userIdentity.accessKeyId}, {@code principalId}, {@code CreateAccessKey}'s response): an
   * access key id is an identifier that analysts trace keys by, not a secret, so the
   * {@code aws_access_key} pattern is not masked in them (every other pattern is).
   */
  private static final Set<String> IDENTITY_FIELDS = Set.of("accesskeyid", "principalid");
  private static final Set<String> BOOLEANS = Set.of("true", "false", "yes", "no", "on", "off", "0", "1");

  // ---- API ------------------------------------------------------------------------------------

  /** Why this (option name, value) looks secret, or null. See the class comment for the reasons. */
  public static String secretReason(String optionName, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (MASK.equals(value)) {
      return MASKED;
    }
    String v = valueReason(value);
    if (v != null) {
      return v;
    }
    String trimmed = value.trim();
    if (SECRET_KEY_40.matcher(trimmed).matches() && mixed(trimmed) && optionName != null
        && optionName.toLowerCase(Locale.ROOT).matches(".*(aws|key|secret).*")) {
      return AWS_SECRET_KEY;
    }
    if (optionName != null && nameLooksSecret(optionName)
        && !BOOLEANS.contains(trimmed.toLowerCase(Locale.ROOT))) {
      return NAME;
    }
    if (highEntropy(trimmed)) {
      return HIGH_ENTROPY;
    }
    return null;
  }

  /**
   * Whether this option setting holds a secret: {@code name} and {@code high_entropy} only in the
   * environment-property namespace, value patterns in any.
   */
  public static boolean isSecret(String namespace, String optionName, String value) {
    String r = secretReason(optionName, value);
    if (r == null) {
      return false;
    }
    if (NAME.equals(r) || HIGH_ENTROPY.equals(r)) {
      return namespace != null && ENV_NAMESPACE.equalsIgnoreCase(namespace.trim());
    }
    return true;
  }

  /** {@link #MASK}, null stays null. */
  public static String mask(String value) {
    return value == null ? null : MASK;
  }

  /** The precise value pattern found anywhere in {@code value}, or null (no name, no entropy). */
  public static String valueReason(String value) {
    if (value == null || !MAYBE.matcher(value).find()) {
      return null;
    }
    if (PRIVATE_KEY_BLOCK.matcher(value).find()) {
      return PRIVATE_KEY;
    }
    if (ACCESS_KEY.matcher(value).find()) {
      return AWS_ACCESS_KEY;
    }
    if (JWT_TOKEN.matcher(value).find()) {
      return JWT;
    }
    if (URL_PASSWORD.matcher(value).find() || KV_PASSWORD.matcher(value).find()) {
      return CONNECTION_STRING_PASSWORD;
    }
    if (SECRET_KEY_IN_TEXT.matcher(value).find()) {
      return AWS_SECRET_KEY;
    }
    return null;
  }

  /** Whether the option name alone says the value is a secret (see the class comment). */
  public static boolean nameLooksSecret(String optionName) {
    List<String> w = words(optionName);
    if (w.isEmpty() || w.size() == 1 && w.get(0).equals("pwd")) {
      return false; // PWD alone is the shell's working directory
    }
    int last = w.size() - 1;
    if (secretWord(w, last)) {
      return !LEADING_QUALIFIERS.contains(w.get(0)) || last == 0;
    }
    if (QUALIFIERS.contains(w.get(last)) || LEADING_QUALIFIERS.contains(w.get(0))) {
      return false;
    }
    for (int i = 0; i < last; i++) {
      if (secretWord(w, i)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Masks secrets in a JSON document: every option-setting-shaped object ({@code namespace|Namespace},
   * {@code optionName|OptionName}, {@code value|Value}) whose value {@link #isSecret} gets {@link #MASK}
   * as its whole value; in every other string value anywhere, the value patterns are masked in place
   * ({@link #maskText}), except access key ids in the fields that name a key by its id
   * ({@code accessKeyId}, {@code principalId}). Only the masked string values change: every other
   * byte of the input is kept as it was (numbers, spacing, key order, escapes). Returns the same
   * instance when nothing was masked. Input that is not one valid JSON value (a truncated excerpt)
   * is masked textually with {@link #maskText}.
   */
  public static String maskJson(String json) {
    if (json == null || !MAYBE.matcher(json).find()) {
      return json;
    }
    List<Str> strings = new ArrayList<>();
    List<Obj> objects = new ArrayList<>();
    try (JsonParser p = JSON_FACTORY.createParser(json)) {
      Deque<Obj> stack = new ArrayDeque<>();
      String field = null;
      JsonToken t = p.nextToken();
      if (t == null) {
        return maskText(json);
      }
      int depth = 0;
      do {
        switch (t) {
          case START_OBJECT -> {
            Obj o = new Obj();
            objects.add(o);
            stack.push(o);
            depth++;
          }
          case END_OBJECT -> {
            stack.pop();
            depth--;
          }
          case START_ARRAY -> {
            stack.push(ARRAY);
            depth++;
          }
          case END_ARRAY -> {
            stack.pop();
            depth--;
          }
          case FIELD_NAME -> field = p.currentName();
          case VALUE_STRING -> {
            int from = (int) p.currentTokenLocation().getCharOffset();
            String text = p.getText();
            int to = (int) p.currentLocation().getCharOffset();
            Obj in = stack.isEmpty() ? ARRAY : stack.peek();
            String name = in == ARRAY ? null : field;
            strings.add(new Str(from, to, text, in, name));
            if (in != ARRAY && name != null) {
              switch (name) {
                case "namespace", "Namespace" -> in.namespace = text;
                case "optionName", "OptionName" -> in.optionName = text;
                default -> { }
              }
            }
          }
          default -> { }
        }
        if (depth == 0) {
          break;
        }
        t = p.nextToken();
      } while (t != null);
      if (depth != 0 || p.nextToken() != null) {
        return maskText(json);
      }
    } catch (IOException e) {
      return maskText(json);
    }
    StringBuilder out = null;
    int at = 0;
    for (Str st : strings) {
      String masked;
      boolean optionValue = st.in != ARRAY && st.in.optionName != null
          && ("value".equals(st.field) || "Value".equals(st.field));
      if (optionValue && isSecret(st.in.namespace, st.in.optionName, st.text)) {
        masked = MASK;
      } else if (st.field != null && SECRET_KEY_40.matcher(st.text).matches()
          && st.field.toLowerCase(Locale.ROOT).replace("_", "").contains("secretaccesskey")) {
        masked = MASK;
      } else {
        masked = maskText(st.text, st.field == null || !IDENTITY_FIELDS.contains(st.field.toLowerCase(Locale.ROOT)));
      }
      if (!masked.equals(st.text)) {
        if (out == null) {
          out = new StringBuilder(json.length());
        }
        out.append(json, at, st.from).append('"').append(JsonStringEncoder.getInstance().quoteAsString(masked)).append('"');
        at = st.to;
      }
    }
    return out == null ? json : out.append(json, at, json.length()).toString();
  }

  /** A JSON object being read: the option-setting fields seen in it. */
  private static final class Obj {
    String namespace;
    String optionName;
  }

  private static final Obj ARRAY = new Obj();

  /** A string value of the document: its quoted text at [from, to), its object and field. */
  private record Str(int from, int to, String text, Obj in, String field) {}

  /**
   * Masks the value patterns in free text (log lines, excerpts of broken JSON), and any
   * {@code "value":"…"} in the same object text as the environment-property namespace. Returns the
   * same instance when nothing was masked.
   */
  public static String maskText(String text) {
    return maskText(text, true);
  }

  private static String maskText(String text, boolean accessKeys) {
    if (text == null || !MAYBE.matcher(text).find()) {
      return text;
    }
    String t = text;
    t = replaceAll(t, PRIVATE_KEY_BLOCK, 0);
    if (accessKeys) {
      t = replaceAll(t, ACCESS_KEY, 0);
    }
    t = replaceAll(t, JWT_TOKEN, 0);
    t = replaceAll(t, URL_PASSWORD, 1);
    t = replaceAll(t, KV_PASSWORD, 1);
    t = replaceAll(t, SECRET_KEY_IN_TEXT, 1);
    if (t.contains("application:environment")) {
      t = replaceAll(t, ENV_VALUE_AFTER, 1);
      t = replaceAll(t, ENV_VALUE_BEFORE, 1);
    }
    return t.equals(text) ? text : t;
  }

  // ---- JSON -----------------------------------------------------------------------------------

  // ---- helpers --------------------------------------------------------------------------------

  private static String replaceAll(String s, Pattern p, int group) {
    Matcher m = p.matcher(s);
    if (!m.find()) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    int at = 0;
    do {
      out.append(s, at, m.start(group)).append(MASK);
      at = m.end(group);
    } while (m.find());
    return out.append(s, at, s.length()).toString();
  }

  /** Lower-case words of a name: split at separators, camelCase humps and letter/digit borders. */
  static List<String> words(String name) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    int n = name.length();
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      if (!Character.isLetterOrDigit(c)) {
        flush(w, out);
        continue;
      }
      if (w.length() > 0) {
        char p = name.charAt(i - 1);
        boolean hump = Character.isLowerCase(p) && Character.isUpperCase(c);
        boolean acronymEnd = Character.isUpperCase(p) && Character.isUpperCase(c)
            && i + 1 < n && Character.isLowerCase(name.charAt(i + 1));
        boolean digitBorder = Character.isDigit(p) != Character.isDigit(c);
        if (hump || acronymEnd || digitBorder) {
          flush(w, out);
        }
      }
      w.append(Character.toLowerCase(c));
    }
    flush(w, out);
    return out;
  }

  private static void flush(StringBuilder w, List<String> out) {
    if (w.length() > 0) {
      out.add(w.toString());
      w.setLength(0);
    }
  }

  private static boolean secretWord(List<String> w, int i) {
    String s = w.get(i);
    if (SECRET_WORDS.contains(s)) {
      return true;
    }
    if (s.equals("pass")) {
      return i == w.size() - 1; // DB_PASS, SMTP_PASS; not PASS_THROUGH
    }
    if (s.equals("key") || s.equals("keys")) {
      return i > 0 && KEY_PREFIXES.contains(w.get(i - 1));
    }
    if (s.length() > 6) {
      for (String suffix : SECRET_SUFFIXES) {
        if (s.endsWith(suffix)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean mixed(String s) {
    boolean up = false;
    boolean low = false;
    boolean dig = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      up |= c >= 'A' && c <= 'Z';
      low |= c >= 'a' && c <= 'z';
      dig |= c >= '0' && c <= '9';
    }
    return up && low && dig;
  }

  /** A long random-looking token (see the class comment). */
  static boolean highEntropy(String s) {
    int n = s.length();
    if (n < 20 || n > 512 || UUID.matcher(s).matches() || s.matches("[0-9a-fA-F]+")) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
          || c == '+' || c == '/' || c == '=' || c == '_' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return mixed(s) && entropy(s) >= (n >= 40 ? 3.5 : 4.0) && classChanges(s) >= 0.35;
  }

  /**
   * The share of neighbouring characters of different classes (upper, lower, digit, symbol): about 0.6
   * for random base62/base64, under 0.3 for CamelCase words ({@code MyApplicationName-Production2026}).
   */
  static double classChanges(String s) {
    int changes = 0;
    for (int i = 1; i < s.length(); i++) {
      if (charClass(s.charAt(i)) != charClass(s.charAt(i - 1))) {
        changes++;
      }
    }
    return changes / (double) (s.length() - 1);
  }

  private static int charClass(char c) {
    return c >= 'A' && c <= 'Z' ? 0 : c >= 'a' && c <= 'z' ? 1 : c >= '0' && c <= '9' ? 2 : 3;
  }

  /** Shannon entropy in bits per character. */
  static double entropy(String s) {
    int[] counts = new int[128];
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      counts[c < 128 ? c : 127]++;
    }
    double h = 0;
    double n = s.length();
    for (int c : counts) {
      if (c > 0) {
        double p = c / n;
        h -= p * (Math.log(p) / Math.log(2));
      }
    }
    return h;
  }
}
