package io.switchboard.loadtest;

import java.util.List;

/**
 * How big and how long each part of a run is. {@link #full()} is the scenario (at most an
 * hour); {@link #quick()} is the same shape scaled down to about five minutes. A scenario that
 * would start after {@code budgetSeconds} is skipped (and the report says so), so a slow machine
 * cannot stretch a run past its limit by more than one scenario. The ramps start at 50 msg/s
 * (below the 250) so that a knee under 250 is still found. The naive baseline runs
 * Switchboard's ramp {@code naiveRepeats} times: three in the quick plan (its steps are short),
 * once in the full plan (its 60 s steps are steadier, and three would not fit the hour).
 */
record Plan(
    String name,
    int teams, int agentsPerTeam, int supervisors,
    List<Integer> rampRates, int stepSeconds, int warmupSeconds, int repeats,
    int reconnectRate, int reconnectSeconds, double reconnectDropShare, int reconnectJitterMs,
    List<Integer> fanoutSupervisors, double slowReaderShare, int fanoutRate, int fanoutSeconds,
    int idleConnections, int idleRate, int idleSeconds,
    List<Integer> baselineRates, int baselineSeconds, int pgbenchSeconds, int naiveRepeats,
    long historyMessages, List<Integer> historyRates, int searchSamples, int searchSecondsPerKind,
    int budgetSeconds) {

  static Plan full() {
    return new Plan("full", 50, 20, 20,
        List.of(50, 100, 250, 500, 1000, 2000, 3000, 4000, 5000, 6000, 8000), 60, 30, 3,
        500, 60, 0.5, 10_000,
        List.of(100, 1000), 0.1, 20, 60,
        18_000, 1000, 60,
        List.of(1000, 4000, 8000, 16000), 20, 60, 1,
        5_000_000, List.of(100, 1000), 200, 60,
        55 * 60);
  }

  /** A few seconds at a trickle: checks that the tool and the server work together, measures nothing. */
  static Plan smoke() {
    return new Plan("smoke", 4, 2, 1,
        List.of(10, 20), 3, 1, 1,
        10, 4, 0.5, 500,
        List.of(4), 0.25, 5, 3,
        20, 10, 3,
        List.of(20), 2, 2, 1,
        2_000, List.of(10), 5, 5,
        120);
  }

  static Plan quick() {
    return new Plan("quick", 5, 20, 5,
        List.of(50, 100, 250, 500, 1000, 2000), 4, 2, 3,
        100, 8, 0.5, 3_000,
        List.of(100), 0.1, 10, 6,
        1000, 200, 5,
        List.of(1000, 2000), 4, 5, 3,
        50_000, List.of(100), 50, 15,
        240);
  }

  /**
   * Traffic sent once before a target's first ramp and not measured: the server starts with a
   * cold JVM, and during the first minute its JIT compilers take much of a core (seen: C1 and C2
   * together about 0.3 cores at 100 msg/s). Without it the lowest steps, which come first, measured
   * the compilers rather than the server a shop runs for days.
   */
  int jitWarmupSeconds() {
    return switch (name) {
      case "smoke" -> 0;
      case "quick" -> 20;
      default -> 60;
    };
  }

  /** The warm-up's rate: moderate, below any knee measured so far, but enough to make the paths hot. */
  int jitWarmupRate() {
    return Math.min(250, rampRates.get(rampRates.size() - 1));
  }

  /** The same plan with another size of stored history (scenario 5). */
  Plan withHistoryMessages(long messages) {
    return with(rampRates, messages);
  }

  /** The same plan with other ramp steps. */
  Plan withRampRates(List<Integer> rates) {
    return with(rates, historyMessages);
  }

  private Plan with(List<Integer> rates, long messages) {
    return new Plan(name, teams, agentsPerTeam, supervisors, rates, stepSeconds, warmupSeconds, repeats,
        reconnectRate, reconnectSeconds, reconnectDropShare, reconnectJitterMs,
        fanoutSupervisors, slowReaderShare, fanoutRate, fanoutSeconds,
        idleConnections, idleRate, idleSeconds,
        baselineRates, baselineSeconds, pgbenchSeconds, naiveRepeats,
        messages, historyRates, searchSamples, searchSecondsPerKind, budgetSeconds);
  }
}
