package io.switchboard.loadtest;

import io.switchboard.loadtest.IngestRamp.Step;
import io.switchboard.loadtest.Target.ChannelRef;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What this machine does without Switchboard in the way, measured in the same run: a bare Vert.x
 * HTTP endpoint, a bare WebSocket fan-out to a crowd of the same shape, and pgbench running the
 * writes of one ingest transaction.
 */
record Baselines(List<Step> http, List<Step> ws, List<PgBench.Result> pgbench) {

  /** Bare Vert.x HTTP, bare WebSocket fan-out (same shape of crowd), and pgbench. */
  static Baselines run(Plan plan, Bench bench, LoadAccount account, ServerProcess server, Path work,
      WsDeflate deflate, Consumer<String> log) {
    // Its own Vert.x, so the baseline server does not share event loops with the tool's clients.
    Vertx bareVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    BareServer bare = new BareServer();
    Bench.await(bareVertx.deployVerticle(bare), 60);
    List<ChannelRef> bareChannels = account.target.channels().stream()
        .map(c -> new ChannelRef(c.id(), c.kind(), "bare:" + c.group(), c.secret(), c.group())).toList();
    Target bareTarget = new Target("bare", "127.0.0.1", bare.port(), bareChannels);

    log.accept("baseline: bare Vert.x HTTP endpoint at " + plan.baselineRates() + " msg/s");
    List<Step> bareHttp = IngestRamp.run(bench, bareTarget, plan.baselineRates(), plan.baselineSeconds(), 2, 1,
        List.of(), null, null, log);

    List<Recipient> bareRecipients = new ArrayList<>();
    for (Recipient r : account.agents) {
      bareRecipients.add(new Recipient("bare-" + r.name, r.group, false, x -> Future.succeededFuture("bare:" + r.group)));
    }
    for (Recipient r : account.supervisors) {
      bareRecipients.add(new Recipient("bare-" + r.name, Window.EVERYONE, true, x -> Future.succeededFuture("bare:all")));
    }
    Crowd bareCrowd = new Crowd(bench.vertx, bareTarget, 2, deflate);
    Bench.await(bareCrowd.connect(bareRecipients, false), 600);
    List<Integer> wsRates = new ArrayList<>(plan.baselineRates());
    if (plan.rampRates().contains(1000) && !wsRates.contains(1000)) {
      wsRates.add(0, 1000);
    }
    log.accept("baseline: bare WebSocket fan-out to " + bareRecipients.size() + " sockets at " + wsRates + " msg/s");
    List<Step> bareWs = IngestRamp.run(bench, bareTarget, wsRates, plan.baselineSeconds(), 2, 1, bareRecipients, null,
        null, log);
    Bench.await(bareCrowd.close(), 120);
    Bench.await(bareVertx.close(), 60);

    List<PgBench.Result> pg = List.of();
    String database = URI.create(server.pgUrl.replace("postgresql://", "http://")).getPath().substring(1);
    if (PgBench.available()) {
      log.accept("baseline: pgbench ingest transaction at 1/8/32 clients, then batches of " + PgBench.BATCH
          + " pipelined at 8, " + plan.pgbenchSeconds() + " s each");
      try {
        pg = PgBench.run(database, plan.pgbenchSeconds(), List.of(1, 8, 32), work.toAbsolutePath());
        pg.forEach(p -> log.accept(String.format("  %d clients, %d per transaction: %.0f tps (%.0f msg/s), %.2f ms average",
            p.clients(), p.batch(), p.tps(), p.messagesPerSecond(), p.latencyMillis())));
      } catch (IOException e) {
        log.accept("  pgbench failed: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      log.accept("  pgbench not found; skipped");
    }
    return new Baselines(bareHttp, bareWs, pg);
  }
}
