package io.switchboard.loadtest;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Scenario 5's reports: with the large history stored, a supervisor asks for a month of it, as the
 * console does (the summary in JSON per grouping, and one day's intraday charts), one request at a
 * time; each is warmed up, then timed. The month is the one before the last 30 days, where the
 * history lies (LargeHistory spreads it over the 300 days before that).
 */
final class ReportLatency {

  private static final int WARMUP = 3;
  private static final int TIMED = 20;

  /** One request's latencies (ms) and answer size. */
  record Timing(String name, String uri, int requests, double p50, double p90, double max, int bytes) {
  }

  private ReportLatency() {
  }

  static List<Timing> run(SwitchboardApi api, SwitchboardApi.Session supervisor, Consumer<String> log) {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    String from = today.minusDays(60).toString();
    String to = today.minusDays(30).toString();
    List<String[]> requests = new ArrayList<>();
    for (String group : List.of("channel", "agent", "team", "day")) {
      requests.add(new String[] {"summary by " + group,
          "/api/v1/reports/summary?from=" + from + "&to=" + to + "&groupBy=" + group});
    }
    requests.add(new String[] {"intraday (one day)", "/api/v1/reports/intraday?date=" + today.minusDays(45)});
    List<Timing> out = new ArrayList<>();
    for (String[] r : requests) {
      for (int i = 0; i < WARMUP; i++) {
        Bench.await(api.getSize(supervisor, r[1]), 120);
      }
      double[] ms = new double[TIMED];
      int bytes = 0;
      for (int i = 0; i < TIMED; i++) {
        long t0 = System.nanoTime();
        bytes = Bench.await(api.getSize(supervisor, r[1]), 120);
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      Arrays.sort(ms);
      Timing t = new Timing(r[0], r[1], TIMED, ms[TIMED / 2], ms[(int) Math.ceil(TIMED * 0.9) - 1], ms[TIMED - 1],
          bytes);
      log.accept(String.format("  %s: p50 %.1f ms, p90 %.1f ms, max %.1f ms (%d bytes)", t.name(), t.p50(), t.p90(),
          t.max(), t.bytes()));
      out.add(t);
    }
    return out;
  }
}
