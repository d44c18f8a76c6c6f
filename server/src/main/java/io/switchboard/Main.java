package io.switchboard;

import io.switchboard.cluster.ClusterSettings;
import io.switchboard.cluster.Clustering;
import io.switchboard.config.Config;
import io.switchboard.demo.DemoMode;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts one Switchboard node with the settings of the environment (see README). */
public final class Main {

  static {
    // Before the first logger exists: the format is chosen once, at start.
    if ("json".equalsIgnoreCase(System.getenv().getOrDefault("SWITCHBOARD_LOG_FORMAT", "text").trim())) {
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    Map<String, String> env = new HashMap<>(System.getenv());
    boolean demo = Boolean.parseBoolean(env.getOrDefault("SWITCHBOARD_DEMO", "false"));
    if (demo) {
      DemoMode.prepareEnvironment(env);
    }
    Config config;
    try {
      config = Config.fromEnv(env);
    } catch (IllegalStateException e) {
      System.err.println("switchboard: " + e.getMessage());
      System.exit(2);
      return;
    }
    ClusterSettings cluster;
    try {
      cluster = ClusterSettings.fromEnv(env);
    } catch (IllegalStateException e) {
      System.err.println("switchboard: " + e.getMessage());
      System.exit(2);
      return;
    }
    // Vert.x reports its HTTP, pool and event-bus metrics to the registry served at /metrics.
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true)
        .setEventLoopPoolSize(config.tuning().eventLoops())
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true));
    Clustering.start(Vertx.builder().withMetrics(new MicrometerMetricsFactory(metrics)), options, cluster)
        .compose(vertx -> Switchboard.start(vertx, config, metrics)
            .compose(app -> demo ? new DemoMode(vertx, app).run().map(app) : io.vertx.core.Future.succeededFuture(app)))
        .onSuccess(app -> {
          LOG.info("Switchboard node {} listening on {}", config.nodeId(), config.publicUrl());
          // Drain, then leave the cluster cleanly so the others take over at once.
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            awaitQuietly(app.close());
            awaitQuietly(app.services().vertx().close());
          }));
        })
        .onFailure(err -> {
          LOG.error("Switchboard failed to start", err);
          System.exit(1);
        });
  }

  private static void awaitQuietly(io.vertx.core.Future<?> future) {
    future.toCompletionStage().toCompletableFuture().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
        .exceptionally(e -> null).join();
  }
}
