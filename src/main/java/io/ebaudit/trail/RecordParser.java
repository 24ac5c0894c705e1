package io.ebaudit.trail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.ebaudit.iam.ActionMapper;
import io.ebaudit.secrets.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Streams the records of one CloudTrail file into rows of {@link EventSchema#EVENTS}, and every record
 * or file part that cannot be kept into the quarantine, with its reason.
 *
 * <p>Accepts the delivery envelope {@code {"Records":[…]}}, a bare JSON array of events, and one event
 * per line (or several root objects in a row). The whole decompressed file is in memory, so the raw
 * JSON members are sliced from it instead of being re-serialized: this is most of why it is fast.
 *
 * <p>A syntax error inside an envelope or array ends the file (JSON cannot be resynchronized there):
 * records before it are kept, the rest is quarantined as a file problem. Between root-level objects the
 * parser resynchronizes at the next line, so one broken line of a JSON-lines file costs one record.
 */
public final class RecordParser {

  /** Where parsed rows go. Rows handed to {@link #event} are only valid until the call returns. */
  public interface Sink {
    void event(InternalRow row);

    void quarantine(Problem problem);
  }

  /** One record or file part that could not be kept. */
  public record Problem(
      String scope, long recordIndex, long byteOffset, String reason, String eventId, String excerpt) {
    public static final String RECORD = "record";
    public static final String FILE = "file";
  }

  /** Counts for one file: {@code recordsRead == recordsKept + recordsQuarantined}. */
  public record FileCounts(long recordsRead, long recordsKept, long recordsQuarantined, boolean fileProblem) {}

  static final int EXCERPT_BYTES = 2048;
  private static final String BEANSTALK = "elasticbeanstalk.amazonaws.com";

  private static final JsonFactory JSON =
      JsonFactory.builder()
          // CloudTrail truncates members over 100 KB, but exports and pipelines may not.
          .streamReadConstraints(
              StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).maxNestingDepth(2000).build())
          .build();

  private static final int N = EventSchema.EVENTS.size();
  private static final int I_EVENT_ID = EventSchema.index("event_id");
  private static final int I_EVENT_TIME = EventSchema.index("event_time");
  private static final int I_EVENT_VERSION = EventSchema.index("event_version");
  private static final int I_EVENT_SOURCE = EventSchema.index("event_source");
  private static final int I_EVENT_NAME = EventSchema.index("event_name");
  private static final int I_AWS_REGION = EventSchema.index("aws_region");
  private static final int I_SOURCE_IP = EventSchema.index("source_ip_address");
  private static final int I_USER_AGENT = EventSchema.index("user_agent");
  private static final int I_ERROR_CODE = EventSchema.index("error_code");
  private static final int I_ERROR_MESSAGE = EventSchema.index("error_message");
  private static final int I_REQUEST_PARAMETERS = EventSchema.index("request_parameters");
  private static final int I_RESPONSE_ELEMENTS = EventSchema.index("response_elements");
  private static final int I_ADDITIONAL_EVENT_DATA = EventSchema.index("additional_event_data");
  private static final int I_SERVICE_EVENT_DETAILS = EventSchema.index("service_event_details");
  private static final int I_REQUEST_ID = EventSchema.index("request_id");
  private static final int I_EVENT_TYPE = EventSchema.index("event_type");
  private static final int I_API_VERSION = EventSchema.index("api_version");
  private static final int I_READ_ONLY = EventSchema.index("read_only");
  private static final int I_MANAGEMENT_EVENT = EventSchema.index("management_event");
  private static final int I_EVENT_CATEGORY = EventSchema.index("event_category");
  private static final int I_RECIPIENT_ACCOUNT_ID = EventSchema.index("recipient_account_id");
  private static final int I_SHARED_EVENT_ID = EventSchema.index("shared_event_id");
  private static final int I_VPC_ENDPOINT_ID = EventSchema.index("vpc_endpoint_id");
  private static final int I_SESSION_FROM_CONSOLE = EventSchema.index("session_credential_from_console");
  private static final int I_RESOURCES = EventSchema.index("resources");
  private static final int I_TLS_DETAILS = EventSchema.index("tls_details");
  private static final int I_ADDENDUM = EventSchema.index("addendum");
  private static final int I_USER_TYPE = EventSchema.index("user_type");
  private static final int I_USER_ARN = EventSchema.index("user_arn");
  private static final int I_USER_PRINCIPAL_ID = EventSchema.index("user_principal_id");
  private static final int I_USER_ACCOUNT_ID = EventSchema.index("user_account_id");
  private static final int I_USER_ACCESS_KEY_ID = EventSchema.index("user_access_key_id");
  private static final int I_USER_NAME = EventSchema.index("user_name");
  private static final int I_INVOKED_BY = EventSchema.index("invoked_by");
  private static final int I_SI_TYPE = EventSchema.index("session_issuer_type");
  private static final int I_SI_ARN = EventSchema.index("session_issuer_arn");
  private static final int I_SI_ACCOUNT_ID = EventSchema.index("session_issuer_account_id");
  private static final int I_SI_USER_NAME = EventSchema.index("session_issuer_user_name");
  private static final int I_SESSION_MFA = EventSchema.index("session_mfa_authenticated");
  private static final int I_SESSION_CREATED = EventSchema.index("session_creation_date");
  private static final int I_SESSION_SOURCE_IDENTITY = EventSchema.index("session_source_identity");
  private static final int I_PRINCIPAL_ARN = EventSchema.index("principal_arn");
  private static final int I_PRINCIPAL_KIND = EventSchema.index("principal_kind");
  private static final int I_SESSION_NAME = EventSchema.index("session_name");
  private static final int I_SERVICE_ORIGINATED = EventSchema.index("service_originated");
  private static final int I_IAM_ACTION = EventSchema.index("iam_action");
  private static final int I_FAILED = EventSchema.index("failed");
  private static final int I_SOURCE_OBJECT = EventSchema.index("source_object");
  private static final int I_EVENT_DATE = EventSchema.index("event_date");

  private final ActionMapper actions;
  private final long maxRecordBytes;

  // Per-record state, reused: one parser per task, records are handled one at a time.
  private final Object[] values = new Object[N];
  // Java strings of the text fields, decoded once and only when a derivation needs them.
  private final String[] strings = new String[N];
  private final boolean[] decoded = new boolean[N];
  private final GenericInternalRow row = new GenericInternalRow(values);
  private String invalid;
  private String eventTimeText;
  private String sessionCreatedText;

  private byte[] buf;
  private int limit;
  private UTF8String sourceObject;
  private String sourceObjectName;
  private Sink sink;
  private long recordIndex;
  private long kept;
  private long quarantined;
  private boolean fileProblemSeen;

  public RecordParser(ActionMapper actions, long maxRecordBytes) {
    this.actions = actions;
    this.maxRecordBytes = maxRecordBytes;
  }

  /** Parses {@code data[0, length)}, the decompressed content of {@code source}. */
  public FileCounts parse(byte[] data, int length, String source, Sink out) {
    this.buf = data;
    this.limit = length;
    this.sourceObjectName = source;
    this.sourceObject = UTF8String.fromString(source);
    this.sink = out;
    this.recordIndex = 0;
    this.kept = 0;
    this.quarantined = 0;
    this.fileProblemSeen = false;
    int start = skipWhitespaceAndBom(data, 0, length);
    if (start >= length) {
      fileProblem(0, length, "empty file: no JSON content");
      return new FileCounts(0, 0, 0, true);
    }
    try {
      if (data[start] == '[') {
        parseArrayFile(start, length);
      } else if (data[start] == '{') {
        parseRootObjects(start, length);
      } else {
        fileProblem(start, length, "not JSON: expected '{' or '[' at byte " + start);
      }
    } catch (IOException e) {
      // Reading from a byte array: only JSON errors reach here, and those are handled inside.
      fileProblem(start, length, "unreadable JSON: " + oneLine(e.getMessage()));
    }
    return new FileCounts(recordIndex, kept, quarantined, fileProblemSeen);
  }

  /** A bare array of events. Returns false when the file had a problem past its records. */
  private boolean parseArrayFile(int start, int length) throws IOException {
    try (JsonParser p = JSON.createParser(buf, start, length - start)) {
      p.nextToken(); // START_ARRAY
      if (!parseRecordArray(p, start, length)) {
        return false;
      }
      return expectEnd(p, start, length);
    }
  }

  /** Root-level objects: an envelope, or events one per line. */
  private boolean parseRootObjects(int start, int length) throws IOException {
    int pos = start;
    boolean ok = true;
    while (pos < length) {
      pos = skipWhitespaceAndBom(buf, pos, length);
      if (pos >= length) {
        break;
      }
      if (buf[pos] != '{') {
        int end = nextLine(pos, length);
        fileProblem(pos, end, "not JSON: expected '{' at byte " + pos);
        ok = false;
        pos = end;
        continue;
      }
      int next = parseOneRoot(pos, length);
      if (next < 0) {
        return false; // an envelope broke: nothing after it can be trusted
      }
      pos = next;
    }
    return ok;
  }

  /**
   * Parses one root object starting at {@code pos}: an envelope, or one event. Returns the position
   * after it, or -1 when an envelope was broken and the rest of the file was quarantined.
   */
  private int parseOneRoot(int pos, int length) throws IOException {
    JsonParser p = JSON.createParser(buf, pos, length - pos);
    boolean envelope = false;
    boolean eventFields = false;
    beginRecord();
    try {
      p.nextToken(); // START_OBJECT
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if ("Records".equals(name)) {
          if (v == JsonToken.START_ARRAY) {
            envelope = true;
            if (!parseRecordArray(p, pos, length)) {
              return -1;
            }
          } else if (v == JsonToken.VALUE_NULL) {
            envelope = true;
          } else {
            p.skipChildren();
            fileProblem(pos, length, "not CloudTrail: \"Records\" is not an array");
            return -1;
          }
        } else if (envelope) {
          p.skipChildren(); // other envelope members carry nothing we keep
        } else {
          eventFields |= isEventKey(name);
          recordField(p, name, v, pos);
        }
      }
      if (t != JsonToken.END_OBJECT) {
        throw new JsonSyntax("unexpected " + t, p);
      }
      int end = pos + (int) p.currentLocation().getByteOffset();
      if (!envelope) {
        if (!eventFields) {
          fileProblem(pos, end, "not CloudTrail: a JSON object with neither \"Records\" nor event fields");
        } else {
          finishRecord(pos, end);
        }
      }
      return end;
    } catch (JsonProcessingException e) {
      long at = pos + e.getLocation().getByteOffset();
      if (envelope) {
        fileProblem(at, length, "malformed JSON at byte " + at + " after " + recordIndex
            + " records: " + oneLine(e.getOriginalMessage()));
        return -1;
      }
      // One broken event line: quarantine that line, go on with the next.
      // Jackson reports the error just past the bad token, which may be the next line's start.
      int end = nextLine((int) Math.max(at - 1, pos), length);
      recordIndex++;
      quarantine(Problem.RECORD, pos, end, "malformed JSON: " + oneLine(e.getOriginalMessage()), null);
      return end;
    } finally {
      p.close();
    }
  }

  /** Parses the elements of an array whose START_ARRAY was just read. False when the JSON broke. */
  private boolean parseRecordArray(JsonParser p, int base, int length) throws IOException {
    try {
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) {
          throw new JsonSyntax("unexpected end of input", p);
        }
        int recStart = base + (int) p.currentTokenLocation().getByteOffset();
        if (t != JsonToken.START_OBJECT) {
          p.skipChildren();
          int recEnd = base + (int) p.currentLocation().getByteOffset();
          recordIndex++;
          quarantine(Problem.RECORD, recStart, recEnd, "not an event: a JSON " + kind(t) + " in the record list", null);
          continue;
        }
        beginRecord();
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          recordField(p, name, p.nextToken(), base);
        }
        if (t != JsonToken.END_OBJECT) {
          throw new JsonSyntax("unexpected " + t, p);
        }
        finishRecord(recStart, base + (int) p.currentLocation().getByteOffset());
      }
      return true;
    } catch (JsonProcessingException e) {
      long at = base + e.getLocation().getByteOffset();
      fileProblem(at, length, "malformed JSON at byte " + at + " after " + recordIndex + " records: "
          + oneLine(e.getOriginalMessage()));
      return false;
    }
  }

  private boolean expectEnd(JsonParser p, int base, int length) throws IOException {
    try {
      JsonToken t = p.nextToken();
      if (t == null) {
        return true;
      }
      long at = base + p.currentTokenLocation().getByteOffset();
      fileProblem(at, length, "trailing content after the JSON array at byte " + at);
      return false;
    } catch (JsonProcessingException e) {
      long at = base + e.getLocation().getByteOffset();
      fileProblem(at, length, "trailing content after the JSON array at byte " + at);
      return false;
    }
  }

  // ---- one record ----

  private void beginRecord() {
    java.util.Arrays.fill(values, null);
    java.util.Arrays.fill(decoded, false);
    invalid = null;
    eventTimeText = null;
    sessionCreatedText = null;
  }

  private void recordField(JsonParser p, String name, JsonToken v, int base) throws IOException {
    switch (name) {
      case "eventID" -> setText(I_EVENT_ID, p, v, base);
      case "eventTime" -> {
        UTF8String s = text(p, v, base);
        eventTimeText = s == null ? null : s.toString();
      }
      case "eventVersion" -> setText(I_EVENT_VERSION, p, v, base);
      case "eventSource" -> setText(I_EVENT_SOURCE, p, v, base);
      case "eventName" -> setText(I_EVENT_NAME, p, v, base);
      case "awsRegion" -> setText(I_AWS_REGION, p, v, base);
      case "sourceIPAddress" -> setText(I_SOURCE_IP, p, v, base);
      case "userAgent" -> setText(I_USER_AGENT, p, v, base);
      case "errorCode" -> setText(I_ERROR_CODE, p, v, base);
      case "errorMessage" -> setText(I_ERROR_MESSAGE, p, v, base);
      case "requestParameters" -> values[I_REQUEST_PARAMETERS] = raw(p, v, base);
      case "responseElements" -> values[I_RESPONSE_ELEMENTS] = raw(p, v, base);
      case "additionalEventData" -> values[I_ADDITIONAL_EVENT_DATA] = raw(p, v, base);
      case "serviceEventDetails" -> values[I_SERVICE_EVENT_DETAILS] = raw(p, v, base);
      case "requestID" -> setText(I_REQUEST_ID, p, v, base);
      case "eventType" -> setText(I_EVENT_TYPE, p, v, base);
      case "apiVersion" -> setText(I_API_VERSION, p, v, base);
      case "readOnly" -> values[I_READ_ONLY] = bool(p, v, name);
      case "managementEvent" -> values[I_MANAGEMENT_EVENT] = bool(p, v, name);
      case "eventCategory" -> setText(I_EVENT_CATEGORY, p, v, base);
      case "recipientAccountId" -> setText(I_RECIPIENT_ACCOUNT_ID, p, v, base);
      case "sharedEventID" -> setText(I_SHARED_EVENT_ID, p, v, base);
      case "vpcEndpointId" -> setText(I_VPC_ENDPOINT_ID, p, v, base);
      case "sessionCredentialFromConsole" -> values[I_SESSION_FROM_CONSOLE] = bool(p, v, name);
      case "resources" -> values[I_RESOURCES] = resources(p, v, base);
      case "tlsDetails" -> values[I_TLS_DETAILS] = struct(p, v, base, "tlsDetails", TLS_DETAILS);
      case "addendum" -> values[I_ADDENDUM] = struct(p, v, base, "addendum", ADDENDUM);
      case "userIdentity" -> userIdentity(p, v, base);
      default -> p.skipChildren(); // unknown or unused members (edgeDeviceDetails, insightDetails, …)
    }
  }

  private void userIdentity(JsonParser p, JsonToken v, int base) throws IOException {
    if (!isObject(p, v, "userIdentity")) {
      return;
    }
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken f = p.nextToken();
      switch (name) {
        case "type" -> setText(I_USER_TYPE, p, f, base);
        case "arn" -> setText(I_USER_ARN, p, f, base);
        case "principalId" -> setText(I_USER_PRINCIPAL_ID, p, f, base);
        case "accountId" -> setText(I_USER_ACCOUNT_ID, p, f, base);
        case "accessKeyId" -> setText(I_USER_ACCESS_KEY_ID, p, f, base);
        case "userName" -> setText(I_USER_NAME, p, f, base);
        case "invokedBy" -> setText(I_INVOKED_BY, p, f, base);
        case "sessionContext" -> sessionContext(p, f, base);
        default -> p.skipChildren();
      }
    }
    endObject(p, t);
  }

  private void sessionContext(JsonParser p, JsonToken v, int base) throws IOException {
    if (!isObject(p, v, "userIdentity.sessionContext")) {
      return;
    }
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken f = p.nextToken();
      switch (name) {
        case "sessionIssuer" -> {
          if (isObject(p, f, "sessionContext.sessionIssuer")) {
            JsonToken u;
            while ((u = p.nextToken()) == JsonToken.FIELD_NAME) {
              String n = p.currentName();
              JsonToken g = p.nextToken();
              switch (n) {
                case "type" -> setText(I_SI_TYPE, p, g, base);
                case "arn" -> setText(I_SI_ARN, p, g, base);
                case "accountId" -> setText(I_SI_ACCOUNT_ID, p, g, base);
                case "userName" -> setText(I_SI_USER_NAME, p, g, base);
                default -> p.skipChildren();
              }
            }
            endObject(p, u);
          }
        }
        case "attributes" -> {
          if (isObject(p, f, "sessionContext.attributes")) {
            JsonToken u;
            while ((u = p.nextToken()) == JsonToken.FIELD_NAME) {
              String n = p.currentName();
              JsonToken g = p.nextToken();
              switch (n) {
                case "mfaAuthenticated" -> values[I_SESSION_MFA] = bool(p, g, "mfaAuthenticated");
                case "creationDate" -> {
                  UTF8String s = text(p, g, base);
                  sessionCreatedText = s == null ? null : s.toString();
                }
                default -> p.skipChildren();
              }
            }
            endObject(p, u);
          }
        }
        case "sourceIdentity" -> setText(I_SESSION_SOURCE_IDENTITY, p, f, base);
        default -> p.skipChildren();
      }
    }
    endObject(p, t);
  }

  // The JSON members of each struct column, in the column's field order.
  private static final String[] RESOURCE = {"ARN", "accountId", "type"};
  private static final String[] TLS_DETAILS = {"tlsVersion", "cipherSuite", "clientProvidedHostHeader"};
  private static final String[] ADDENDUM = {"reason", "updatedFields", "originalRequestID", "originalEventID"};

  private Object resources(JsonParser p, JsonToken v, int base) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    if (v != JsonToken.START_ARRAY) {
      p.skipChildren();
      invalid("resources is not an array");
      return null;
    }
    List<Object> out = new ArrayList<>(2);
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        invalid("resources contains a JSON " + kind(t) + ", not an object");
        continue;
      }
      out.add(stringStruct(p, RESOURCE, base));
    }
    return new GenericArrayData(out.toArray());
  }

  private Object struct(JsonParser p, JsonToken v, int base, String name, String[] members) throws IOException {
    return isObject(p, v, name) ? stringStruct(p, members, base) : null;
  }

  /** An object (its START_OBJECT just read) of string members, as a row in {@code members} order. */
  private InternalRow stringStruct(JsonParser p, String[] members, int base) throws IOException {
    Object[] r = new Object[members.length];
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String n = p.currentName();
      JsonToken g = p.nextToken();
      int i = indexOf(members, n);
      if (i >= 0) {
        r[i] = text(p, g, base);
      } else {
        p.skipChildren();
      }
    }
    endObject(p, t);
    return new GenericInternalRow(r);
  }

  private static int indexOf(String[] members, String name) {
    for (int i = 0; i < members.length; i++) {
      if (members[i].equals(name)) {
        return i;
      }
    }
    // Older records spell the resource ARN in lower case.
    return members == RESOURCE && name.equals("arn") ? 0 : -1;
  }

  private void finishRecord(int start, int end) {
    recordIndex++;
    String eventId = str(I_EVENT_ID);
    if (end - start > maxRecordBytes) {
      quarantine(Problem.RECORD, start, end,
          "record of " + (end - start) + " bytes is over the limit of " + maxRecordBytes, eventId);
      return;
    }
    if (invalid != null) {
      quarantine(Problem.RECORD, start, end, invalid, eventId);
      return;
    }
    String missing = blank(eventId) ? "eventID"
        : blank(eventTimeText) ? "eventTime"
        : blank(str(I_EVENT_SOURCE)) ? "eventSource"
        : blank(str(I_EVENT_NAME)) ? "eventName" : null;
    if (missing != null) {
      quarantine(Problem.RECORD, start, end, "missing " + missing, eventId);
      return;
    }
    long micros = EventTimes.parseMicros(eventTimeText);
    if (micros == Long.MIN_VALUE) {
      quarantine(Problem.RECORD, start, end,
          "eventTime is not an ISO-8601 time: '" + abbreviate(eventTimeText) + "'", eventId);
      return;
    }
    values[I_EVENT_TIME] = micros;
    values[I_EVENT_DATE] = EventTimes.epochDay(micros);
    if (sessionCreatedText != null) {
      long c = EventTimes.parseMicros(sessionCreatedText);
      values[I_SESSION_CREATED] = c == Long.MIN_VALUE ? null : c;
    }
    String userType = str(I_USER_TYPE);
    Principals.Principal principal =
        Principals.resolve(userType, str(I_USER_ARN), str(I_USER_ACCOUNT_ID), str(I_USER_PRINCIPAL_ID),
            str(I_SI_ARN), str(I_SI_TYPE), str(I_INVOKED_BY));
    values[I_PRINCIPAL_ARN] = utf8(principal.arn());
    values[I_PRINCIPAL_KIND] = utf8(principal.kind());
    values[I_SESSION_NAME] = utf8(principal.sessionName());
    values[I_SERVICE_ORIGINATED] = Principals.serviceOriginated(userType, str(I_SOURCE_IP), str(I_INVOKED_BY));
    values[I_IAM_ACTION] = utf8(actions.iamAction(str(I_EVENT_SOURCE), str(I_EVENT_NAME), str(I_EVENT_TYPE)));
    values[I_FAILED] = !blank(str(I_ERROR_CODE));
    values[I_SOURCE_OBJECT] = sourceObject;
    if (BEANSTALK.equals(str(I_EVENT_SOURCE))) {
      // Environment properties carry customer secrets: they never reach a table unmasked.
      values[I_REQUEST_PARAMETERS] = masked(values[I_REQUEST_PARAMETERS]);
      values[I_RESPONSE_ELEMENTS] = masked(values[I_RESPONSE_ELEMENTS]);
    }
    kept++;
    sink.event(row);
  }

  // ---- value readers ----

  private void setText(int i, JsonParser p, JsonToken v, int base) throws IOException {
    values[i] = text(p, v, base);
    decoded[i] = false;
  }

  /** A scalar as text; an object or array where text was expected is kept as its raw JSON. */
  private UTF8String text(JsonParser p, JsonToken v, int base) throws IOException {
    return switch (v) {
      case VALUE_NULL -> null;
      case VALUE_STRING -> string(p, base);
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> UTF8String.fromString(p.getText());
      default -> raw(p, v, base);
    };
  }

  /**
   * A JSON string without escapes is its own UTF-8 bytes between the quotes: slice them from the file
   * buffer instead of decoding to Java chars and encoding back (most CloudTrail strings have none).
   */
  private UTF8String string(JsonParser p, int base) throws IOException {
    int quote = base + (int) p.currentTokenLocation().getByteOffset();
    if (quote >= 0 && quote < limit && buf[quote] == '"') {
      for (int i = quote + 1; i < limit; i++) {
        byte b = buf[i];
        if (b == '"') {
          return UTF8String.fromBytes(buf, quote + 1, i - quote - 1);
        }
        if (b == '\\' || (b >= 0 && b < 0x20)) {
          break; // escapes to decode, or a control character Jackson should reject
        }
      }
    }
    return UTF8String.fromString(p.getText());
  }

  /** A JSON member kept as its exact source text, sliced from the file buffer without copying. */
  private UTF8String raw(JsonParser p, JsonToken v, int base) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
      int from = base + (int) p.currentTokenLocation().getByteOffset();
      p.skipChildren();
      int to = base + (int) p.currentLocation().getByteOffset();
      return UTF8String.fromBytes(buf, from, to - from);
    }
    return UTF8String.fromString(p.getText());
  }

  private Boolean bool(JsonParser p, JsonToken v, String name) throws IOException {
    switch (v) {
      case VALUE_NULL:
        return null;
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_STRING:
        String s = p.getText();
        if ("true".equalsIgnoreCase(s)) {
          return Boolean.TRUE;
        }
        if ("false".equalsIgnoreCase(s)) {
          return Boolean.FALSE;
        }
        invalid(name + " is not a boolean: '" + abbreviate(s) + "'");
        return null;
      default:
        p.skipChildren();
        invalid(name + " is not a boolean: a JSON " + kind(v));
        return null;
    }
  }

  private boolean isObject(JsonParser p, JsonToken v, String name) throws IOException {
    if (v == JsonToken.START_OBJECT) {
      return true;
    }
    if (v != JsonToken.VALUE_NULL) {
      p.skipChildren();
      invalid(name + " is not an object: a JSON " + kind(v));
    }
    return false;
  }

  private static void endObject(JsonParser p, JsonToken t) throws JsonProcessingException {
    if (t != JsonToken.END_OBJECT) {
      throw new JsonSyntax("unexpected " + t, p);
    }
  }

  private void invalid(String reason) {
    if (invalid == null) {
      invalid = reason;
    }
  }

  // ---- quarantine ----

  private void fileProblem(long from, long to, String reason) {
    fileProblemSeen = true;
    sink.quarantine(new Problem(Problem.FILE, -1, from, reason, null, excerpt((int) from, (int) to)));
  }

  private void quarantine(String scope, int from, int to, String reason, String eventId) {
    quarantined++;
    sink.quarantine(new Problem(scope, recordIndex - 1, from, reason, eventId, excerpt(from, to)));
  }

  private String excerpt(int from, int to) {
    int end = Math.min(Math.min(to, buf.length), from + EXCERPT_BYTES);
    if (from < 0 || from >= end) {
      return "";
    }
    return Secrets.maskText(new String(buf, from, end - from, StandardCharsets.UTF_8));
  }

  private static Object masked(Object raw) {
    if (raw == null) {
      return null;
    }
    String json = raw.toString();
    String m = Secrets.maskJson(json);
    return m == json ? raw : UTF8String.fromString(m);
  }

  // ---- small helpers ----

  private static boolean isEventKey(String name) {
    return switch (name) {
      case "eventID", "eventTime", "eventSource", "eventName", "eventVersion", "userIdentity" -> true;
      default -> false;
    };
  }

  private String str(int i) {
    if (!decoded[i]) {
      Object o = values[i];
      strings[i] = o == null ? null : o.toString();
      decoded[i] = true;
    }
    return strings[i];
  }

  private static UTF8String utf8(String s) {
    return s == null ? null : UTF8String.fromString(s);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String kind(JsonToken t) {
    return switch (t) {
      case START_OBJECT -> "object";
      case START_ARRAY -> "array";
      case VALUE_STRING -> "string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
      case VALUE_TRUE, VALUE_FALSE -> "boolean";
      case VALUE_NULL -> "null";
      default -> String.valueOf(t);
    };
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    String t = s.replaceAll("\\s+", " ").trim();
    return t.length() <= 200 ? t : t.substring(0, 200) + "…";
  }

  private static int skipWhitespaceAndBom(byte[] b, int pos, int length) {
    if (pos + 2 < length && (b[pos] & 0xff) == 0xEF && (b[pos + 1] & 0xff) == 0xBB && (b[pos + 2] & 0xff) == 0xBF) {
      pos += 3;
    }
    while (pos < length && (b[pos] == ' ' || b[pos] == '\n' || b[pos] == '\r' || b[pos] == '\t')) {
      pos++;
    }
    return pos;
  }

  private int nextLine(int pos, int length) {
    for (int i = pos; i < length; i++) {
      if (buf[i] == '\n') {
        return i + 1;
      }
    }
    return length;
  }

  /** A structural error we detect ourselves, reported like Jackson's own. */
  private static final class JsonSyntax extends JsonProcessingException {
    JsonSyntax(String msg, JsonParser p) {
      super(msg, p.currentLocation());
    }
  }
}
