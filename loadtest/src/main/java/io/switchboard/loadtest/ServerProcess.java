package io.switchboard.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Switchboard node started by the tool from the server jar, with its own fresh database and
 * Redis prefix (see "Configuration" in shared/api.md), or an already running one given by URL.
 * Also reads the node's memory: RSS from /proc and the heap after a full GC through jcmd.
 */
final class ServerProcess implements AutoCloseable {

  final String host;
  final int port;
  final String pgUrl;
  final String platformKey;
  final long pid;
  private final Process process;
  private final String database;
  private String redisPrefix;

  private ServerProcess(String host, int port, String pgUrl, String platformKey, long pid, Process process,
      String database) {
    this.host = host;
    this.port = port;
    this.pgUrl = pgUrl;
    this.platformKey = platformKey;
    this.pid = pid;
    this.process = process;
    this.database = database;
  }

  /** A server someone else runs; pid may be -1 when it is not on this machine. */
  static ServerProcess external(String host, int port, String pgUrl, String platformKey, long pid) {
    return new ServerProcess(host, port, pgUrl, platformKey, pid, null, null);
  }

  /**
   * {@code wsCompression}: the node's {@code SWITCHBOARD_WS_COMPRESSION}, whether it accepts
   * permessage-deflate on the stream (clients still have to ask for it).
   */
  static ServerProcess start(Path jar, int port, String runId, List<String> jvmOptions, boolean wsCompression,
      Path logFile) throws IOException, InterruptedException {
    return start(jar, port, runId, jvmOptions, wsCompression, logFile, Map.of());
  }

  /** Like {@link #start}, with more settings (the cluster's, for the first node of scenario 6). */
  static ServerProcess start(Path jar, int port, String runId, List<String> jvmOptions, boolean wsCompression,
      Path logFile, Map<String, String> extraEnv) throws IOException, InterruptedException {
    SecureRandom random = new SecureRandom();
    String database = "sb_load_" + runId;
    Shared shared = new Shared(jar, jvmOptions, database, "postgresql://postgres@127.0.0.1:5432/" + database,
        "load:" + runId + ":", "pk_" + hex(random, 24), hex(random, 24), wsCompression);
    return launch(shared, port, logFile, extraEnv, database);
  }

  /**
   * Another node of this one's cluster: the same jar, database, Redis prefix and secrets (a token
   * issued by one node works on the other), its own port and log. Closed by its caller; the data
   * stays with this node.
   */
  ServerProcess peer(int port, Path logFile, Map<String, String> extraEnv) throws IOException, InterruptedException {
    if (shared == null) {
      throw new IllegalStateException("only a node the tool started has peers");
    }
    return launch(shared, port, logFile, extraEnv, null);
  }

  /** What the nodes the tool starts for one run have in common. */
  private record Shared(Path jar, List<String> jvmOptions, String database, String pgUrl, String redisPrefix,
      String platformKey, String jwtSecret, boolean wsCompression) {
  }

  private Shared shared;

  private static ServerProcess launch(Shared shared, int port, Path logFile, Map<String, String> extraEnv,
      String ownedDatabase) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(shared.jvmOptions());
    command.add("-jar");
    command.add(shared.jar().toString());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    Map<String, String> env = pb.environment();
    env.put("SWITCHBOARD_HTTP_PORT", Integer.toString(port));
    env.put("SWITCHBOARD_PG_URL", shared.pgUrl());
    env.put("SWITCHBOARD_REDIS_PREFIX", shared.redisPrefix());
    env.put("SWITCHBOARD_PLATFORM_KEY", shared.platformKey());
    env.put("SWITCHBOARD_JWT_SECRET", shared.jwtSecret());
    // Load runs create thousands of users; the production KDF cost would dominate setup.
    env.put("SWITCHBOARD_PASSWORD_ITERATIONS", "1000");
    env.put("SWITCHBOARD_WS_COMPRESSION", Boolean.toString(shared.wsCompression()));
    env.putAll(extraEnv);
    Process process = pb.start();
    ServerProcess server = new ServerProcess("127.0.0.1", port, shared.pgUrl(), shared.platformKey(), process.pid(),
        process, ownedDatabase);
    server.redisPrefix = shared.redisPrefix();
    server.shared = shared;
    server.awaitReady(Duration.ofSeconds(180));
    return server;
  }

  /** GET /health/ready's body (the cluster's members are in it), or null when the node does not answer. */
  String ready() {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://" + host + ":" + port + "/health/ready")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.body();
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private void awaitReady(Duration within) throws InterruptedException, IOException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (process != null && !process.isAlive()) {
        throw new IOException("the server exited with " + process.exitValue() + " (see its log)");
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/health/ready"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new IOException("the server was not ready within " + within);
  }

  /** Resident set size in KiB, or -1 when the process is not local. */
  long rssKib() {
    if (pid <= 0) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** Heap in use right after a full GC, in KiB (jcmd), or -1 when it cannot be read. */
  long heapAfterGcKib() {
    if (pid <= 0) {
      return -1;
    }
    try {
      run("GC.run");
      String info = run("GC.heap_info");
      // G1: " garbage-first heap   total 262144K, used 123456K [..."
      int used = info.indexOf("used ");
      if (used < 0) {
        return -1;
      }
      int end = info.indexOf('K', used);
      return Long.parseLong(info.substring(used + 5, end).trim());
    } catch (IOException | InterruptedException | RuntimeException e) {
      return -1;
    }
  }

  private String run(String jcmdCommand) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), jcmdCommand).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Drops the run's database and Redis keys (only those this tool created for its own server). */
  void dropData() {
    if (process == null || database == null) {
      return;
    }
    try {
      new ProcessBuilder("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database)
          .redirectErrorStream(true).start().waitFor(120, TimeUnit.SECONDS);
      new ProcessBuilder("sh", "-c", "redis-cli --scan --pattern '" + redisPrefix + "*' | xargs -r redis-cli del")
          .redirectErrorStream(true).start().waitFor(120, TimeUnit.SECONDS);
    } catch (IOException e) {
      // best effort: a leftover database of a load run harms nothing but disk space
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The database the tool created for this server, or null for an external server. */
  String database() {
    return database;
  }

  private static String hex(SecureRandom random, int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
