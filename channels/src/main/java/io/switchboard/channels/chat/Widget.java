package io.switchboard.channels.chat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The widget's script: widget.js (plain JavaScript, no framework) called with this channel's
 * settings. The settings are admin text, still written as JSON with every character that could
 * end a script or a string escaped.
 */
final class Widget {

  private static final String SOURCE = load();

  private Widget() {
  }

  static String script(String base, ChatSettings s) {
    JsonObject cfg = new JsonObject().put("base", base).put("title", s.title()).put("color", s.color())
        .put("greeting", s.greeting());
    String json = cfg.encode().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    return SOURCE.replace("/*CONFIG*/{}", json);
  }

  private static String load() {
    try (InputStream in = Widget.class.getResourceAsStream("widget.js")) {
      if (in == null) {
        throw new IllegalStateException("widget.js is missing from the channels jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
