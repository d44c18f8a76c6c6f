package io.switchboard.support;

import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.Set;
import java.util.TreeSet;

/**
 * The routes a running server really serves, as "METHOD /path/{param}", read from its router
 * (descending into mounted sub-routers). Tests generated from it cover a new route by themselves.
 */
public final class RouteTable {

  private RouteTable() {
  }

  /** "METHOD /path/{param}" for every concrete route; "ANY" for a route without methods. */
  public static Set<String> served(Router router) {
    Set<String> out = new TreeSet<>();
    walk(router, "", out);
    return out;
  }

  private static void walk(Router router, String prefix, Set<String> out) {
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (path == null && route.getName() != null && route.getName().startsWith("/")) {
        path = route.getName(); // a route with :params keeps its template only as its name
      }
      if (route.getSubRouter() != null) {
        String mount = path.endsWith("*") ? path.substring(0, path.length() - 1) : path;
        walk(route.getSubRouter(), prefix + (mount.endsWith("/") ? mount.substring(0, mount.length() - 1) : mount),
            out);
        continue;
      }
      // middleware (no path), static files and catch-alls ("/*") are not operations
      if (path == null || path.endsWith("*") || !route.isExactPath() && !path.contains(":")) {
        continue;
      }
      String openApiPath = (prefix + path).replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      if (route.methods() == null || route.methods().isEmpty()) {
        out.add("ANY " + openApiPath);
      } else {
        route.methods().forEach(m -> out.add(m.name() + " " + openApiPath));
      }
    }
  }
}
