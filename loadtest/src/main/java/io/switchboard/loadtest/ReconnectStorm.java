package io.switchboard.loadtest;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 3: during steady traffic, many agents lose their connection at once and come back
 * (new ticket, resume from their last seq), all together or spread by a random jitter. Measures
 * the time from the drop until the last of them is ready again, and that none of them lost,
 * repeated or reordered an event.
 */
final class ReconnectStorm {

  record Result(String label, int dropped, long jitterMs, double allResumedSeconds, long reconnectFailures,
      Bench.Measured measured) {
  }

  private ReconnectStorm() {
  }

  static Result run(Bench bench, Target target, Crowd crowd, List<Recipient> agents, List<Recipient> watchers,
      int rate, int seconds, double dropShare, long jitterMs, DbCheck db, String accountId) {
    List<Recipient> victims = new ArrayList<>();
    int every = Math.max(1, (int) Math.round(1 / dropShare));
    for (int i = 0; i < agents.size(); i += every) {
      victims.add(agents.get(i));
    }
    String label = "reconnect " + (jitterMs > 0 ? "jitter " + jitterMs + " ms" : "no jitter");
    Window w = bench.window(label, watchers);
    OpenLoopSender sender = new OpenLoopSender(bench.vertx, target, 256, 20_000, label.hashCode());
    long failuresBefore = crowd.reconnectFailures.get();
    Future<OpenLoopSender.Outcome> load = sender.run(w, rate, seconds * 1000L, w.run.hashCode());
    Bench.sleep(seconds * 1000L / 4);
    Future<Long> resumed = crowd.dropAndResume(victims, jitterMs);
    Bench.Measured m = bench.measure(w, load, watchers, db, accountId);
    double resumeSeconds;
    try {
      resumeSeconds = Bench.await(resumed, 120) / 1e9;
    } catch (IllegalStateException e) {
      resumeSeconds = Double.NaN;
    }
    Bench.await(sender.close(), 30);
    return new Result(label, victims.size(), jitterMs, resumeSeconds,
        crowd.reconnectFailures.get() - failuresBefore, m);
  }
}
