package io.switchboard.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Scenario 1 (and the baselines): the offered rate climbs in steps, each measured in its own
 * window after a warm-up; the whole ramp is repeated. A repeat stops at the first step the target
 * could not keep up with: that step is past the knee, and piling more on would only measure the
 * client's queue.
 */
final class IngestRamp {

  /** The most an acknowledgement or a delivery may take at the 99th percentile for a step to count as kept up. */
  static final double KEPT_UP_P99_MILLIS = 1000;

  record Step(int repeat, int rate, Bench.Measured measured) {

    boolean keptUp() {
      OpenLoopSender.Outcome s = measured.sent();
      return s.notSent() == 0 && s.failed() == 0 && s.acknowledged() >= 0.99 * s.sent()
          && !(measured.ack().p99() > KEPT_UP_P99_MILLIS) && !(measured.delivery().p99() > KEPT_UP_P99_MILLIS);
    }
  }

  private IngestRamp() {
  }

  static List<Step> run(Bench bench, Target target, List<Integer> rates, int stepSeconds, int warmupSeconds,
      int repeats, List<Recipient> watchers, DbCheck db, String accountId, Consumer<String> log) {
    List<Step> steps = new ArrayList<>();
    for (int repeat = 1; repeat <= repeats; repeat++) {
      OpenLoopSender sender = new OpenLoopSender(bench.vertx, target, 512, 20_000, 1000L * repeat);
      try {
        if (warmupSeconds > 0) {
          Bench.Measured warm = bench.measure("warm-up", sender, rates.get(0), warmupSeconds, watchers, null, accountId);
          log.accept(String.format("  %s repeat %d warm-up at %d/s: ack p99 %.1f ms", target.name(), repeat,
              rates.get(0), warm.ack().p99()));
        }
        for (int rate : rates) {
          Bench.Measured m = bench.measure(target.name() + " " + rate + "/s", sender, rate, stepSeconds, watchers, db,
              accountId);
          Step step = new Step(repeat, rate, m);
          steps.add(step);
          log.accept(String.format("  %s repeat %d at %d/s: acked %d/%d (%.0f/s), ack p99 %.1f ms, delivery p50 %.1f"
                  + " p99 %.1f p99.9 %.1f ms, lost %d dup %d order %d%s; cores server/pg/tool/other %s", target.name(),
              repeat, rate,
              m.sent().acknowledged(), m.sent().sent(), m.sent().acknowledgedPerSecond(), m.ack().p99(),
              m.delivery().p50(), m.delivery().p99(), m.delivery().p999(), m.tally().lost(), m.tally().duplicates(),
              m.tally().orderViolations(), m.db() == null ? "" : ", db missing " + m.db().missing() + " dup "
                  + m.db().duplicated(), m.cpu().show()));
          if (!step.keptUp()) {
            break;
          }
        }
      } finally {
        Bench.await(sender.close(), 30);
      }
    }
    return steps;
  }

  /** Unmeasured traffic that warms a freshly started target's JIT up (see {@link Plan#jitWarmupSeconds()}). */
  static void warmUp(Bench bench, Target target, Plan plan, List<Recipient> watchers, String accountId,
      Consumer<String> log) {
    if (plan.jitWarmupSeconds() <= 0) {
      return;
    }
    OpenLoopSender sender = new OpenLoopSender(bench.vertx, target, 512, 20_000, 999L);
    try {
      Bench.Measured warm = bench.measure("jit warm-up", sender, plan.jitWarmupRate(), plan.jitWarmupSeconds(),
          watchers, null, accountId);
      log.accept(String.format("  %s JIT warm-up, %d s at %d/s (not measured): ack p99 %.1f ms", target.name(),
          plan.jitWarmupSeconds(), plan.jitWarmupRate(), warm.ack().p99()));
    } finally {
      Bench.await(sender.close(), 30);
    }
  }

  /** The highest rate kept up with in a repeat (0 if none). */
  static int knee(List<Step> steps, int repeat) {
    int best = 0;
    for (Step s : steps) {
      if (s.repeat() == repeat) {
        if (!s.keptUp()) {
          break;
        }
        best = s.rate();
      }
    }
    return best;
  }
}
