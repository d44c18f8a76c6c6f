package io.switchboard.loadtest;

import io.switchboard.loadtest.IngestRamp.Step;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Scenario 6: the ingest ramp against one clustered node, then against two nodes behind a TCP
 * round-robin (adapters' posts and agents' streams alike), in one sitting on one database and one
 * Redis. Half the deliveries cross nodes (a message posted to one node, seen by an agent on the
 * other), so losses, duplicates and reordering across nodes show in the same tallies as scenario
 * 1's, and the cost of the hop shows in the latency. On one machine both nodes share its cores: the
 * report gives each node's share.
 */
final class ClusterScenario {

  /** What the report shows: both ramps, the members the nodes named, the connections each node got. */
  record Result(List<Step> oneNode, List<Step> twoNodes, String members, long[] connectionsPerNode) {
  }

  /** Cluster ports for the two nodes of a run, chosen before the first node starts. */
  record Ports(int first, int second) {

    static Ports free() throws IOException {
      return new Ports(freePort(), freePort());
    }

    /** The settings that make node {@code index} (0 or 1) a member of the two-node cluster. */
    Map<String, String> env(int index) {
      return Map.of("SWITCHBOARD_NODE_ID", "node" + (index + 1),
          "SWITCHBOARD_CLUSTER_MEMBERS", "127.0.0.1:" + first + ",127.0.0.1:" + second,
          "SWITCHBOARD_CLUSTER_PORT", String.valueOf(index == 0 ? first : second),
          "SWITCHBOARD_CLUSTER_HOST", "127.0.0.1",
          // Both nodes run the in-process adapters: their SMTP listeners take any free port.
          "SWITCHBOARD_SMTP_PORT", "0");
    }
  }

  private ClusterScenario() {
  }

  static Result run(Plan plan, Bench bench, LoadAccount account, ServerProcess first, Ports ports, Path work,
      WsDeflate deflate, DbCheck db, Consumer<String> log) throws IOException, InterruptedException {
    List<Recipient> watchers = new ArrayList<>(account.agents);
    watchers.addAll(account.supervisors);
    Target oneNode = new Target("one node", first.host, first.port, account.target.channels());
    log.accept("scenario 6: one clustered node, ramp " + plan.rampRates() + " msg/s");
    List<Step> one = ramp(plan, bench, oneNode, account, watchers, deflate, db, log);

    int port = freePort();
    log.accept("scenario 6: starting node 2 on port " + port + " (log: " + work.resolve("node2.log") + ")");
    ServerProcess second = first.peer(port, work.resolve("node2.log"), ports.env(1));
    RoundRobin balancer = new RoundRobin(bench.vertx, List.of(first.port, second.port));
    try {
      String members = awaitMembers(first, 2, 60_000);
      log.accept("  cluster: " + members);
      int balancerPort = Bench.await(balancer.start(), 30);
      Target twoNodes = new Target("two nodes", "127.0.0.1", balancerPort, account.target.channels());
      bench.servers(List.of(first.pid, second.pid));
      warm(plan, bench, twoNodes, account, log);
      log.accept("scenario 6: two nodes behind a round-robin, ramp " + plan.rampRates() + " msg/s");
      List<Step> two = ramp(plan, bench, twoNodes, account, watchers, deflate, db, log);
      long[] connections = new long[balancer.perNode.length];
      for (int i = 0; i < connections.length; i++) {
        connections[i] = balancer.perNode[i].get();
      }
      return new Result(one, two, members, connections);
    } finally {
      bench.servers(List.of(first.pid));
      Bench.await(balancer.close(), 30);
      second.close();
    }
  }

  /**
   * Node 2 has just started: its JIT compiles the hot paths during the first tens of seconds, which
   * node 1 did during its own ramp. Traffic through both first, unmeasured, so the ramps compare
   * warm nodes.
   */
  private static void warm(Plan plan, Bench bench, Target target, LoadAccount account, Consumer<String> log) {
    int rate = plan.rampRates().get(Math.min(2, plan.rampRates().size() - 1));
    int seconds = Math.max(5, plan.stepSeconds() * 4);
    OpenLoopSender sender = new OpenLoopSender(bench.vertx, target, 64, 20_000, 7);
    try {
      Bench.Measured m = bench.measure("two nodes warm-up", sender, rate, seconds, List.of(), null, account.accountId);
      log.accept(String.format("  warm-up of both nodes: %d s at %d/s, acked %d/%d", seconds, rate,
          m.sent().acknowledged(), m.sent().sent()));
    } finally {
      Bench.await(sender.close(), 30);
    }
  }

  /** The team crowd connects to the target, the ramp runs, the crowd hangs up. */
  private static List<Step> ramp(Plan plan, Bench bench, Target target, LoadAccount account, List<Recipient> watchers,
      WsDeflate deflate, DbCheck db, Consumer<String> log) {
    Crowd crowd = new Crowd(bench.vertx, target, 2, deflate);
    try {
      Bench.await(crowd.connect(account.agents, false), 1800);
      Bench.await(crowd.connect(account.supervisors, true), 600);
      if (crowd.connectFailures.get() > 0) {
        log.accept("  " + crowd.connectFailures.get() + " streams failed to connect, e.g. " + crowd.lastFailure);
      }
      return IngestRamp.run(bench, target, plan.rampRates(), plan.stepSeconds(), plan.warmupSeconds(),
          plan.repeats(), watchers, db, account.accountId, log);
    } finally {
      Bench.await(crowd.close(), 300);
    }
  }

  /** Polls the first node's /health/ready until it names {@code count} members; returns its cluster part. */
  private static String awaitMembers(ServerProcess node, int count, long withinMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + withinMs;
    String last = null;
    while (System.currentTimeMillis() < deadline) {
      String body = node.ready();
      if (body != null) {
        var cluster = new io.vertx.core.json.JsonObject(body).getJsonObject("cluster");
        last = cluster == null ? body : cluster.encode();
        if (cluster != null && cluster.getJsonArray("members", new io.vertx.core.json.JsonArray()).size() == count) {
          return last;
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the nodes did not form a cluster of " + count + " within " + withinMs
        + " ms; last /health/ready cluster: " + last);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
