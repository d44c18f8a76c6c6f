package io.switchboard.loadtest;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 4: many supervisor tabs watch the dashboard (and, seeing the whole account, every
 * message). First all read promptly; then a share of them stop reading. The prompt ones must see
 * the same dashboard age and message latency either way; the stalled ones, once they read again
 * (or reconnect after a 4408), must have lost nothing.
 */
final class DashboardFanout {

  record Phase(String label, LatencyTrack.Summary dashboardAge, Bench.Measured measured) {
  }

  /** notConnected: tabs whose connection did not open (no ready in time); they are left out of the tallies. */
  record Result(int supervisors, int slowReaders, Phase allReading, Phase withSlowReaders, long slowClosedByServer,
      Recipient.Tally slowTally, int notConnected) {
  }

  /** How long stalled tabs get to catch up (read their backlog, or reconnect and replay) once reading again. */
  private static final int CATCH_UP_MS = 30_000;

  private DashboardFanout() {
  }

  private static Recipient.Tally tally(List<Recipient> who) {
    Recipient.Tally t = new Recipient.Tally(0, 0, 0, 0);
    for (Recipient r : who) {
      t = t.plus(r.tally());
    }
    return t;
  }

  static Result run(Bench bench, Target target, List<Recipient> fastTabs, List<Recipient> slowTabs, int rate, int seconds,
      DbCheck db, String accountId, WsDeflate deflate) {
    Crowd fastCrowd = new Crowd(bench.vertx, target, 2, deflate);
    Crowd slowCrowd = new Crowd(bench.vertx, target, 1, deflate);
    try {
      Bench.await(fastCrowd.connect(fastTabs, true), 600);
      Bench.await(slowCrowd.connect(slowTabs, true), 600);
      // A tab that could not connect would count every message as lost: report it apart instead.
      int notConnected = (int) (fastTabs.stream().filter(r -> r.connection == null).count()
          + slowTabs.stream().filter(r -> r.connection == null).count());
      List<Recipient> fast = fastTabs.stream().filter(r -> r.connection != null).toList();
      List<Recipient> slow = slowTabs.stream().filter(r -> r.connection != null).toList();
      List<Recipient> everyone = new ArrayList<>(fast);
      everyone.addAll(slow);
      Bench.sleep(2000); // let the subscriptions take effect before measuring

      Phase reading = phase(bench, target, fastCrowd, "dashboard " + everyone.size() + " all reading", everyone,
          everyone, rate, seconds, db, accountId);

      slow.forEach(r -> {
        StreamClient c = r.connection;
        if (c != null) {
          c.pauseReading();
        }
      });
      Window w = bench.window("dashboard " + everyone.size() + " with " + slow.size() + " stalled", everyone);
      fastCrowd.dashboardAge = new LatencyTrack("dashboard age");
      OpenLoopSender sender = new OpenLoopSender(bench.vertx, target, 64, 20_000, w.run.hashCode());
      Future<OpenLoopSender.Outcome> load = sender.run(w, rate, seconds * 1000L, w.run.hashCode());
      Bench.Measured m = bench.measure(w, load, fast, db, accountId);
      Phase stalled = new Phase(w.ack.name.replace(" ack", ""), fastCrowd.dashboardAge.summary(), m);
      Bench.await(sender.close(), 30);

      // The stalled tabs read again: whatever the server kept or replays after a 4408 must be complete.
      slow.forEach(r -> {
        StreamClient c = r.connection;
        if (c != null) {
          c.resumeReading();
        }
      });
      Recipient.Tally slowTally = tally(slow);
      for (int waited = 0; slowTally.lost() > 0 && waited < CATCH_UP_MS; waited += 500) {
        Bench.sleep(500);
        slowTally = tally(slow);
      }
      return new Result(everyone.size(), slow.size(), reading, stalled, slowCrowd.serverCloses.get(), slowTally,
          notConnected);
    } finally {
      Bench.await(fastCrowd.close(), 60);
      Bench.await(slowCrowd.close(), 60);
    }
  }

  private static Phase phase(Bench bench, Target target, Crowd crowd, String label, List<Recipient> watchers,
      List<Recipient> tallied, int rate, int seconds, DbCheck db, String accountId) {
    crowd.dashboardAge = new LatencyTrack("dashboard age");
    Window w = bench.window(label, watchers);
    OpenLoopSender sender = new OpenLoopSender(bench.vertx, target, 64, 20_000, w.run.hashCode());
    Bench.Measured m = bench.measure(w, sender.run(w, rate, seconds * 1000L, w.run.hashCode()), tallied, db, accountId);
    Bench.await(sender.close(), 30);
    return new Phase(label, crowd.dashboardAge.summary(), m);
  }
}
