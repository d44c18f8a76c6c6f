package io.switchboard.channels.core;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The routes of one channel under /channels/{channelId}/ (e.g. "/meta" is
 * /channels/{channelId}/meta). They pass the host's limits first (body size, rates per address and
 * per channel, a timeout); the body is read (ctx.body().buffer() holds the raw bytes, for
 * signature checks). They are removed when the adapter stops.
 */
public final class ProviderRoutes {

  private final Router router;
  private final String channelId;
  private final List<Route> added = new CopyOnWriteArrayList<>();

  ProviderRoutes(Router router, String channelId) {
    this.router = router;
    this.channelId = channelId;
  }

  /** @param path below the channel's prefix, starting with "/" */
  public Route route(HttpMethod method, String path, Handler<RoutingContext> handler) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("a provider route starts with /: " + path);
    }
    Route r = router.route(method, "/" + channelId + path).handler(handler);
    added.add(r);
    return r;
  }

  public Route get(String path, Handler<RoutingContext> handler) {
    return route(HttpMethod.GET, path, handler);
  }

  public Route post(String path, Handler<RoutingContext> handler) {
    return route(HttpMethod.POST, path, handler);
  }

  /** The public URL of one of these routes (what to paste into a provider's console). */
  public static String publicUrl(HostSettings host, String channelId, String path) {
    return host.publicUrl() + "/channels/" + channelId + path;
  }

  void removeAll() {
    added.forEach(Route::remove);
    added.clear();
  }
}
