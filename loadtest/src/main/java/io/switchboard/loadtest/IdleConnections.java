package io.switchboard.loadtest;

import java.util.List;

/**
 * Scenario 2: thousands of idle agent tabs (in a team no channel routes to, so they receive
 * nothing but presence) on top of the active crowd; the server's memory per connection, then
 * traffic on top to see whether idle sockets slow the live ones.
 */
final class IdleConnections {

  record Result(int connections, int connected, double connectSeconds, long rssBeforeKib, long rssAfterKib,
      long heapBeforeKib, long heapAfterKib, Bench.Measured withTraffic) {

    double rssPerConnectionKib() {
      return rssBeforeKib < 0 ? Double.NaN : (rssAfterKib - rssBeforeKib) / (double) Math.max(1, connected);
    }

    double heapPerConnectionKib() {
      return heapBeforeKib < 0 || heapAfterKib < 0 ? Double.NaN
          : (heapAfterKib - heapBeforeKib) / (double) Math.max(1, connected);
    }
  }

  private IdleConnections() {
  }

  static Result run(Bench bench, Target target, ServerProcess server, List<Recipient> idle, List<Recipient> watchers,
      int rate, int seconds, DbCheck db, String accountId) {
    long heapBefore = server.heapAfterGcKib();
    long rssBefore = server.rssKib();
    Crowd idleCrowd = new Crowd(bench.vertx, target, 4);
    try {
      long start = System.nanoTime();
      Bench.await(idleCrowd.connect(idle, false), 1800);
      double connectSeconds = (System.nanoTime() - start) / 1e9;
      int connected = idle.size() - (int) idleCrowd.connectFailures.get();
      Bench.sleep(3000);
      long heapAfter = server.heapAfterGcKib();
      long rssAfter = server.rssKib();
      OpenLoopSender sender = new OpenLoopSender(bench.vertx, target, 256, 20_000, 77);
      Bench.Measured m = bench.measure("idle " + connected + " + " + rate + "/s", sender, rate, seconds, watchers, db,
          accountId);
      Bench.await(sender.close(), 30);
      return new Result(idle.size(), connected, connectSeconds, rssBefore, rssAfter, heapBefore, heapAfter, m);
    } finally {
      Bench.await(idleCrowd.close(), 300);
    }
  }
}
