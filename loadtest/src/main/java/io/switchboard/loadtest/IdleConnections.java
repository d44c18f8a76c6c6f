package io.switchboard.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Scenario 2: thousands of idle agent tabs (in a team no channel routes to, so they receive
 * nothing but presence) on top of the active crowd; the server's memory per connection, then
 * traffic on top to see whether idle sockets slow the live ones.
 */
final class IdleConnections {

  /**
   * @param deflate           what the idle tabs asked for; {@code deflated}: sockets the server agreed to it on
   * @param connectCpu        the server's cores while the tabs connected ({@code connectSeconds} long)
   * @param idleCpu           the server's cores while they sat idle for {@link #IDLE_HOLD_MS}
   */
  record Result(int connections, int connected, double connectSeconds, long rssBeforeKib, long rssAfterKib,
      long heapBeforeKib, long heapAfterKib, double directBeforeKib, double directAfterKib,
      double serverConnections, Bench.Measured withTraffic, WsDeflate deflate, long deflated,
      CpuMeter.Usage connectCpu, CpuMeter.Usage idleCpu) {

    /** Server CPU time spent per connection while connecting (ticket, handshake, auth, ready), in ms. */
    double connectCpuMillisPerConnection() {
      return connectCpu.server() * connectSeconds * 1000 / Math.max(1, connected);
    }

    /** Server cores per 1,000 idle connections while they sit idle. */
    double idleCoresPerThousand() {
      return idleCpu.server() * 1000 / Math.max(1, connected);
    }

    double directPerConnectionKib() {
      return (directAfterKib - directBeforeKib) / Math.max(1, connected);
    }

    double rssPerConnectionKib() {
      return rssBeforeKib < 0 ? Double.NaN : (rssAfterKib - rssBeforeKib) / (double) Math.max(1, connected);
    }

    double heapPerConnectionKib() {
      return heapBeforeKib < 0 || heapAfterKib < 0 ? Double.NaN
          : (heapAfterKib - heapBeforeKib) / (double) Math.max(1, connected);
    }
  }

  /** How long the tabs sit idle before memory is read (and their idle CPU measured). */
  static final long IDLE_HOLD_MS = 3000;

  private IdleConnections() {
  }

  /** Up to the file-descriptor limit less 1,000 (of the server and of this tool), less the active crowd. */
  static int howMany(int planned, ServerProcess server, int active) {
    long limit = Math.min(openFilesLimit("self"),
        server.pid > 0 ? openFilesLimit(Long.toString(server.pid)) : Long.MAX_VALUE);
    long room = limit - 1000 - active;
    return (int) Math.max(0, Math.min(planned, room));
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

  static Result run(Bench bench, Target target, ServerProcess server, SwitchboardApi api, List<Recipient> idle,
      List<Recipient> watchers, int rate, int seconds, DbCheck db, String accountId, WsDeflate deflate) {
    long heapBefore = server.heapAfterGcKib();
    long rssBefore = server.rssKib();
    double directBefore = ServerMetrics.directKib(Bench.await(api.metrics(), 30));
    Crowd idleCrowd = new Crowd(bench.vertx, target, 4, deflate);
    try {
      long start = System.nanoTime();
      CpuMeter connectCpu = new CpuMeter(List.of(server.pid));
      connectCpu.start();
      Bench.await(idleCrowd.connect(idle, false), 1800);
      CpuMeter.Usage connectUsage = connectCpu.stop();
      double connectSeconds = (System.nanoTime() - start) / 1e9;
      int connected = idle.size() - (int) idleCrowd.connectFailures.get();
      CpuMeter idleCpu = new CpuMeter(List.of(server.pid));
      idleCpu.start();
      Bench.sleep(IDLE_HOLD_MS);
      CpuMeter.Usage idleUsage = idleCpu.stop();
      long heapAfter = server.heapAfterGcKib();
      long rssAfter = server.rssKib();
      String metrics = Bench.await(api.metrics(), 30);
      double directAfter = ServerMetrics.directKib(metrics);
      double serverConnections = ServerMetrics.httpConnections(metrics);
      OpenLoopSender sender = new OpenLoopSender(bench.vertx, target, 256, 20_000, 77);
      Bench.Measured m = bench.measure("idle " + connected + " + " + rate + "/s", sender, rate, seconds, watchers, db,
          accountId);
      Bench.await(sender.close(), 30);
      return new Result(idle.size(), connected, connectSeconds, rssBefore, rssAfter, heapBefore, heapAfter, directBefore,
          directAfter, serverConnections, m, deflate, idleCrowd.deflated.get(), connectUsage, idleUsage);
    } finally {
      Bench.await(idleCrowd.close(), 300);
    }
  }
}
