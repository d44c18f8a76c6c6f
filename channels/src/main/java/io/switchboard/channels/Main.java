package io.switchboard.channels;

import io.switchboard.channels.core.AdapterHost;
import io.switchboard.channels.core.ChannelKinds;
import io.switchboard.channels.core.HostSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone adapter process (with SWITCHBOARD_ADAPTERS=none on the server):
 * {@code java -jar switchboard-channels.jar --server https://core.example}. It runs the adapter of
 * every channel whose key is in SWITCHBOARD_CHANNEL_KEYS (comma-separated) and serves their
 * provider routes at /channels/... on SWITCHBOARD_ADAPTER_PORT (8082).
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    String server = argument(args, "--server", env.get("SWITCHBOARD_SERVER_URL"));
    List<String> keys = Arrays.stream(env.getOrDefault("SWITCHBOARD_CHANNEL_KEYS", "").split(","))
        .map(String::trim).filter(k -> !k.isEmpty()).toList();
    if (server == null || keys.isEmpty()) {
      System.err.println("usage: SWITCHBOARD_CHANNEL_KEYS=sbk_...,sbk_... java -jar switchboard-channels.jar --server URL");
      System.exit(2);
    }
    Vertx vertx = Vertx.vertx();
    start(vertx, server, env, keys).onFailure(err -> {
      LOG.error("adapters failed to start", err);
      System.exit(1);
    });
  }

  /** Starts the host and its HTTP server; each key's adapter starts as soon as the core answers. */
  public static Future<Standalone> start(Vertx vertx, String server, Map<String, String> env, List<String> keys) {
    int port = HostSettings.intVar(env, "SWITCHBOARD_ADAPTER_PORT", 8082);
    HostSettings host = HostSettings.fromEnv(env, "http://localhost:" + port);
    AdapterHost adapters = new AdapterHost(vertx, server, host, ChannelKinds.all(vertx, host));
    Router root = Router.router(vertx);
    root.get("/health/live").handler(ctx -> ctx.json(new io.vertx.core.json.JsonObject().put("status", "up")));
    root.route("/channels/*").subRouter(adapters.router());
    return vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setIdleTimeout(60))
        .requestHandler(root).listen(port)
        .map(http -> {
          LOG.info("adapters serving /channels/... on port {}", http.actualPort());
          for (String key : keys) {
            adapters.addWhenReachable(key).onFailure(err ->
                LOG.error("a channel key was refused: {}", err.getMessage()));
          }
          return new Standalone(adapters, http);
        });
  }

  /** The running process, for tests. */
  public record Standalone(AdapterHost adapters, io.vertx.core.http.HttpServer http) {
    public Future<Void> close() {
      return adapters.close().eventually(http::close);
    }
  }

  private static String argument(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
