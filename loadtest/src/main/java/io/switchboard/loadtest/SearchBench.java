package io.switchboard.loadtest;

import io.switchboard.loadtest.SwitchboardApi.Session;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Search over the large history (scenario 5): GET /conversations?q= one request at a time (the
 * latency of one agent's search box, not a throughput figure), for each kind of query a person
 * types, each kind with several different queries taken in turn. Names, addresses, numbers and
 * words are ones the history really holds (see {@link LargeHistory}).
 */
final class SearchBench {

  /** One kind of query: what was asked, how long it took (ms, client side), how many hits the first page had. */
  record Kind(String name, List<String> examples, LatencyTrack.Summary latency, double meanHits, long failures) {
  }

  private record Query(String q, String status, boolean agent) {
  }

  private SearchBench() {
  }

  static List<Kind> run(SwitchboardApi api, LoadAccount account, LargeHistory.Part history, int samplesPerKind,
      int secondsPerKind, Consumer<String> log) {
    Random random = new Random(42);
    long contacts = history.contacts();
    long conversations = history.conversations();
    List<Kind> out = new ArrayList<>();
    // Contacts with a low number have many conversations, the rest one or two: ask about both.
    java.util.function.LongSupplier contact = () -> random.nextBoolean() ? random.nextInt((int) Math.min(contacts, 500))
        : (long) (random.nextDouble() * contacts);
    java.util.function.LongSupplier evenContact = () -> contact.getAsLong() / 2 * 2;
    List<List<Query>> kinds = new ArrayList<>();
    List<String> names = new ArrayList<>();
    names.add("common word (\"order\", \"the\", \"delivery\", \"please\")");
    kinds.add(words(List.of("order", "the", "delivery", "please"), null, false));
    names.add("mid-frequency word (\"kettle\", \"warranty\", \"tripod\")");
    kinds.add(words(List.of("kettle", "warranty", "tripod"), null, false));
    names.add("rare word (a product code)");
    kinds.add(generate(20, () -> new Query("sku" + (5_000 + random.nextInt(190_000)), null, false)));
    names.add("prefix (\"deliv\", \"refu\", \"dam\", \"sku12\")");
    kinds.add(words(List.of("deliv", "refu", "dam", "sku12"), null, false));
    names.add("two words (\"broken kettle\", \"refund parcel\")");
    kinds.add(words(List.of("broken kettle", "refund parcel", "wrong size"), null, false));
    names.add("full name");
    kinds.add(generate(20, () -> new Query(LargeHistory.name(contact.getAsLong()), null, false)));
    names.add("last name only (\"Nowak\", \"Müller\")");
    kinds.add(words(List.of("Nowak", "Müller", "Kowalski"), null, false));
    names.add("email");
    kinds.add(generate(20, () -> new Query(LargeHistory.email(contact.getAsLong()), null, false)));
    names.add("phone, other formats (\"+48 6xx xxx xxx\", \"6xx-xxx-xxx\", \"0048 6xxxxxxxx\")");
    kinds.add(generate(21, new java.util.function.Supplier<>() {
      int n;

      @Override
      public Query get() {
        String d = LargeHistory.phoneDigits(evenContact.getAsLong());
        String typed = switch (n++ % 3) {
          case 0 -> "+48 " + d.substring(0, 3) + " " + d.substring(3, 6) + " " + d.substring(6);
          case 1 -> d.substring(0, 3) + "-" + d.substring(3, 6) + "-" + d.substring(6);
          default -> "0048 " + d;
        };
        return new Query(typed, null, false);
      }
    }));
    names.add("order number (\"ORD-1xxxxx\")");
    kinds.add(generate(20, () -> new Query("ORD-" + (LargeHistory.ORDER_BASE + (long) (random.nextDouble()
        * conversations)), null, false)));
    names.add("common word, status=open");
    kinds.add(words(List.of("order", "delivery", "please"), "open", false));
    names.add("common word, status=resolved");
    kinds.add(words(List.of("order", "delivery", "please"), "resolved", false));
    names.add("rare word, status=open");
    kinds.add(generate(20, () -> new Query("sku" + (5_000 + random.nextInt(190_000)), "open", false)));
    names.add("full name, status=resolved");
    kinds.add(generate(20, () -> new Query(LargeHistory.name(contact.getAsLong()), "resolved", false)));
    names.add("common word, as an agent of one team");
    kinds.add(words(List.of("order", "delivery", "please"), null, true));
    names.add("rare word, as an agent of one team");
    kinds.add(generate(20, () -> new Query("sku" + (5_000 + random.nextInt(190_000)), null, true)));

    for (int i = 0; i < kinds.size(); i++) {
      Kind kind = measure(api, account, names.get(i), kinds.get(i), samplesPerKind, secondsPerKind);
      log.accept(String.format("  search %s: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d requests, %.1f hits a page%s)",
          kind.name(), kind.latency().p50(), kind.latency().p99(), kind.latency().max(), kind.latency().count(),
          kind.meanHits(), kind.failures() > 0 ? ", " + kind.failures() + " failed" : ""));
      out.add(kind);
    }
    return out;
  }

  private static List<Query> words(List<String> qs, String status, boolean agent) {
    return qs.stream().map(q -> new Query(q, status, agent)).toList();
  }

  private static List<Query> generate(int n, java.util.function.Supplier<Query> next) {
    List<Query> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(next.get());
    }
    return out;
  }

  /** The kind's queries in turn until enough samples (or its time is up); one warm-up pass is not counted. */
  private static Kind measure(SwitchboardApi api, LoadAccount account, String name, List<Query> queries, int samples,
      int seconds) {
    Histogram h = new Histogram(3_600_000_000L, 3);
    long hits = 0;
    long failures = 0;
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    for (int i = -Math.min(queries.size(), 3); i < samples && System.nanoTime() < deadline; i++) {
      Query query = queries.get(Math.floorMod(i, queries.size()));
      Session as = query.agent() ? account.firstAgent() : account.admin;
      String uri = "/api/v1/conversations?q=" + URLEncoder.encode(query.q(), StandardCharsets.UTF_8)
          + (query.status() == null ? "" : "&status=" + query.status());
      Bench.await(api.fresh(as), 60);
      long t0 = System.nanoTime();
      try {
        JsonObject page = Bench.await(api.get(as, uri), 120);
        long micros = (System.nanoTime() - t0) / 1000;
        if (i >= 0) {
          h.recordValue(Math.min(3_600_000_000L, micros));
          hits += page.getJsonArray("items").size();
        }
      } catch (RuntimeException e) {
        failures++;
      }
    }
    LatencyTrack.Summary summary = LatencyTrack.Summary.of(h);
    List<String> examples = queries.stream().limit(3).map(q -> q.q()).toList();
    return new Kind(name, examples, summary, summary.count() == 0 ? 0 : hits / (double) summary.count(), failures);
  }
}
