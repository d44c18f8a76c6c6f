package io.switchboard.support;

import io.switchboard.http.Ids;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Switchboard node as its own operating-system process ({@code io.switchboard.Main} on this
 * test's class path), so that several clustered nodes run side by side on loopback and one can be
 * killed with SIGKILL. Its output goes to a file under target/, named in failures.
 */
public final class NodeProcess implements AutoCloseable {

  /** What the nodes of one test cluster share: database, secrets and the member list. */
  public record ClusterPlan(String pgUrl, String jwtSecret, String platformKey, List<Integer> clusterPorts,
      Map<String, String> extraEnv) {

    public static ClusterPlan of(String pgUrl, int nodes, Map<String, String> extraEnv) {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        ports.add(freePort());
      }
      return new ClusterPlan(pgUrl, Ids.random(48), "pk_" + Ids.random(32), ports, extraEnv);
    }

    String members() {
      return String.join(",", clusterPorts.stream().map(p -> "127.0.0.1:" + p).toList());
    }
  }

  public final String name;
  public final int port;
  public final Api api;
  private final Process process;
  private final Path log;

  private NodeProcess(String name, int port, Api api, Process process, Path log) {
    this.name = name;
    this.port = port;
    this.api = api;
    this.process = process;
    this.log = log;
  }

  /** Starts node number {@code index} of the plan; does not wait for it (see {@link #awaitReady}). */
  public static NodeProcess start(Vertx vertx, ClusterPlan plan, int index) {
    int port = freePort();
    String name = "node" + (index + 1);
    Map<String, String> env = new HashMap<>();
    env.put("SWITCHBOARD_HTTP_PORT", String.valueOf(port));
    env.put("SWITCHBOARD_PG_URL", plan.pgUrl());
    env.put("SWITCHBOARD_REDIS_PREFIX", "sbtest:" + Ids.random(8) + ":");
    env.put("SWITCHBOARD_PLATFORM_KEY", plan.platformKey());
    env.put("SWITCHBOARD_JWT_SECRET", plan.jwtSecret());
    env.put("SWITCHBOARD_PASSWORD_ITERATIONS", "1000");
    env.put("SWITCHBOARD_NODE_ID", name);
    env.put("SWITCHBOARD_CLUSTER_MEMBERS", plan.members());
    env.put("SWITCHBOARD_CLUSTER_PORT", String.valueOf(plan.clusterPorts().get(index)));
    env.put("SWITCHBOARD_CLUSTER_HOST", "127.0.0.1");
    env.put("SWITCHBOARD_CLUSTER_HEARTBEAT_SECONDS", "4");
    env.put("SWITCHBOARD_EVENT_LOOPS", "2");
    env.putAll(plan.extraEnv());
    try {
      Path dir = Files.createDirectories(Path.of("target", "nodes"));
      Path log = dir.resolve(name + "-" + port + ".log");
      ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "io.switchboard.Main")
          .redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(env);
      return new NodeProcess(name, port, new Api(vertx, port, plan.platformKey()), builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts every node of the plan and waits until each answers ready, seeing all of them as members. */
  public static List<NodeProcess> startAll(Vertx vertx, ClusterPlan plan, int readySeconds) {
    List<NodeProcess> nodes = new ArrayList<>();
    for (int i = 0; i < plan.clusterPorts().size(); i++) {
      nodes.add(start(vertx, plan, i));
    }
    nodes.forEach(n -> n.awaitReady(nodes.size(), readySeconds));
    return nodes;
  }

  /** Waits until /health/ready answers 200 and names {@code members} cluster members. */
  public JsonObject awaitReady(int members, int seconds) {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    JsonObject last = null;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + "; see " + log.toAbsolutePath());
      }
      try {
        Api.Resp r = api.get("/health/ready", null);
        if (r.status() == 200) {
          last = r.json();
          if (last.getJsonObject("cluster").getJsonArray("members").size() == members) {
            return last;
          }
        }
      } catch (RuntimeException notYet) {
        // not listening yet
      }
      pause(200);
    }
    throw new AssertionError(name + " not ready with " + members + " members within " + seconds + " s (last: " + last
        + "); see " + log.toAbsolutePath());
  }

  /** SIGKILL: no draining, no goodbye to the cluster. */
  public void kill() {
    process.destroyForcibly();
    waitFor();
  }

  public boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      waitFor();
    }
  }

  private void waitFor() {
    try {
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
