package io.switchboard.demo;

import io.switchboard.cluster.SingleActive;
import io.switchboard.db.PgUrl;

import io.switchboard.Switchboard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demo mode (SWITCHBOARD_DEMO=true): keeps its secrets in a private folder, creates the "Demo Shop"
 * account, its people and channels through the server's own public API, prints how to sign in, and
 * plays live after-sales traffic from simulated customers.
 */
public final class DemoMode {

  private static final Logger LOG = LoggerFactory.getLogger(DemoMode.class);

  /** Where the demo keeps its secrets and channel keys; relative to the working directory. */
  public static final String DIR_VARIABLE = "SWITCHBOARD_DEMO_DIR";

  /** The demo's folder and the simulator's pace (a random pause between the two bounds). */
  public record Options(Path dir, long minDelayMs, long maxDelayMs) {

    public static Options fromEnv(Map<String, String> env) {
      String dir = env.get(DIR_VARIABLE);
      return new Options(Path.of(dir == null || dir.isBlank() ? ".switchboard" : dir), 2000, 6000);
    }
  }

  private final Vertx vertx;
  private final Switchboard app;
  private final Options options;
  private DemoClient client;
  private TrafficSimulator simulator;
  private SingleActive trafficOnOneNode;
  private DemoSatisfaction satisfaction;
  private DemoProviders providers;
  private AdapterDoors doors;

  public DemoMode(Vertx vertx, Switchboard app) {
    this(vertx, app, Options.fromEnv(System.getenv()));
  }

  public DemoMode(Vertx vertx, Switchboard app, Options options) {
    this.vertx = vertx;
    this.app = app;
    this.options = options;
  }

  /**
   * Demo mode generates a JWT signing key and a platform key once and keeps them (0600) in the demo
   * folder, so sessions survive restarts. Variables already set win. Blocking: call before Vert.x.
   */
  public static void prepareEnvironment(Map<String, String> env) {
    DemoFiles files = new DemoFiles(Options.fromEnv(env).dir());
    keep(env, "SWITCHBOARD_JWT_SECRET", () -> files.secret(DemoFiles.JWT_SECRET));
    keep(env, "SWITCHBOARD_PLATFORM_KEY", () -> files.secret(DemoFiles.PLATFORM_KEY));
  }

  /** Sets up (or finds) the demo account, prints the banner and starts the simulated traffic. */
  public Future<Void> run() {
    DemoFiles files = new DemoFiles(options.dir());
    client = new DemoClient(vertx, app.port());
    providers = new DemoProviders(vertx);
    doors = new AdapterDoors(vertx, client.http(), app.services().publicUrl(), this::smtpPort);
    return new DemoSetup(vertx, client, files, app.config().platformKey(), providers).run()
        .map(demo -> {
          System.out.println(Banner.render(demo, app.services().publicUrl(), options.dir()));
          DemoSetup.ChannelKey social = demo.channelsByKind().get("social");
          if (social != null && social.settings() != null) {
            providers.onWhatsAppStatus(s -> doors.whatsappDelivered(social, s.getString("id"), s.getString("to")));
          }
          simulator = new TrafficSimulator(vertx, client, doors, demo.channelsByKind(), options.minDelayMs(),
              options.maxDelayMs(), new Random());
          satisfaction = new DemoSatisfaction(vertx, client, app.db(), demo.accountId(), 15_000, new Random());
          // With several nodes, one simulates the customers (and another takes over if it dies).
          trafficOnOneNode = new SingleActive(vertx, PgUrl.parse(app.config().pgUrl()).options(), "demo-traffic", 5_000,
              () -> {
                simulator.start();
                satisfaction.start();
                LOG.info("demo traffic started for account {}", demo.accountId());
                return Future.succeededFuture();
              },
              () -> {
                satisfaction.stop();
                return simulator.stop();
              });
          return demo;
        })
        .compose(demo -> trafficOnOneNode.begin().<Void>mapEmpty())
        .onFailure(err -> LOG.error("demo mode could not start: {}", err.getMessage()));
  }

  /** Stops the simulated traffic, the demo's providers and its HTTP client. */
  public Future<Void> stop() {
    Future<Void> traffic = trafficOnOneNode == null ? Future.succeededFuture() : trafficOnOneNode.close();
    return traffic
        .eventually(() -> doors == null ? Future.succeededFuture() : doors.close())
        .eventually(() -> providers == null ? Future.succeededFuture() : providers.stop())
        .eventually(() -> client == null ? Future.succeededFuture() : client.close());
  }

  /** The running simulator (null before run() succeeds). */
  TrafficSimulator simulator() {
    return simulator;
  }

  /** The demo's mail relay and Graph API (null before run()). */
  DemoProviders providers() {
    return providers;
  }

  /** The node's SMTP listener, or -1 when this node runs no email adapter. */
  private int smtpPort() {
    var adapters = app.services().adapters;
    var host = adapters == null ? null : adapters.host();
    return host == null ? -1 : host.kind("email")
        .map(k -> ((io.switchboard.channels.email.EmailKind) k).smtpPort()).orElse(-1);
  }

  private static void keep(Map<String, String> env, String name, java.util.function.Supplier<String> secret) {
    String current = env.get(name);
    if (current == null || current.isBlank()) {
      env.put(name, secret.get());
    }
  }
}
