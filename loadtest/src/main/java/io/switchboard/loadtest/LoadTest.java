package io.switchboard.loadtest;

import io.switchboard.loadtest.IngestRamp.Step;
import io.switchboard.loadtest.Target.ChannelRef;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The load test: sets up its own account (or starts a server for it), runs the scenarios of the
 * plan, and writes a report with charts to docs/benchmarks/. See loadtest/run.sh.
 */
public final class LoadTest {

  /** Vert.x warns about every client connection closed under it; thousands of them bury the progress lines. */
  private static final java.util.logging.Logger CLIENT_LOG = java.util.logging.Logger.getLogger("io.vertx.core.http.impl");

  private LoadTest() {
  }

  public static void main(String[] args) throws Exception {
    CLIENT_LOG.setLevel(java.util.logging.Level.SEVERE);
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(new LoadTest().run(options));
  }

  private static void log(String s) {
    System.out.println(DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC).format(Instant.now()) + " " + s);
  }

  private int run(Options options) throws Exception {
    Plan plan = options.smoke() ? Plan.smoke() : options.quick() ? Plan.quick() : Plan.full();
    String runId = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC).format(Instant.now())
        + "_" + plan.name();
    Files.createDirectories(options.out());
    Path work = Path.of("loadtest", "target", "runs", runId);
    Files.createDirectories(work);
    long started = System.nanoTime();
    log("run " + runId + " (" + plan.name() + "), report to " + options.out());

    ServerProcess server;
    if (options.url() == null) {
      int port = freePort();
      log("starting " + options.serverJar() + " on port " + port + " (log: " + work.resolve("server.log") + ")");
      server = ServerProcess.start(options.serverJar(), port, runId, List.of("-Xms512m", "-Xmx2g"),
          work.resolve("server.log"));
    } else {
      URI u = URI.create(options.url());
      server = ServerProcess.external(u.getHost(), u.getPort(), options.pgUrl(), options.platformKey(),
          options.serverPid());
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    Report report = new Report(options.out(), runId);
    Bench bench = new Bench(vertx, runId, server.pid);
    SwitchboardApi api = new SwitchboardApi(vertx, server.host, server.port);
    DbCheck db = new DbCheck(vertx, server.pgUrl);
    try {
      long t0 = System.nanoTime();
      log("setting up the load account: " + plan.teams() + " teams x " + plan.agentsPerTeam() + " agents, "
          + plan.supervisors() + " supervisors");
      LoadAccount account = Bench.await(LoadAccount.create(api, server.platformKey, runId, plan.teams(),
          plan.agentsPerTeam(), plan.supervisors()), 1800);
      log(String.format("account %s set up in %.1f s", account.accountId, (System.nanoTime() - t0) / 1e9));

      // Baselines first, while Switchboard is idle: the same machine, the same crowd shape.
      Baselines baselines = null;
      try {
        baselines = options.scenarios().contains("baselines") ? baselines(plan, bench, account, server, work) : null;
      } catch (RuntimeException e) {
        failed(report, "baselines", e);
      }

      t0 = System.nanoTime();
      Crowd crowd = new Crowd(vertx, account.target, 2);
      Bench.await(crowd.connect(account.agents, false), 1800);
      Bench.await(crowd.connect(account.supervisors, true), 600);
      List<Recipient> watchers = new ArrayList<>(account.agents);
      watchers.addAll(account.supervisors);
      log(String.format("connected %d streams (tickets first) in %.1f s (%d failed%s)", watchers.size(),
          (System.nanoTime() - t0) / 1e9, crowd.connectFailures.get(),
          crowd.lastFailure == null ? "" : ", e.g. " + crowd.lastFailure));

      List<Step> ingest = List.of();
      if (options.scenarios().contains("ingest")) {
        log("scenario 1: ingest ramp " + plan.rampRates() + " msg/s, " + plan.stepSeconds() + " s per step, "
            + plan.repeats() + " repeats");
        ingest = IngestRamp.run(bench, account.target, plan.rampRates(), plan.stepSeconds(), plan.warmupSeconds(),
            plan.repeats(), watchers, db, account.accountId, LoadTest::log);
        report.ingest(ingest, plan.repeats());
      }
      if (baselines != null) {
        report.baselines(baselines.http(), baselines.ws(), baselines.pgbench(), ingest);
      }
      try {
        if (options.scenarios().contains("reconnect")) {
          log("scenario 3: reconnect storm at " + plan.reconnectRate() + " msg/s");
          List<ReconnectStorm.Result> storms = new ArrayList<>();
          for (long jitter : List.of(0L, (long) plan.reconnectJitterMs())) {
            ReconnectStorm.Result r = ReconnectStorm.run(bench, account.target, crowd, account.agents, watchers,
                plan.reconnectRate(), plan.reconnectSeconds(), plan.reconnectDropShare(), jitter, db, account.accountId);
            log(String.format("  %s: %d dropped, all resumed after %.2f s, lost %d dup %d order %d", r.label(),
                r.dropped(), r.allResumedSeconds(), r.measured().tally().lost(), r.measured().tally().duplicates(),
                r.measured().tally().orderViolations()));
            storms.add(r);
          }
          report.reconnect(storms);
        }
      } catch (RuntimeException e) {
        failed(report, "scenario 3", e);
      }
      try {
        if (options.scenarios().contains("fanout")) {
          List<DashboardFanout.Result> fanouts = new ArrayList<>();
          for (int count : plan.fanoutSupervisors()) {
            log("scenario 4: dashboard fan-out to " + count + " supervisor tabs");
            int slow = (int) Math.round(count * plan.slowReaderShare());
            DashboardFanout.Result r = DashboardFanout.run(bench, account.target,
                account.supervisorTabs("fast" + count + "-", count - slow),
                account.supervisorTabs("slow" + count + "-", slow),
                plan.fanoutRate(), plan.fanoutSeconds(), db, account.accountId);
            log(String.format("  dashboard age p99 %.1f ms all reading, %.1f ms with %d stalled; stalled lost %d",
                r.allReading().dashboardAge().p99(), r.withSlowReaders().dashboardAge().p99(), slow, r.slowTally().lost()));
            fanouts.add(r);
          }
          report.fanout(fanouts);
        }
      } catch (RuntimeException e) {
        failed(report, "scenario 4", e);
      }
      try {
        if (options.scenarios().contains("connections")) {
          int idle = idleConnections(plan, server, watchers.size());
          log("scenario 2: " + idle + " idle connections, then " + plan.idleRate() + " msg/s");
          IdleConnections.Result r = IdleConnections.run(bench, account.target, server, account.idleTabs(idle),
              watchers, plan.idleRate(), plan.idleSeconds(), db, account.accountId);
          log(String.format("  %d connected in %.1f s; %.1f KiB RSS and %.1f KiB heap per connection", r.connected(),
              r.connectSeconds(), r.rssPerConnectionKib(), r.heapPerConnectionKib()));
          report.connections(r);
        }
      } catch (RuntimeException e) {
        failed(report, "scenario 2", e);
      }
      try {
        if (options.scenarios().contains("history")) {
          log("scenario 5: storing " + plan.historyMessages() + " messages of history");
          double loadSeconds = LargeHistory.load(vertx, server.pgUrl, account.accountId, runId, plan.historyMessages(),
              LoadTest::log);
          long stored = Bench.await(db.messageCount(account.accountId), 600);
          List<Step> after = IngestRamp.run(bench, account.target, plan.historyRates(), plan.stepSeconds(),
              plan.warmupSeconds(), 1, watchers, db, account.accountId, LoadTest::log);
          report.history(new LargeHistory.Result(plan.historyMessages(), loadSeconds, stored, after), ingest);
        }
      } catch (RuntimeException e) {
        failed(report, "scenario 5", e);
      }
      Bench.await(crowd.close(), 300);

      report.line("## Not covered").line("")
          .line("- Scenario 6 (two clustered nodes vs one): the server does not cluster yet (it reads "
              + "SWITCHBOARD_CLUSTER_MEMBERS but nothing uses it), so there is nothing to compare.")
          .line("- Memory per connection is RSS and heap after GC only: the server exposes no `/metrics`, so direct "
              + "(Netty) memory is not broken out.")
          .line("- Reconnect storm and dashboard fan-out run once per case (the ingest ramp is the one repeated three "
              + "times).")
          .line("");
      String pgSettings = Bench.await(db.durabilitySettings(), 30);
      String header = header(options, plan, runId, server, pgSettings, (System.nanoTime() - started) / 1e9);
      Path file = report.write(header);
      log("report written to " + file);
      System.out.println();
      System.out.println("Targets:");
      System.out.print(report.targetsText());
      return 0;
    } finally {
      Bench.await(db.close(), 30);
      Bench.await(api.close(), 30);
      Bench.await(vertx.close(), 60);
      server.close();
      if (!options.keepData()) {
        server.dropData();
      }
    }
  }

  record Baselines(List<Step> http, List<Step> ws, List<PgBench.Result> pgbench) {
  }

  /** Bare Vert.x HTTP, bare WebSocket fan-out (same shape of crowd), and pgbench. */
  private Baselines baselines(Plan plan, Bench bench, LoadAccount account, ServerProcess server, Path work)
      throws Exception {
    // Its own Vert.x, so the baseline server does not share event loops with the tool's clients.
    Vertx bareVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    BareServer bare = new BareServer();
    Bench.await(bareVertx.deployVerticle(bare), 60);
    List<ChannelRef> bareChannels = account.target.channels().stream()
        .map(c -> new ChannelRef(c.id(), c.kind(), "bare:" + c.group(), c.secret(), c.group())).toList();
    Target bareTarget = new Target("bare", "127.0.0.1", bare.port(), bareChannels);

    log("baseline: bare Vert.x HTTP endpoint at " + plan.baselineRates() + " msg/s");
    List<Step> bareHttp = IngestRamp.run(bench, bareTarget, plan.baselineRates(), plan.baselineSeconds(), 2, 1,
        List.of(), null, null, LoadTest::log);

    List<Recipient> bareRecipients = new ArrayList<>();
    for (Recipient r : account.agents) {
      bareRecipients.add(new Recipient("bare-" + r.name, r.group, false, x -> Future.succeededFuture("bare:" + r.group)));
    }
    for (Recipient r : account.supervisors) {
      bareRecipients.add(new Recipient("bare-" + r.name, Window.EVERYONE, true, x -> Future.succeededFuture("bare:all")));
    }
    Crowd bareCrowd = new Crowd(bench.vertx, bareTarget, 2);
    Bench.await(bareCrowd.connect(bareRecipients, false), 600);
    List<Integer> wsRates = new ArrayList<>(plan.baselineRates());
    if (plan.rampRates().contains(1000) && !wsRates.contains(1000)) {
      wsRates.add(0, 1000);
    }
    log("baseline: bare WebSocket fan-out to " + bareRecipients.size() + " sockets at " + wsRates + " msg/s");
    List<Step> bareWs = IngestRamp.run(bench, bareTarget, wsRates, plan.baselineSeconds(), 2, 1, bareRecipients, null,
        null, LoadTest::log);
    Bench.await(bareCrowd.close(), 120);
    Bench.await(bareVertx.close(), 60);

    List<PgBench.Result> pg = List.of();
    String database = URI.create(server.pgUrl.replace("postgresql://", "http://")).getPath().substring(1);
    if (PgBench.available()) {
      log("baseline: pgbench ingest transaction at 1/8/32 clients, " + plan.pgbenchSeconds() + " s each");
      try {
        pg = PgBench.run(database, plan.pgbenchSeconds(), List.of(1, 8, 32), work.toAbsolutePath());
        pg.forEach(p -> log(String.format("  %d clients: %.0f tps, %.2f ms average", p.clients(), p.tps(),
            p.latencyMillis())));
      } catch (IOException e) {
        log("  pgbench failed: " + e.getMessage());
      }
    } else {
      log("  pgbench not found; skipped");
    }
    return new Baselines(bareHttp, bareWs, pg);
  }

  /** A scenario that failed is reported as such; the others still run. */
  private static void failed(Report report, String scenario, RuntimeException e) {
    log(scenario + " failed: " + e.getMessage());
    e.printStackTrace();
    report.line("## " + scenario + ": failed").line("").line("The tool stopped this scenario: `" + e.getMessage() + "`")
        .line("");
  }

  /** Up to the file-descriptor limit less 1,000 (of the server and of this tool), less the active crowd. */
  private static int idleConnections(Plan plan, ServerProcess server, int active) {
    long limit = Math.min(openFilesLimit("self"), server.pid > 0 ? openFilesLimit(Long.toString(server.pid)) : Long.MAX_VALUE);
    long room = limit - 1000 - active;
    return (int) Math.max(0, Math.min(plan.idleConnections(), room));
  }

  private static long openFilesLimit(String pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid, "limits"))) {
        if (line.startsWith("Max open files")) {
          return Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or unreadable: trust the plan
    }
    return Long.MAX_VALUE;
  }

  private static String header(Options options, Plan plan, String runId, ServerProcess server, String pgSettings,
      double seconds) {
    return "# Switchboard load test " + runId + "\n\n"
        + "- Plan: **" + plan.name() + "** (" + (options.smoke() ? "a trickle to check the set-up; measures nothing"
            : options.quick() ? "scaled down to about 5 minutes; figures are indicative only"
            : "the issue's full scenario") + "); run took " + Stats.fmt(seconds / 60) + " min.\n"
        + "- Machine: " + Runtime.getRuntime().availableProcessors() + " cores shared by the server, PostgreSQL, Redis "
            + "and this tool; Java " + System.getProperty("java.version") + ".\n"
        + "- Server: " + (options.url() == null ? options.serverJar() + ", started by the tool (-Xmx2g), fresh database "
            + server.database() : options.url()) + "; " + pgSettings + " (durability at its defaults).\n"
        + "- Load account: " + plan.teams() + " teams of " + plan.agentsPerTeam() + " agents, " + plan.supervisors()
            + " supervisors on the dashboard; one channel per team (email, chat, phone, social in turn) and a store "
            + "channel; customers drawn with a Zipf spread (s = 1.1 over 20,000 per channel).\n"
        + "- Command: `loadtest/run.sh" + (options.quick() ? " --quick" : options.smoke() ? " --smoke" : "") + "`\n\n"
        + "### Method\n\n"
        + "Open-loop load: inbound messages are sent at Poisson arrival times and every latency is measured from the "
        + "message's *intended* send time, so a stall shows in the numbers instead of slowing the sender (no "
        + "coordinated omission). Each message's text starts with `lt:<window>:<n>:<intended nanoTime>`; every "
        + "receiving socket parses it from `message.created`. Latencies are HdrHistograms (µs resolution, 3 "
        + "significant digits). Per recipient the tool counts losses (acknowledged messages it should see but never "
        + "received), duplicates, and out-of-order events (a seq not above the last one seen), and afterwards checks "
        + "that PostgreSQL holds exactly the acknowledged messages of each window. Tokens are obtained before "
        + "measuring. A step is *kept up with* when every message was acknowledged and ack and delivery p99 stayed "
        + "under " + (int) IngestRamp.KEPT_UP_P99_MILLIS + " ms; the knee is the highest such step. \"Cores\" are the "
        + "average cores each party used while a window was sending (from /proc); *other* is everything else on the "
        + "machine, and anything well above zero means the run shared the box and its figures are pessimistic.\n\n";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
