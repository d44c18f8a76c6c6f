package io.switchboard.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Collectors;

/** The one Jackson configuration of the server, and the translation of bad bodies into problems. */
public final class Json {

  public static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .setSerializationInclusion(JsonInclude.Include.ALWAYS)
      // {"role":"agent","role":"admin"} means two different things to two parsers: refuse it.
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  static {
    // "name": 42 is a wrong type, not the string "42": refuse silent coercions between scalars.
    for (LogicalType t : new LogicalType[] {LogicalType.Textual, LogicalType.Boolean, LogicalType.Integer,
        LogicalType.Float, LogicalType.DateTime}) {
      for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer, CoercionInputShape.Float,
          CoercionInputShape.Boolean, CoercionInputShape.String}) {
        MAPPER.coercionConfigFor(t).setCoercion(shape, CoercionAction.Fail);
      }
    }
    MAPPER.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.String, CoercionAction.TryConvert);
    MAPPER.coercionConfigFor(LogicalType.DateTime).setCoercion(CoercionInputShape.String, CoercionAction.TryConvert);
    MAPPER.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
    MAPPER.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.Float, CoercionAction.TryConvert);
    MAPPER.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
    MAPPER.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Boolean, CoercionAction.TryConvert);
  }

  private Json() {
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Buffer buffer(Object value) {
    try {
      return Buffer.buffer(MAPPER.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Parses a request body: 400 when it is not JSON, not strict UTF-8 (overlong forms, encoded
   * surrogates), has a key twice or a lone surrogate escape; 422 for NUL characters.
   */
  public static JsonNode tree(Buffer body) {
    if (body == null || body.length() == 0) {
      throw Problem.badJson("the request body is empty; send a JSON object");
    }
    // Decoded once, strictly (the JDK refuses overlong forms and encoded surrogates), and parsed
    // from the text: no second pass over the bytes.
    String text;
    try {
      text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(body.getBytes())).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw Problem.badJson("the body is not valid UTF-8");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (IOException e) {
      throw Problem.badJson("the body is not valid UTF-8 JSON: " + firstLine(e.getMessage()));
    }
    if (node == null || !node.isObject()) {
      throw Problem.badJson("the body must be a JSON object");
    }
    rejectNul(node, "");
    return node;
  }

  /** Binds a request body to a record; type mismatches become field errors (422). */
  public static <T> T read(Buffer body, Class<T> type) {
    return bind(tree(body), type);
  }

  public static <T> T bind(JsonNode node, Class<T> type) {
    try {
      return MAPPER.treeToValue(node, type);
    } catch (MismatchedInputException e) {
      throw Problem.invalid(path(e), "has the wrong type: " + expected(e));
    } catch (JsonProcessingException e) {
      throw Problem.badJson(firstLine(e.getOriginalMessage()));
    } catch (IllegalArgumentException e) {
      throw Problem.badJson(firstLine(e.getMessage()));
    }
  }

  private static String expected(MismatchedInputException e) {
    Class<?> t = e.getTargetType();
    if (t == null) {
      return "unexpected value";
    }
    if (t == String.class) {
      return "expected a string";
    }
    if (Number.class.isAssignableFrom(t) || t == int.class || t == long.class) {
      return "expected a number";
    }
    if (t == Boolean.class || t == boolean.class) {
      return "expected true or false";
    }
    if (java.util.Collection.class.isAssignableFrom(t)) {
      return "expected an array";
    }
    if (t == java.time.Instant.class) {
      return "expected an ISO-8601 time such as 2026-11-22T13:45:00Z";
    }
    return "expected an object";
  }

  private static String path(MismatchedInputException e) {
    String p = e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
    return p.isEmpty() ? "body" : p;
  }

  private static void rejectNul(JsonNode node, String path) {
    if (node.isTextual()) {
      if (node.textValue().indexOf('\0') >= 0) {
        throw Problem.invalid(path.isEmpty() ? "body" : path, "must not contain NUL characters");
      }
      if (hasLoneSurrogate(node.textValue())) {
        throw Problem.badJson((path.isEmpty() ? "body" : path) + " has a lone surrogate (\\ud800-\\udfff), which is not text");
      }
    } else if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        var e = it.next();
        if (e.getKey().indexOf('\0') >= 0) {
          throw Problem.invalid(path.isEmpty() ? "body" : path, "field names must not contain NUL characters");
        }
        rejectNul(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey());
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        rejectNul(node.get(i), path + "[" + i + "]");
      }
    }
  }

  private static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return true;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
