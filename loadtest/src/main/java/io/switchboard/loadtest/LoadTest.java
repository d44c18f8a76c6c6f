package io.switchboard.loadtest;

import io.switchboard.loadtest.IngestRamp.Step;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

  static void log(String s) {
    System.out.println(DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC).format(Instant.now()) + " " + s);
  }

  private Options options;
  private Plan plan;
  /** Whether Switchboard had its JIT warm-up (once, before its first ramp). */
  private boolean warmed;
  private long started;
  private final List<String> skipped = new ArrayList<>();

  /** Whether to run a scenario: asked for, and the plan's time budget not yet spent. */
  private boolean wanted(String scenario) {
    if (!options.scenarios().contains(scenario)) {
      return false;
    }
    if ((System.nanoTime() - started) / 1e9 > plan.budgetSeconds()) {
      log("skipping " + scenario + ": the " + plan.name() + " run's time budget of " + plan.budgetSeconds()
          + " s is spent");
      skipped.add(scenario);
      return false;
    }
    return true;
  }

  private int run(Options options) throws Exception {
    this.options = options;
    Plan planned = options.smoke() ? Plan.smoke() : options.quick() ? Plan.quick() : Plan.full();
    Plan ramped = options.rates() == null ? planned : planned.withRampRates(options.rates());
    Plan plan = options.historyMessages() <= 0 ? ramped : ramped.withHistoryMessages(options.historyMessages());
    this.plan = plan;
    String runId = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC).format(Instant.now())
        + "_" + plan.name();
    Files.createDirectories(options.out());
    Path work = Path.of("loadtest", "target", "runs", runId);
    Files.createDirectories(work);
    started = System.nanoTime();
    log("run " + runId + " (" + plan.name() + "), report to " + options.out());

    ServerProcess server;
    // Scenario 6 starts a second node beside the first later: the first must be clustered from the start.
    ClusterScenario.Ports clusterPorts = options.url() == null && options.scenarios().contains("cluster")
        ? ClusterScenario.Ports.free() : null;
    if (options.url() == null) {
      int port = freePort();
      log("starting " + options.serverJar() + " on port " + port + (clusterPorts == null ? "" : " as node 1 of a cluster")
          + " (log: " + work.resolve("server.log") + ")");
      server = ServerProcess.start(options.serverJar(), port, runId, serverJvmOptions(), options.serverCompression(),
          work.resolve("server.log"), clusterPorts == null ? Map.of() : clusterPorts.env(0));
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
    Autovacuum autovacuum = new Autovacuum(vertx, server.pgUrl);
    try {
      if (Bench.await(autovacuum.startIfOff(), 30)) {
        log("PostgreSQL runs with autovacuum=off here: the tool vacuums with its default thresholds every "
            + Autovacuum.NAPTIME_MS / 1000 + " s");
      }
      long t0 = System.nanoTime();
      log("setting up the load account: " + plan.teams() + " teams x " + plan.agentsPerTeam() + " agents, "
          + plan.supervisors() + " supervisors");
      LoadAccount account = Bench.await(LoadAccount.create(api, server.platformKey, runId, plan.teams(),
          plan.agentsPerTeam(), plan.supervisors()), 1800);
      log(String.format("account %s set up in %.1f s", account.accountId, (System.nanoTime() - t0) / 1e9));

      // Baselines first, while Switchboard is idle: the same machine, the same crowd shape.
      Baselines baselines = null;
      try {
        baselines = wanted("baselines") ? Baselines.run(plan, bench, account, server, work, options.deflate(),
            LoadTest::log) : null;
      } catch (RuntimeException e) {
        failed(report, "baselines", e);
      }
      NaiveBaseline naive = null;
      try {
        naive = wanted("naive") ? NaiveBaseline.run(plan, bench, account, options.audiences(), server.pgUrl, runId,
            options.deflate(), options.keepData(), LoadTest::log) : null;
      } catch (RuntimeException e) {
        failed(report, "naive baseline", e);
      }

      // Ingest ramps with a fixed audience run before the team crowd connects: nobody else listens.
      Map<Audience, List<Step>> ramps = new HashMap<>();
      boolean ingestWanted = wanted("ingest");
      if (ingestWanted) {
        for (Audience audience : options.audiences()) {
          if (!audience.crowd()) {
            ramps.put(audience, rampWith(audience, bench, account, db));
          }
        }
      }

      t0 = System.nanoTime();
      Crowd crowd = new Crowd(vertx, account.target, 2, options.deflate());
      Bench.await(crowd.connect(account.agents, false), 1800);
      Bench.await(crowd.connect(account.supervisors, true), 600);
      List<Recipient> watchers = new ArrayList<>(account.agents);
      watchers.addAll(account.supervisors);
      log(String.format("connected %d streams (tickets first) in %.1f s (%d failed%s)%s", watchers.size(),
          (System.nanoTime() - t0) / 1e9, crowd.connectFailures.get(),
          crowd.lastFailure == null ? "" : ", e.g. " + crowd.lastFailure,
          options.deflate().on() ? "; " + crowd.deflateSummary() : ""));

      if (ingestWanted && options.audiences().contains(Audience.CROWD)) {
        log("scenario 1: ingest ramp " + plan.rampRates() + " msg/s, " + plan.stepSeconds() + " s per step, "
            + plan.repeats() + " repeats; audience: " + Audience.CROWD.label() + " (" + watchers.size() + " sockets)");
        warmOnce(bench, account, watchers);
        ramps.put(Audience.CROWD, IngestRamp.run(bench, account.target, plan.rampRates(), plan.stepSeconds(),
            plan.warmupSeconds(), plan.repeats(), watchers, db, account.accountId, LoadTest::log));
      }
      if (ingestWanted) {
        // Where the server's time went (its step timings and queues), for reading beside the report.
        String text = Bench.await(api.metrics(), 30);
        if (text != null) {
          Files.writeString(work.resolve("metrics-after-ingest.txt"), text);
        }
      }
      // The first audience asked for is the one the targets, the baselines and scenario 5 compare with.
      Audience primary = options.audiences().get(0);
      for (Audience audience : options.audiences()) {
        if (ramps.containsKey(audience)) {
          report.ingest(ramps.get(audience), plan.repeats(), audience, audience.equals(primary));
        }
      }
      List<Step> ingest = ramps.getOrDefault(primary, List.of());
      if (baselines != null) {
        report.baselines(baselines.http(), baselines.ws(), baselines.pgbench(), ingest);
      }
      if (naive != null) {
        report.naive(naive, ramps, options.audiences());
      }
      try {
        if (wanted("reconnect")) {
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
        if (wanted("fanout")) {
          List<DashboardFanout.Result> fanouts = new ArrayList<>();
          for (int count : plan.fanoutSupervisors()) {
            log("scenario 4: dashboard fan-out to " + count + " supervisor tabs");
            int slow = (int) Math.round(count * plan.slowReaderShare());
            DashboardFanout.Result r = DashboardFanout.run(bench, account.target,
                account.supervisorTabs("fast" + count + "-", count - slow),
                account.supervisorTabs("slow" + count + "-", slow),
                plan.fanoutRate(), plan.fanoutSeconds(), db, account.accountId, options.deflate());
            log(String.format("  dashboard age p99 %.1f ms all reading, %.1f ms with %d stalled; stalled lost %d",
                r.allReading().dashboardAge().p99(), r.withSlowReaders().dashboardAge().p99(), slow, r.slowTally().lost())
                + (r.notConnected() > 0 ? "; " + r.notConnected() + " tabs never got ready (left out)" : ""));
            fanouts.add(r);
          }
          report.fanout(fanouts);
        }
      } catch (RuntimeException e) {
        failed(report, "scenario 4", e);
      }
      try {
        if (wanted("connections")) {
          int idle = IdleConnections.howMany(plan.idleConnections(), server, watchers.size());
          List<WsDeflate> ways = options.compareDeflate()
              ? List.of(options.deflate().withOn(false), options.deflate().withOn(true)) : List.of(options.deflate());
          List<IdleConnections.Result> results = new ArrayList<>();
          for (WsDeflate deflate : ways) {
            log("scenario 2: " + idle + " idle connections (permessage-deflate " + deflate.label() + "), then "
                + plan.idleRate() + " msg/s");
            IdleConnections.Result r = IdleConnections.run(bench, account.target, server, api, account.idleTabs(idle),
                watchers, plan.idleRate(), plan.idleSeconds(), db, account.accountId, deflate);
            log(String.format("  %d connected in %.1f s (deflate agreed on %d); %.1f KiB RSS and %.1f KiB heap per "
                    + "connection; server CPU %.2f ms per connection to connect, %.3f cores per 1,000 idle",
                r.connected(), r.connectSeconds(), r.deflated(), r.rssPerConnectionKib(), r.heapPerConnectionKib(),
                r.connectCpuMillisPerConnection(), r.idleCoresPerThousand()));
            results.add(r);
          }
          report.connections(results);
        }
      } catch (RuntimeException e) {
        failed(report, "scenario 2", e);
      }
      try {
        boolean ingestAfter = wanted("history");
        if (ingestAfter || wanted("search")) {
          long messages = options.historyMessages() > 0 ? options.historyMessages() : plan.historyMessages();
          List<LargeHistory.Part> parts = LargeHistory.parts(account.accountId, runId, messages);
          log("scenario 5: storing " + messages + " messages of history (and " + (parts.size() - 1)
              + " neighbour accounts of " + parts.get(1).messages() + ")");
          double loadSeconds = LargeHistory.load(vertx, server.pgUrl, parts, account.teamIds, LoadTest::log);
          long stored = Bench.await(db.messageCount(account.accountId), 600);
          log(String.format("  history stored in %.0f s; the account holds %d messages", loadSeconds, stored));
          List<SearchBench.Kind> search = SearchBench.run(api, account, parts.get(0), plan.searchSamples(),
              plan.searchSecondsPerKind(), LoadTest::log);
          log("scenario 5: the reports over a month of that history");
          List<ReportLatency.Timing> reports = ReportLatency.run(api, account.supervisorSession(), LoadTest::log);
          List<Step> after = ingestAfter ? IngestRamp.run(bench, account.target, plan.historyRates(),
              plan.stepSeconds(), plan.warmupSeconds(), 1, watchers, db, account.accountId, LoadTest::log) : List.of();
          report.history(new LargeHistory.Result(messages, loadSeconds, stored, after, search), ingest);
          report.reports(stored, reports);
        }
      } catch (RuntimeException e) {
        failed(report, "scenario 5", e);
      }
      Bench.await(crowd.close(), 300);
      try {
        if (clusterPorts != null && wanted("cluster")) {
          ClusterScenario.Result r = ClusterScenario.run(plan, bench, account, server, clusterPorts, work,
              options.deflate(), db, LoadTest::log);
          report.cluster(r);
        } else if (options.url() != null && options.scenarios().contains("cluster")) {
          report.line("## 6. Two clustered nodes: not run").line("")
              .line("Scenario 6 starts its own two nodes; it does not run against --url.").line("");
        }
      } catch (RuntimeException e) {
        failed(report, "scenario 6", e);
      }

      report.line("## Not covered").line("");
      if (!skipped.isEmpty()) {
        report.line("- Skipped to stay within the plan's time budget (" + plan.budgetSeconds() + " s): " + skipped + ".");
      }
      report
          .line("- Scenario 6 runs both nodes on this one machine: it shows correctness across nodes and the cost of "
              + "the hop, not how two machines scale.")
          .line("- Reconnect storm and dashboard fan-out run once per case (the ingest ramp is the one repeated three "
              + "times).")
          .line("");
      String pgSettings = Bench.await(db.durabilitySettings(), 30) + "; " + autovacuum.describe();
      String header = header(options, plan, runId, server, pgSettings, (System.nanoTime() - started) / 1e9);
      Path file = report.write(header);
      log("report written to " + file);
      System.out.println();
      System.out.println("Targets:");
      System.out.print(report.targetsText());
      return 0;
    } finally {
      Bench.await(autovacuum.close(), 30);
      Bench.await(db.close(), 30);
      Bench.await(api.close(), 30);
      Bench.await(vertx.close(), 60);
      server.close();
      if (!options.keepData()) {
        server.dropData();
      }
    }
  }

  /**
   * Scenario 1 with a fixed audience: that many supervisor tabs, each seeing every message, and
   * nobody else connected; they hang up afterwards.
   */
  private List<Step> rampWith(Audience audience, Bench bench, LoadAccount account, DbCheck db) {
    List<Recipient> tabs = account.supervisorTabs("audience" + audience.clients() + "-", audience.clients());
    Crowd crowd = new Crowd(bench.vertx, account.target, 2, options.deflate());
    try {
      Bench.await(crowd.connect(tabs, false), 600);
      log("scenario 1: ingest ramp " + plan.rampRates() + " msg/s, " + plan.stepSeconds() + " s per step, "
          + plan.repeats() + " repeats; audience: " + audience.label() + " (" + crowd.connectFailures.get()
          + " failed to connect" + (options.deflate().on() ? "; " + crowd.deflateSummary() : "") + ")");
      warmOnce(bench, account, tabs);
      return IngestRamp.run(bench, account.target, plan.rampRates(), plan.stepSeconds(), plan.warmupSeconds(),
          plan.repeats(), tabs, db, account.accountId, LoadTest::log);
    } finally {
      Bench.await(crowd.close(), 300);
    }
  }

  private void warmOnce(Bench bench, LoadAccount account, List<Recipient> listeners) {
    if (!warmed) {
      warmed = true;
      IngestRamp.warmUp(bench, account.target, plan, listeners, account.accountId, LoadTest::log);
    }
  }

  /** A scenario that failed is reported as such; the others still run. */
  private static void failed(Report report, String scenario, RuntimeException e) {
    log(scenario + " failed: " + e.getMessage());
    e.printStackTrace();
    report.line("## " + scenario + ": failed").line("").line("The tool stopped this scenario: `" + e.getMessage() + "`")
        .line("");
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
        + "- Stream clients: permessage-deflate " + options.deflate().label()
            + (options.compareDeflate() ? ", and scenario 2 measured both without and with it" : "")
            + (options.url() == null ? "; the server was started with SWITCHBOARD_WS_COMPRESSION="
                + options.serverCompression() : "") + ".\n"
        + "- Ingest audience: " + String.join(", ", options.audiences().stream().map(Audience::label).toList())
            + ".\n"
        + "- Command: `loadtest/run.sh" + (options.quick() ? " --quick" : options.smoke() ? " --smoke" : "")
            + (options.audiences().equals(List.of(Audience.CROWD)) ? "" : " --audience "
                + String.join(",", options.audiences().stream().map(Audience::key).toList()))
            + (options.deflate().on() ? " --ws-deflate" : "") + (options.compareDeflate() ? " --compare-deflate" : "")
            + (options.scenarios().equals(Options.ALL) ? "" : " --only " + String.join(",", options.scenarios()))
            + (options.historyMessages() > 0 ? " --history-messages " + options.historyMessages() : "")
            + "`\n\n"
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

  /** The server's heap, plus LOADTEST_SERVER_JVM_OPTS (e.g. a Flight Recorder profile of the run). */
  private static List<String> serverJvmOptions() {
    List<String> options = new java.util.ArrayList<>(List.of("-Xms512m", "-Xmx2g"));
    String extra = System.getenv("LOADTEST_SERVER_JVM_OPTS");
    if (extra != null && !extra.isBlank()) {
      options.addAll(List.of(extra.trim().split("\\s+")));
    }
    return options;
  }
}
