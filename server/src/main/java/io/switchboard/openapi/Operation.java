package io.switchboard.openapi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One operation of the OpenAPI document, built fluently; path parameters come from the path. */
final class Operation {

  private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");

  private final JsonObject json = new JsonObject();
  private final JsonArray parameters = new JsonArray();
  private final JsonObject responses = new JsonObject();

  Operation(String path, String tag, String summary) {
    json.put("tags", new JsonArray().add(tag)).put("summary", summary);
    Matcher m = PATH_PARAM.matcher(path);
    while (m.find()) {
      parameters.add(new JsonObject().put("name", m.group(1)).put("in", "path").put("required", true)
          .put("schema", Schema.type("string")));
    }
  }

  Operation describe(String text) {
    json.put("description", text);
    return this;
  }

  /** The credential this operation takes: userToken, channelKey or platformKey. */
  Operation security(String scheme) {
    json.put("security", new JsonArray().add(new JsonObject().put(scheme, new JsonArray())));
    return this;
  }

  Operation userOrChannel() {
    json.put("security", new JsonArray().add(new JsonObject().put("userToken", new JsonArray()))
        .add(new JsonObject().put("channelKey", new JsonArray())));
    return this;
  }

  /** No credential: public pages, sign-in, health. */
  Operation open() {
    json.put("security", new JsonArray());
    return this;
  }

  /** A user token whose role is at least {@code role}. */
  Operation role(String role) {
    json.put("x-minimum-role", role);
    return security("userToken");
  }

  Operation query(String name, String type, String description) {
    parameters.add(new JsonObject().put("name", name).put("in", "query").put("description", description)
        .put("schema", Schema.type(type)));
    return this;
  }

  Operation header(String name, String description, boolean required) {
    parameters.add(new JsonObject().put("name", name).put("in", "header").put("required", required)
        .put("description", description).put("schema", Schema.type("string")));
    return this;
  }

  Operation body(String schema) {
    return body("application/json", Schema.type(schema));
  }

  Operation body(String mediaType, JsonObject schema) {
    json.put("requestBody", new JsonObject().put("required", true)
        .put("content", new JsonObject().put(mediaType, new JsonObject().put("schema", schema))));
    return this;
  }

  /** An answer with a JSON body of the given schema, or none when schema is null. */
  Operation answers(int status, String description, String schema) {
    return answers(status, description, "application/json", schema == null ? null : Schema.type(schema));
  }

  Operation answers(int status, String description, String mediaType, JsonObject schema) {
    JsonObject response = new JsonObject().put("description", description);
    if (schema != null) {
      response.put("content", new JsonObject().put(mediaType, new JsonObject().put("schema", schema)));
    }
    responses.put(String.valueOf(status), response);
    return this;
  }

  /** Every GET that reads account data tells how far the event log it reflects goes. */
  Operation withSeq() {
    json.put("x-switchboard-seq", true);
    return this;
  }

  JsonObject toJson() {
    JsonObject out = json.copy();
    if (!parameters.isEmpty()) {
      out.put("parameters", parameters.copy());
    }
    JsonObject all = responses.copy();
    all.put("default", new JsonObject().put("$ref", "#/components/responses/Problem"));
    return out.put("responses", all);
  }
}
