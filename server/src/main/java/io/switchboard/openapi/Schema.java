package io.switchboard.openapi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A compact notation for JSON Schema outlines, so the document reads like the contract:
 * {@code "name!:string"} (the ! marks a required field), {@code "status:open|pending"} (an enum),
 * {@code "at:date-time"}, {@code "ids:[string]"} (an array), {@code "contact:Contact"} (a
 * reference to a component schema, capitalised), {@code "settings:object"} (free-form).
 */
final class Schema {

  private Schema() {
  }

  /** An object schema from "field:type" entries. */
  static JsonObject object(String... fields) {
    JsonObject properties = new JsonObject();
    JsonArray required = new JsonArray();
    for (String field : fields) {
      int colon = field.indexOf(':');
      String name = field.substring(0, colon);
      if (name.endsWith("!")) {
        name = name.substring(0, name.length() - 1);
        required.add(name);
      }
      properties.put(name, type(field.substring(colon + 1)));
    }
    JsonObject schema = new JsonObject().put("type", "object").put("properties", properties);
    return required.isEmpty() ? schema : schema.put("required", required);
  }

  /** One type in the notation above. */
  static JsonObject type(String t) {
    if (t.startsWith("[") && t.endsWith("]")) {
      return new JsonObject().put("type", "array").put("items", type(t.substring(1, t.length() - 1)));
    }
    if (t.contains("|")) {
      return new JsonObject().put("type", "string").put("enum", new JsonArray(java.util.List.of(t.split("\\|"))));
    }
    return switch (t) {
      case "string", "integer", "number", "boolean" -> new JsonObject().put("type", t);
      case "object" -> new JsonObject().put("type", "object").put("additionalProperties", true);
      case "date-time" -> new JsonObject().put("type", "string").put("format", "date-time");
      case "date" -> new JsonObject().put("type", "string").put("format", "date");
      case "binary" -> new JsonObject().put("type", "string").put("contentMediaType", "application/octet-stream");
      default -> ref(t);
    };
  }

  static JsonObject ref(String component) {
    return new JsonObject().put("$ref", "#/components/schemas/" + component);
  }
}
