package io.switchboard.loadtest;

import io.switchboard.loadtest.IngestRamp.Step;
import io.switchboard.loadtest.Target.ChannelRef;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The naive baseline run: its own database and {@link NaiveServer} (in this process, on its own
 * Vert.x, as the bare baselines), driven by the same ingest ramp as Switchboard: the same open-loop
 * sender, bodies, Zipf customers and markers, and the same audience of stream clients.
 *
 * @param ramps the ramp's steps per audience, in the order run
 */
record NaiveBaseline(Map<Audience, List<Step>> ramps) {

  static NaiveBaseline run(Plan plan, Bench bench, LoadAccount account, List<Audience> audiences, String pgUrl,
      String runId, WsDeflate deflate, boolean keepData, Consumer<String> log) {
    Vertx naiveVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    NaiveDatabase database = new NaiveDatabase(naiveVertx, pgUrl, "sb_naive_" + runId.toLowerCase());
    String deployment = null;
    try {
      Bench.await(database.create(), 120);
      NaiveServer server = new NaiveServer(database.url);
      deployment = Bench.await(naiveVertx.deployVerticle(server), 60);
      List<ChannelRef> channels = account.target.channels().stream()
          .map(c -> new ChannelRef(c.id(), c.kind(), NaiveServer.key(c.group()), c.secret(), c.group())).toList();
      Target target = new Target("naive", "127.0.0.1", server.port(), channels);
      Map<Audience, List<Step>> ramps = new LinkedHashMap<>();
      for (Audience audience : audiences) {
        List<Recipient> recipients = recipients(audience, account);
        Crowd crowd = new Crowd(bench.vertx, target, 2, deflate);
        try {
          Bench.await(crowd.connect(recipients, false), 600);
          log.accept("baseline: naive server (pool of " + NaiveServer.POOL_SIZE + ", one transaction per message, "
              + "database " + database.url.substring(database.url.lastIndexOf('/') + 1) + "), " + audience.label()
              + " (" + recipients.size() + " sockets), " + plan.naiveRepeats() + " repeat(s) of " + plan.rampRates()
              + " msg/s");
          if (ramps.isEmpty()) {
            IngestRamp.warmUp(bench, target, plan, recipients, null, log);
          }
          ramps.put(audience, IngestRamp.run(bench, target, plan.rampRates(), plan.stepSeconds(), plan.warmupSeconds(),
              plan.naiveRepeats(), recipients, null, null, log));
        } finally {
          Bench.await(crowd.close(), 120);
        }
      }
      return new NaiveBaseline(ramps);
    } finally {
      if (deployment != null) {
        // The server's pool must let go of the database before it can be dropped.
        Bench.await(naiveVertx.undeploy(deployment).recover(err -> Future.succeededFuture()), 60);
      }
      if (!keepData) {
        Bench.await(database.drop().recover(err -> {
          log.accept("  could not drop the naive database: " + err.getMessage());
          return Future.succeededFuture();
        }), 60);
      }
      Bench.await(naiveVertx.close(), 60);
    }
  }

  /** The same shape of audience as Switchboard's, with the naive server's tickets. */
  static List<Recipient> recipients(Audience audience, LoadAccount account) {
    List<Recipient> out = new ArrayList<>();
    if (audience.crowd()) {
      for (Recipient r : account.agents) {
        out.add(new Recipient("naive-" + r.name, r.group, false, x -> Future.succeededFuture(NaiveServer.key(r.group))));
      }
      for (Recipient r : account.supervisors) {
        out.add(new Recipient("naive-" + r.name, Window.EVERYONE, true,
            x -> Future.succeededFuture(NaiveServer.key(Window.EVERYONE))));
      }
    } else {
      for (int i = 0; i < audience.clients(); i++) {
        out.add(new Recipient("naive-audience" + i, Window.EVERYONE, true,
            x -> Future.succeededFuture(NaiveServer.key(Window.EVERYONE))));
      }
    }
    return out;
  }
}
