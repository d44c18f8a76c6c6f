package io.switchboard.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/** Request bodies of the JSON API must say they are JSON: anything else is a 415, read no further. */
public final class JsonBodies {

  private JsonBodies() {
  }

  /** A route handler for the API: passes requests without a body, and uploads (their bytes are the file). */
  public static void require(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    boolean hasBody = ctx.body() != null && ctx.body().length() > 0;
    boolean upload = method == HttpMethod.POST && ctx.normalizedPath().endsWith("/attachments");
    if (!hasBody || upload || isJson(ctx.request().getHeader("Content-Type"))) {
      ctx.next();
      return;
    }
    ctx.fail(Problem.of(415, "Unsupported media type", "send the body as application/json"));
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
  }
}
