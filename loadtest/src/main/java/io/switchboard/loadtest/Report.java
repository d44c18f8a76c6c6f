package io.switchboard.loadtest;

import io.switchboard.loadtest.Bench.Measured;
import io.switchboard.loadtest.IngestRamp.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The Markdown report and its charts, written to docs/benchmarks/. Figures over repeats are shown
 * as "median (min–max)". Targets are reported as they stand, met or not.
 */
final class Report {

  private final Path dir;
  private final String runId;
  private final StringBuilder md = new StringBuilder();
  private final List<String[]> targets = new ArrayList<>();

  Report(Path dir, String runId) {
    this.dir = dir;
    this.runId = runId;
  }

  Report line(String s) {
    md.append(s).append('\n');
    return this;
  }

  /** A target of the issue and where we stand. */
  void target(String what, String measured, Boolean met) {
    targets.add(new String[] {what, measured, met == null ? "not measured" : met ? "met" : "**not met**"});
  }

  // ---- scenario 1 -------------------------------------------------------------------------------

  /** {@code primary}: the audience the targets are read from (the first one asked for). */
  void ingest(List<Step> steps, int repeats, Audience audience, boolean primary) throws IOException {
    line("## 1. Ingest ramp" + (audience.crowd() ? "" : ": " + audience.label())).line("");
    line("Inbound messages at Poisson arrivals (all message channel kinds, Zipf-spread customers); "
        + (audience.crowd() ? "every agent of the channel's team and every supervisor should receive"
            : "each of " + audience.clients() + " stream clients (supervisor tabs, nobody else connected) should "
                + "receive")
        + " each `message.created`. Latency is measured from the "
        + "intended send time. A repeat stops at the first step not kept up with (see Method).").line("");
    line("| offered msg/s | acked msg/s | ack p99 ms | delivery p50 ms | p99 ms | p99.9 ms | max ms | lost | dup | "
        + "out of order | DB exact | cores server / pg / tool / other | repeats |");
    line("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    Map<Integer, List<Step>> byRate = byRate(steps);
    for (var e : byRate.entrySet()) {
      List<Step> s = e.getValue();
      line("| " + e.getKey() + " | " + stat(s, m -> m.sent().acknowledgedPerSecond()) + " | " + stat(s, m -> m.ack().p99())
          + " | " + stat(s, m -> m.delivery().p50()) + " | " + stat(s, m -> m.delivery().p99()) + " | "
          + stat(s, m -> m.delivery().p999()) + " | " + stat(s, m -> m.delivery().max()) + " | "
          + sum(s, m -> m.tally().lost()) + " | " + sum(s, m -> m.tally().duplicates()) + " | "
          + sum(s, m -> m.tally().orderViolations()) + " | " + dbExact(s) + " | " + cores(s) + " | " + s.size()
          + kept(s) + " |");
    }
    List<Double> knees = new ArrayList<>();
    for (int r = 1; r <= repeats; r++) {
      knees.add((double) IngestRamp.knee(steps, r));
    }
    Stats knee = Stats.of(knees);
    int top = byRate.isEmpty() ? 0 : ((TreeMap<Integer, List<Step>>) byRate).lastKey();
    // If even the top step was kept up with, the knee lies beyond the ramp: say so rather than call it the knee.
    String atLeast = knee.n() > 0 && knee.min() >= top ? "≥ " : "";
    int bottom = byRate.isEmpty() ? 0 : ((TreeMap<Integer, List<Step>>) byRate).firstKey();
    String kneeText = knee.n() > 0 && knee.max() == 0 ? "< " + bottom : atLeast + knee.show();
    line("").line("Knee (highest offered rate kept up with, per repeat " + knees + "): **" + kneeText
        + " msg/s**" + (atLeast.isEmpty() ? "." : " (never fell behind: the knee is above the ramp's top step).")).line("");
    String charts = runId + (audience.crowd() ? "" : "-audience" + audience.key());
    if (primary) {
      targets(kneeText, knee, byRate);
    }
    charts(steps, byRate, charts);
  }

  private void targets(String kneeText, Stats knee, Map<Integer, List<Step>> byRate) {
    target("durable ingest >= 5,000 msg/s", kneeText + " msg/s", knee.median() >= 5000);
    Stats p99At5000 = deliveryAt(byRate, 5000, m -> m.delivery().p99());
    Stats p999At5000 = deliveryAt(byRate, 5000, m -> m.delivery().p999());
    target("inbound -> agent p99 <= 25 ms at 5,000 msg/s", p99At5000.n() == 0 ? "rate not reached" : p99At5000.show() + " ms",
        p99At5000.n() == 0 ? Boolean.FALSE : p99At5000.median() <= 25);
    target("inbound -> agent p99.9 <= 100 ms at 5,000 msg/s", p999At5000.n() == 0 ? "rate not reached"
        : p999At5000.show() + " ms", p999At5000.n() == 0 ? Boolean.FALSE : p999At5000.median() <= 100);
    Stats p99At1000 = deliveryAt(byRate, 1000, m -> m.delivery().p99());
    target("inbound -> agent p99 <= 10 ms at 1,000 msg/s", p99At1000.n() == 0 ? "rate not reached" : p99At1000.show() + " ms",
        p99At1000.n() == 0 ? Boolean.FALSE : p99At1000.median() <= 10);
  }

  private void charts(List<Step> steps, Map<Integer, List<Step>> byRate, String prefix) throws IOException {
    // Charts: latency against rate (medians over repeats), latency over time (first repeat).
    Charts.Lines vsRate = new Charts.Lines();
    for (var e : byRate.entrySet()) {
      List<Step> s = e.getValue();
      vsRate.get("delivery p50").add(e.getKey(), Stats.of(values(s, m -> m.delivery().p50())).median());
      vsRate.get("delivery p99").add(e.getKey(), Stats.of(values(s, m -> m.delivery().p99())).median());
      vsRate.get("delivery p99.9").add(e.getKey(), Stats.of(values(s, m -> m.delivery().p999())).median());
      vsRate.get("ack p99").add(e.getKey(), Stats.of(values(s, m -> m.ack().p99())).median());
    }
    String rateChart = prefix + "-latency-vs-rate.png";
    Charts.write(dir.resolve(rateChart), "Ingest: latency against offered rate (median of repeats)", "offered msg/s",
        "ms (log)", vsRate.all(), true);
    Charts.Lines overTime = new Charts.Lines();
    List<Charts.Mark> stepStarts = new ArrayList<>();
    double offset = 0;
    for (Step s : steps) {
      if (s.repeat() != 1) {
        continue;
      }
      stepStarts.add(new Charts.Mark(offset, s.rate() + "/s"));
      double last = 0;
      for (LatencyTrack.Point p : s.measured().timeline()) {
        overTime.get("delivery p50").add(offset + p.secondsFromStart(), p.p50Millis());
        overTime.get("delivery p99").add(offset + p.secondsFromStart(), p.p99Millis());
        overTime.get("delivery max").add(offset + p.secondsFromStart(), p.maxMillis());
        last = p.secondsFromStart();
      }
      offset += last + 1;
    }
    String timeChart = prefix + "-latency-over-time.png";
    Charts.write(dir.resolve(timeChart), "Ingest ramp, repeat 1: delivery latency per second (steps back to back)",
        "seconds of measurement", "ms (log)", overTime.all(), false, stepStarts);
    line("![latency against rate](" + rateChart + ")").line("").line("![latency over time](" + timeChart + ")").line("");
  }

  // ---- scenario 3 -------------------------------------------------------------------------------

  void reconnect(List<ReconnectStorm.Result> results) {
    line("## 3. Reconnect storm").line("");
    line("Agents dropped at once during steady traffic; each fetches a new ticket and resumes with `since` = its last "
        + "seq. Resume time runs from the drop until the last one is `ready` again (ticket and replay included).")
        .line("");
    line("| case | dropped | rate msg/s | all resumed after s | failed reconnects | delivery p99 ms | p99.9 ms | max ms | "
        + "lost | dup | out of order | DB exact |");
    line("|---|---|---|---|---|---|---|---|---|---|---|---|");
    boolean allWithin10 = true;
    boolean clean = true;
    for (ReconnectStorm.Result r : results) {
      Measured m = r.measured();
      line("| " + r.label() + " | " + r.dropped() + " | " + (int) m.sent().offeredPerSecond() + " | "
          + Stats.fmt(r.allResumedSeconds()) + " | " + r.reconnectFailures() + " | " + Stats.fmt(m.delivery().p99())
          + " | " + Stats.fmt(m.delivery().p999()) + " | " + Stats.fmt(m.delivery().max()) + " | " + m.tally().lost()
          + " | " + m.tally().duplicates() + " | " + m.tally().orderViolations() + " | " + exact(m) + " |");
      allWithin10 &= r.allResumedSeconds() <= 10 && r.reconnectFailures() == 0;
      clean &= m.clean();
    }
    line("");
    if (!results.isEmpty()) {
      target("every reconnecting agent resumed within 10 s", results.stream()
          .map(r -> r.label() + ": " + Stats.fmt(r.allResumedSeconds()) + " s").toList().toString(), allWithin10);
      target("reconnect storm: zero lost/duplicated events", clean ? "0 lost, 0 dup, 0 reordered" : "violations, see §3",
          clean);
    }
  }

  // ---- scenario 4 -------------------------------------------------------------------------------

  void fanout(List<DashboardFanout.Result> results) {
    line("## 4. Dashboard fan-out").line("");
    line("Supervisor tabs subscribed to the dashboard (each also receives every message of the account). Dashboard "
        + "age = receipt time minus the snapshot's `at` (wall clock). Then a share of tabs stops reading; the prompt "
        + "tabs should not notice.").line("");
    line("| supervisors | phase | dashboard age p50 ms | p99 ms | message delivery p99 ms | p99.9 ms | lost | dup | "
        + "out of order |");
    line("|---|---|---|---|---|---|---|---|---|");
    for (DashboardFanout.Result r : results) {
      for (DashboardFanout.Phase p : List.of(r.allReading(), r.withSlowReaders())) {
        Measured m = p.measured();
        line("| " + r.supervisors() + " | " + p.label() + " | " + Stats.fmt(p.dashboardAge().p50()) + " | "
            + Stats.fmt(p.dashboardAge().p99()) + " | " + Stats.fmt(m.delivery().p99()) + " | "
            + Stats.fmt(m.delivery().p999()) + " | " + m.tally().lost() + " | " + m.tally().duplicates() + " | "
            + m.tally().orderViolations() + " |");
      }
      line("| " + r.supervisors() + " | the " + r.slowReaders() + " stalled tabs after reading again ("
          + r.slowClosedByServer() + " closed by the server) | | | | | " + r.slowTally().lost() + " | "
          + r.slowTally().duplicates() + " | " + r.slowTally().orderViolations() + " |");
    }
    line("");
    for (DashboardFanout.Result r : results) {
      if (r.notConnected() > 0) {
        line("- " + r.notConnected() + " of the " + (r.supervisors() + r.notConnected()) + " tabs did not get `ready` "
            + "in time and are left out of this row's figures.");
      }
    }
    line("");
  }

  // ---- scenario 2 -------------------------------------------------------------------------------

  void connections(List<IdleConnections.Result> results) {
    line("## 2. Idle connections").line("");
    line("Idle agent tabs (a team no channel routes to) opened on top of the active crowd, up to the file-descriptor "
        + "limit less 1,000, over several loopback source addresses. Memory is the server's: RSS from /proc, heap "
        + "after a full GC (jcmd), JVM direct buffers from /metrics (Netty's pooled arenas may not all show there).")
        .line("");
    line("CPU is the server's (from /proc): while the tabs connected (ticket, handshake, auth, `ready`), per "
        + "connection; while they sat idle for " + IdleConnections.IDLE_HOLD_MS / 1000 + " s, per 1,000 connections; "
        + "and while the traffic below ran. With permessage-deflate the server keeps a compressor (and a "
        + "decompressor) per connection: that is what the memory columns show.").line("");
    line("| permessage-deflate asked | agreed on | idle tabs | connected | server HTTP connections | connect time s "
        + "| RSS before MiB | RSS after MiB | RSS per connection KiB | heap per connection KiB "
        + "| direct per connection KiB | server CPU ms per connection to connect | server cores per 1,000 idle "
        + "| server cores with traffic |");
    line("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (IdleConnections.Result r : results) {
      line("| " + r.deflate().label() + " | " + r.deflated() + " | " + r.connections() + " | " + r.connected() + " | "
          + Stats.fmt(r.serverConnections()) + " | " + Stats.fmt(r.connectSeconds()) + " | "
          + Stats.fmt(r.rssBeforeKib() / 1024.0) + " | " + Stats.fmt(r.rssAfterKib() / 1024.0) + " | "
          + Stats.fmt(r.rssPerConnectionKib()) + " | " + Stats.fmt(r.heapPerConnectionKib()) + " | "
          + Stats.fmt(r.directPerConnectionKib()) + " | " + Stats.fmt(r.connectCpuMillisPerConnection()) + " | "
          + String.format("%.3f", r.idleCoresPerThousand()) + " | " + Stats.fmt(r.withTraffic().cpu().server()) + " |");
    }
    line("");
    if (results.size() > 1) {
      line("The cases ran one after the other against one server (started with SWITCHBOARD_WS_COMPRESSION=true; a "
          + "client that does not ask gets no compression). The JVM seldom hands memory back, so the later case's "
          + "RSS delta can read low: compare the heap columns first.").line("");
    }
    for (IdleConnections.Result r : results) {
      Measured m = r.withTraffic();
      line("With " + (int) m.sent().offeredPerSecond() + " msg/s on top (idle tabs' deflate " + r.deflate().label()
          + "): delivery p50 " + Stats.fmt(m.delivery().p50()) + " ms, p99 " + Stats.fmt(m.delivery().p99())
          + " ms, p99.9 " + Stats.fmt(m.delivery().p999()) + " ms; lost " + m.tally().lost() + ", dup "
          + m.tally().duplicates() + ", out of order " + m.tally().orderViolations() + ", DB " + exact(m) + ".")
          .line("");
    }
    IdleConnections.Result r = results.get(0);
    // One node holds what its file-descriptor limit allows; larger crowds are nodes x per node.
    int perNode = Math.max(1, r.connected());
    for (int total : List.of(50_000, 100_000, 250_000)) {
      int nodes = (total + perNode - 1) / perNode;
      line("- " + String.format("%,d", total) + " idle tabs: " + nodes + " nodes x " + String.format("%,d", perNode)
          + " per node (as many as this run held on one), about " + Stats.fmt(total * r.rssPerConnectionKib() / 1024 / 1024)
          + " GiB of server RSS for the connections in all.");
    }
    line("");
    target("<= 15 KB server memory per idle agent connection", Stats.fmt(r.rssPerConnectionKib()) + " KiB RSS, "
        + Stats.fmt(r.heapPerConnectionKib()) + " KiB heap, " + Stats.fmt(r.directPerConnectionKib()) + " KiB direct "
        + "(" + r.connected() + " connections" + (results.size() > 1 || r.deflate().on()
            ? ", permessage-deflate " + r.deflate().label() : "") + ")", r.rssPerConnectionKib() <= 15);
  }

  // ---- scenario 5 -------------------------------------------------------------------------------

  void history(LargeHistory.Result r, List<Step> smallDatabase) {
    line("## 5. Large history").line("");
    line("Stored " + r.messagesAdded() + " history messages (conversations of " + LargeHistory.MESSAGES_PER_CONVERSATION
        + " messages with Zipf-distributed support vocabulary, skewed customers, two neighbour accounts of a tenth "
        + "as much; written straight into PostgreSQL, the message indexes built afterwards) in "
        + Stats.fmt(r.loadSeconds()) + " s; the load account now holds " + r.messagesInAccount() + " messages.")
        .line("");
    if (!r.search().isEmpty()) {
      line("### Search").line("");
      line("`GET /conversations?q=` one request at a time as the admin (or an agent where the kind says so), "
          + "several different queries per kind taken in turn, latency at the client:").line("");
      line("| query kind | e.g. | requests | hits a page | p50 ms | p90 ms | p99 ms | max ms | failed |");
      line("|---|---|---|---|---|---|---|---|---|");
      double worst = 0;
      for (SearchBench.Kind k : r.search()) {
        LatencyTrack.Summary l = k.latency();
        worst = Math.max(worst, Double.isNaN(l.p99()) ? Double.POSITIVE_INFINITY : l.p99());
        line("| " + k.name() + " | " + String.join(", ", k.examples().stream().map(e -> "`" + e + "`").toList())
            + " | " + l.count() + " | " + Stats.fmt(k.meanHits()) + " | " + Stats.fmt(l.p50()) + " | "
            + Stats.fmt(l.p90()) + " | " + Stats.fmt(l.p99()) + " | " + Stats.fmt(l.max()) + " | " + k.failures()
            + " |");
      }
      line("");
      target("search p99 < 100 ms at " + r.messagesInAccount() + " messages, every query kind",
          "worst kind's p99 " + Stats.fmt(worst) + " ms", worst < 100 && r.messagesInAccount() >= 5_000_000);
    }
    if (r.steps().isEmpty()) {
      return;
    }
    line("The same ingest steps, measured again (one repeat), against the small-database medians of §1:").line("");
    line("| offered msg/s | database | acked msg/s | ack p99 ms | delivery p50 ms | p99 ms | p99.9 ms | lost | dup | "
        + "out of order | DB exact |");
    line("|---|---|---|---|---|---|---|---|---|---|---|");
    Map<Integer, List<Step>> before = byRate(smallDatabase);
    for (var e : byRate(r.steps()).entrySet()) {
      for (var named : List.of(Map.entry("small (§1)", before.getOrDefault(e.getKey(), List.of())),
          Map.entry("with history", e.getValue()))) {
        List<Step> s = named.getValue();
        if (s.isEmpty()) {
          continue;
        }
        line("| " + e.getKey() + " | " + named.getKey() + " | " + stat(s, m -> m.sent().acknowledgedPerSecond()) + " | "
            + stat(s, m -> m.ack().p99()) + " | " + stat(s, m -> m.delivery().p50()) + " | "
            + stat(s, m -> m.delivery().p99()) + " | " + stat(s, m -> m.delivery().p999()) + " | "
            + sum(s, m -> m.tally().lost()) + " | " + sum(s, m -> m.tally().duplicates()) + " | "
            + sum(s, m -> m.tally().orderViolations()) + " | " + dbExact(s) + " |");
      }
    }
    line("");
  }

  void reports(long messagesInAccount, List<ReportLatency.Timing> timings) {
    line("### Reports over a month, with " + messagesInAccount + " messages stored").line("");
    line("One supervisor, one request at a time (3 warm-up requests, then " + (timings.isEmpty() ? 0
        : timings.get(0).requests()) + " timed), the month before the last 30 days; the history carries SLA outcomes, "
        + "breaches and surveys per conversation. Target: under 500 ms.").line("");
    line("| request | p50 ms | p90 ms | max ms | answer bytes | under 500 ms |");
    line("|---|---|---|---|---|---|");
    for (ReportLatency.Timing t : timings) {
      line("| " + t.name() + " | " + Stats.fmt(t.p50()) + " | " + Stats.fmt(t.p90()) + " | " + Stats.fmt(t.max())
          + " | " + t.bytes() + " | " + (t.max() < 500 ? "yes" : "**no**") + " |");
    }
    line("");
  }

  // ---- baselines --------------------------------------------------------------------------------

  void baselines(List<Step> bareHttp, List<Step> bareWs, List<PgBench.Result> pgbench, List<Step> switchboard)
      throws IOException {
    line("## Baselines (same machine, same run)").line("");
    line("| baseline | offered msg/s | acked msg/s | ack p50 ms | ack p99 ms | delivery p50 ms | delivery p99 ms | "
        + "delivery p99.9 ms |");
    line("|---|---|---|---|---|---|---|---|");
    for (var named : List.of(Map.entry("bare Vert.x HTTP (no sockets)", bareHttp),
        Map.entry("bare Vert.x WebSocket fan-out", bareWs))) {
      for (var e : byRate(named.getValue()).entrySet()) {
        List<Step> s = e.getValue();
        line("| " + named.getKey() + " | " + e.getKey() + " | " + stat(s, m -> m.sent().acknowledgedPerSecond()) + " | "
            + stat(s, m -> m.ack().p50()) + " | " + stat(s, m -> m.ack().p99()) + " | " + stat(s, m -> m.delivery().p50())
            + " | " + stat(s, m -> m.delivery().p99()) + " | " + stat(s, m -> m.delivery().p999()) + " |");
      }
    }
    line("");
    if (!pgbench.isEmpty()) {
      line("pgbench, one ingest transaction's writes (durable commits, one account, events appended without seq as the server does):").line("");
      line("| clients | messages per transaction | transactions/s | messages/s | average latency ms |")
          .line("|---|---|---|---|---|");
      pgbench.forEach(p -> line("| " + p.clients() + " | " + p.batch() + (p.batch() > 1 ? " (pipelined)" : "") + " | "
          + Stats.fmt(p.tps()) + " | " + Stats.fmt(p.messagesPerSecond()) + " | " + Stats.fmt(p.latencyMillis()) + " |"));
      line("");
    }
    Charts.Lines lines = new Charts.Lines();
    byRate(switchboard).forEach((rate, s) -> {
      lines.get("Switchboard delivery p99").add(rate, Stats.of(values(s, m -> m.delivery().p99())).median());
      lines.get("Switchboard ack p99").add(rate, Stats.of(values(s, m -> m.ack().p99())).median());
    });
    byRate(bareWs).forEach((rate, s) -> lines.get("bare WebSocket delivery p99").add(rate,
        Stats.of(values(s, m -> m.delivery().p99())).median()));
    byRate(bareHttp).forEach((rate, s) -> lines.get("bare HTTP ack p99").add(rate,
        Stats.of(values(s, m -> m.ack().p99())).median()));
    String chart = runId + "-baselines.png";
    Charts.write(dir.resolve(chart), "Switchboard against the bare Vert.x baselines (p99)", "offered msg/s", "ms (log)",
        lines.all(), true);
    line("![Switchboard against the baselines](" + chart + ")").line("");
    // Switchboard as a fraction of the baselines.
    double sbKnee = Stats.of(switchboard.stream().map(Step::repeat).distinct()
        .map(r -> (double) IngestRamp.knee(switchboard, r)).toList()).median();
    double bestPg = pgbench.stream().filter(p -> p.batch() == 1).mapToDouble(PgBench.Result::tps).max()
        .orElse(Double.NaN);
    double bareKnee = IngestRamp.knee(bareHttp, 1);
    line("Switchboard as a fraction of the baselines:").line("");
    line("- sustained ingest " + Stats.fmt(sbKnee) + " msg/s = " + pct(sbKnee, bestPg)
        + " of pgbench's best " + Stats.fmt(bestPg) + " transactions/s, and " + pct(sbKnee, bareKnee)
        + " of the highest rate the bare HTTP endpoint was offered and kept up with (" + Stats.fmt(bareKnee) + " msg/s; "
        + "the bare endpoint's real ceiling is higher than the rates tried).");
    for (int rate : byRate(switchboard).keySet()) {
      Stats sb = Stats.of(values(byRate(switchboard).get(rate), m -> m.delivery().p99()));
      List<Step> ws = byRate(bareWs).get(rate);
      if (ws != null) {
        Stats bare = Stats.of(values(ws, m -> m.delivery().p99()));
        line("- at " + rate + " msg/s, delivery p99 " + sb.show() + " ms vs bare WebSocket fan-out " + bare.show()
            + " ms (" + Stats.fmt(sb.median() / bare.median()) + "×).");
      }
    }
    line("");
  }

  // ---- the naive baseline ----------------------------------------------------------------------

  /** The naive server's ramps against Switchboard's with the same audience, and Switchboard as a multiple. */
  void naive(NaiveBaseline naive, Map<Audience, List<Step>> switchboard, List<Audience> order) throws IOException {
    line("## Baseline: a naive server (same machine, same run)").line("");
    line("What the straightforward build of the same path does: a Vert.x HTTP server (one verticle) with a pool of "
        + NaiveServer.POOL_SIZE + " PostgreSQL connections and its own four-table database; per inbound message BEGIN, "
        + "upsert the contact (`ON CONFLICT (account, email) DO UPDATE`), `SELECT` its open conversation `FOR UPDATE` "
        + "(insert one if none), insert the message, insert the event, COMMIT, then the event as JSON to every socket "
        + "of the account. Driven by the same ramp as Switchboard (open-loop sender, bodies, Zipf customers, markers, "
        + "stream clients, kept-up rule); a load team is an account there, so each message reaches the same sockets. "
        + "The naive server runs inside the tool, so its CPU shows as the tool's; there is no database check.")
        .line("");
    Charts.Lines lines = new Charts.Lines();
    for (Audience audience : order) {
      List<Step> nv = naive.ramps().get(audience);
      if (nv == null) {
        continue;
      }
      List<Step> sb = switchboard.getOrDefault(audience, List.of());
      Multiple multiple = Multiple.of(sb, nv);
      line("### " + audience.label()).line("");
      line("| offered msg/s | naive acked msg/s | naive ack p99 ms | naive delivery p50 ms | naive delivery p99 ms "
          + "| naive lost / dup / out of order | Switchboard delivery p50 ms | Switchboard delivery p99 ms "
          + "| Switchboard p50 as × naive | Switchboard p99 as × naive |");
      line("|---|---|---|---|---|---|---|---|---|---|");
      Map<Integer, List<Step>> sbByRate = byRate(sb);
      for (var e : byRate(nv).entrySet()) {
        List<Step> n = e.getValue();
        List<Step> s = sbByRate.getOrDefault(e.getKey(), List.of());
        Multiple.AtRate at = multiple.rates().stream().filter(a -> a.rate() == e.getKey()).findFirst().orElse(null);
        line("| " + e.getKey() + " | " + stat(n, m -> m.sent().acknowledgedPerSecond()) + " | "
            + stat(n, m -> m.ack().p99()) + " | " + stat(n, m -> m.delivery().p50()) + " | "
            + stat(n, m -> m.delivery().p99()) + kept(n) + " | " + sum(n, m -> m.tally().lost()) + " / "
            + sum(n, m -> m.tally().duplicates()) + " / " + sum(n, m -> m.tally().orderViolations()) + " | "
            + stat(s, m -> m.delivery().p50()) + " | " + stat(s, m -> m.delivery().p99()) + " | "
            + (at == null ? "–" : Multiple.times(at.p50Multiple())) + " | "
            + (at == null ? "–" : Multiple.times(at.p99Multiple())) + " |");
        lines.get("naive delivery p99, " + audience.label()).add(e.getKey(),
            Stats.of(values(n, m -> m.delivery().p99())).median());
      }
      sbByRate.forEach((rate, s) -> lines.get("Switchboard delivery p99, " + audience.label()).add(rate,
          Stats.of(values(s, m -> m.delivery().p99())).median()));
      line("");
      line("Knee: naive **" + multiple.naive().show() + " msg/s**, Switchboard **" + multiple.switchboard().show()
          + " msg/s**" + (sb.isEmpty() ? " (Switchboard's ramp did not run with this audience)"
              : "; Switchboard's knee as a multiple of the naive one: **" + multiple.kneeMultipleText() + "**") + ".")
          .line("");
    }
    line("Out-of-order counts of the naive server are its design: it pushes in commit order, not in event-id order.")
        .line("");
    String chart = runId + "-naive.png";
    Charts.write(dir.resolve(chart), "Switchboard against the naive server: delivery p99", "offered msg/s", "ms (log)",
        lines.all(), true);
    line("![Switchboard against the naive server](" + chart + ")").line("");
  }

  // ---- writing ----------------------------------------------------------------------------------

  Path write(String header) throws IOException {
    StringBuilder out = new StringBuilder(header);
    out.append("## Targets: where we stand\n\n| target | measured | status |\n|---|---|---|\n");
    for (String[] t : targets) {
      out.append("| ").append(t[0]).append(" | ").append(t[1]).append(" | ").append(t[2]).append(" |\n");
    }
    out.append('\n').append(md);
    Path file = dir.resolve(runId + ".md");
    Files.writeString(file, out.toString());
    return file;
  }

  String targetsText() {
    StringBuilder sb = new StringBuilder();
    for (String[] t : targets) {
      sb.append("  ").append(t[2].replace("*", "")).append(": ").append(t[0]).append(" -> ").append(t[1]).append('\n');
    }
    return sb.toString();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** Scenario 6: one node and two, side by side; per-node cores from each window's CPU reading. */
  void cluster(ClusterScenario.Result r) {
    line("## 6. Two clustered nodes against one").line("");
    line("Scenario 1's ramp with the team crowd, first against one clustered node, then against two nodes (separate "
        + "processes on loopback, one PostgreSQL, one Redis) behind a TCP round-robin: every new connection, an "
        + "adapter's keep-alive connection or an agent's stream, goes to the next node in turn, so about half of all "
        + "deliveries cross nodes (posted to one node, seen by an agent on the other). Both nodes share this "
        + "machine's cores with PostgreSQL and the tool, so two nodes cannot be faster than one here; what the "
        + "comparison shows is that nothing is lost, duplicated or reordered across nodes and what the hop costs.")
        .line("");
    line("Cluster after node 2 joined (node 1's `/health/ready`): `" + r.members() + "`; connections the "
        + "round-robin gave node 1 / node 2: " + r.connectionsPerNode()[0] + " / " + r.connectionsPerNode()[1] + ".")
        .line("");
    line("| nodes | offered msg/s | acked msg/s | ack p99 ms | delivery p50 ms | p99 ms | lost | dup | out of order | "
        + "DB exact | cores node 1 | cores node 2 | cores pg / tool / other | repeats |");
    line("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (var phase : List.of(Map.entry("1", r.oneNode()), Map.entry("2", r.twoNodes()))) {
      for (var e : byRate(phase.getValue()).entrySet()) {
        List<Step> s = e.getValue();
        line("| " + phase.getKey() + " | " + e.getKey() + " | " + stat(s, m -> m.sent().acknowledgedPerSecond())
            + " | " + stat(s, m -> m.ack().p99()) + " | " + stat(s, m -> m.delivery().p50()) + " | "
            + stat(s, m -> m.delivery().p99()) + " | " + sum(s, m -> m.tally().lost()) + " | "
            + sum(s, m -> m.tally().duplicates()) + " | " + sum(s, m -> m.tally().orderViolations()) + " | "
            + dbExact(s) + " | " + stat(s, m -> node(m, 0)) + " | " + stat(s, m -> node(m, 1)) + " | "
            + Stats.fmt(Stats.of(values(s, m -> m.cpu().postgres())).median()) + " / "
            + Stats.fmt(Stats.of(values(s, m -> m.cpu().tool())).median()) + " / "
            + Stats.fmt(Stats.of(values(s, m -> m.cpu().other())).median()) + " | " + s.size() + kept(s) + " |");
      }
    }
    Multiple.Knee one = Multiple.Knee.of(r.oneNode());
    Multiple.Knee two = Multiple.Knee.of(r.twoNodes());
    long lost = sum(r.twoNodes(), m -> m.tally().lost());
    long dup = sum(r.twoNodes(), m -> m.tally().duplicates());
    long order = sum(r.twoNodes(), m -> m.tally().orderViolations());
    line("").line("Knee (median over repeats): one node **" + one.show() + " msg/s**, two nodes **" + two.show()
        + " msg/s**. Across nodes: " + (lost + dup + order == 0 ? "nothing lost, duplicated or reordered"
            : "**" + lost + " lost, " + dup + " duplicated, " + order + " out of order**")
        + "; the database " + (dbExact(r.twoNodes()).startsWith("yes") ? "held exactly the acknowledged messages"
            : "did **not** hold exactly the acknowledged messages") + ".").line("");
    target("scenario 6: nothing lost, duplicated or reordered across two nodes",
        lost + " lost, " + dup + " dup, " + order + " out of order", lost + dup + order == 0);
  }

  /** A node's cores in a window, or NaN when the window measured fewer nodes. */
  private static double node(Measured m, int index) {
    return m.cpu().nodes().size() > index ? m.cpu().nodes().get(index) : Double.NaN;
  }

  private static Map<Integer, List<Step>> byRate(List<Step> steps) {
    Map<Integer, List<Step>> out = new TreeMap<>();
    steps.forEach(s -> out.computeIfAbsent(s.rate(), k -> new ArrayList<>()).add(s));
    return out;
  }

  private static List<Double> values(List<Step> steps, Function<Measured, Double> f) {
    return steps.stream().map(s -> f.apply(s.measured())).toList();
  }

  private static String stat(List<Step> steps, Function<Measured, Double> f) {
    return Stats.of(values(steps, f)).show();
  }

  private static long sum(List<Step> steps, Function<Measured, Long> f) {
    return steps.stream().mapToLong(s -> f.apply(s.measured())).sum();
  }

  private static Stats deliveryAt(Map<Integer, List<Step>> byRate, int rate, Function<Measured, Double> f) {
    List<Step> s = byRate.get(rate);
    return s == null ? Stats.of(List.of()) : Stats.of(values(s, f));
  }

  private static String dbExact(List<Step> steps) {
    long bad = steps.stream().filter(s -> s.measured().db() != null && !s.measured().db().exact()).count();
    boolean any = steps.stream().anyMatch(s -> s.measured().db() != null);
    return !any ? "–" : bad == 0 ? "yes" : "**no** (" + bad + ")";
  }

  private static String exact(Measured m) {
    if (m.db() == null) {
      return "–";
    }
    return m.db().exact() ? "yes" : "**no**: " + m.db().missing() + " missing, " + m.db().duplicated() + " duplicated";
  }

  /** Median cores used over the repeats, per party. */
  private static String cores(List<Step> steps) {
    return new CpuMeter.Usage(Stats.of(values(steps, m -> m.cpu().server())).median(),
        Stats.of(values(steps, m -> m.cpu().postgres())).median(), Stats.of(values(steps, m -> m.cpu().tool())).median(),
        Stats.of(values(steps, m -> m.cpu().other())).median(), List.of()).show();
  }

  private static String kept(List<Step> steps) {
    long notKept = steps.stream().filter(s -> !s.keptUp()).count();
    return notKept == 0 ? "" : " (" + notKept + " not kept up)";
  }

  private static String pct(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "–" : String.format("%.0f%%", 100 * a / b);
  }
}
