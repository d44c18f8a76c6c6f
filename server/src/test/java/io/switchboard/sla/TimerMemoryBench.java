package io.switchboard.sla;

import io.switchboard.http.Ids;
import io.switchboard.sla.SlaPolicy.Escalation;
import io.switchboard.sla.SlaPolicy.Match;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonArray;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A measurement, not part of the suite (it runs only with {@code -Dsla.bench=true}): the heap that
 * 100,000 armed SLA timers cost one node. A real server's SlaTimers gets them the way production
 * does (the timers of each conversation published on the event bus, as JSON), due within the next
 * 24 hours so nearly every one-second slot is in use; the heap is read after full collections
 * before and after. Two cases: one timer per conversation (a first-response target alone), and
 * the load test's policy (first response, resolution, warnings, one escalation step: six a
 * conversation). Writes the figures to server/target/sla-timer-memory.txt and standard output.
 *
 * <pre>
 * flock /tmp/sb-machine.lock mvn -B -o -pl server -am test -Dtest=TimerMemoryBench -Dsla.bench=true \
 *   -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "sla.bench", matches = "true")
@DisplayName("Heap of 100,000 armed SLA timers (measurement)")
class TimerMemoryBench {

  static final int CONVERSATIONS = 100_000;
  static final int PUBLISH_BATCH = 500;

  @Test
  @DisplayName("100,000 conversations' timers fit in a few megabytes")
  void measure() throws Exception {
    SlaPolicy one = policy(null, 0, List.of());
    SlaPolicy six = policy(1440, 10, List.of(new Escalation(30, "notifySupervisors", null)));
    String out = measure("first response only", one, 1) + measure("load-test policy (6 a conversation)", six, 6);
    System.out.print(out);
    Files.writeString(Path.of("target/sla-timer-memory.txt"), out, StandardCharsets.UTF_8);
  }

  /** One case on a server of its own: the heap it took to arm every conversation's timers. */
  private static String measure(String what, SlaPolicy policy, int perConversation) throws Exception {
    try (TestServer server = TestServer.start("timermemory")) {
      Sla sla = server.app.services().sla;
      int before = sla.armedTimers();
      long base = heapAfterGc();
      arm(sla, policy, Instant.now());
      long bytes = heapAfterGc() - base;
      int timers = sla.armedTimers() - before;
      assertThat(timers).isEqualTo(perConversation * CONVERSATIONS);
      // Far below an object graph per timer (a map entry, a record and a scheduled task come to
      // a few hundred bytes), ids included.
      assertThat(bytes / (double) CONVERSATIONS).isLessThan(200);
      return line(what, timers, bytes);
    }
  }

  private static String line(String what, int timers, long bytes) {
    return String.format("%s: %,d timers of %,d conversations, %.1f MiB heap, %.0f bytes a timer, %.0f a conversation%n",
        what, timers, CONVERSATIONS, bytes / 1048576.0, bytes / (double) timers, bytes / (double) CONVERSATIONS);
  }

  private static SlaPolicy policy(Integer resolutionMinutes, int warn, List<Escalation> steps) {
    return new SlaPolicy("p", "P", 1, new Match(List.of(), List.of()), 60, null, resolutionMinutes, null, warn,
        steps, Instant.EPOCH);
  }

  /** Publishes each conversation's timers, as writers do, and waits until the wheel holds them all. */
  private static void arm(Sla sla, SlaPolicy policy, Instant now) throws InterruptedException {
    AccountSla account = new AccountSla(List.of(policy), Map.of());
    int expected = sla.armedTimers();
    JsonArray batch = new JsonArray();
    for (int i = 0; i < CONVERSATIONS; i++) {
      // Due times spread over the next 24 hours (after the 10-minute warnings, none is due yet).
      Instant firstDue = now.plus(Duration.ofMinutes(20)).plus(Duration.ofSeconds(i % 86_400));
      Instant opened = firstDue.minus(Duration.ofHours(1));
      SlaState state = new SlaState("open", "normal", List.of("email"), "p", null, firstDue, null,
          policy.resolutionMinutes() == null ? null : firstDue.plus(Duration.ofDays(1)), null, opened, null, 0);
      int size = batch.size();
      Sla.entries(batch, "acc_bench", Ids.next("cv"), state, account);
      expected += batch.size() - size;
      if (batch.size() >= PUBLISH_BATCH) {
        sla.publish(batch);
        batch = new JsonArray();
      }
    }
    sla.publish(batch);
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (sla.armedTimers() < expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(sla.armedTimers()).isEqualTo(expected);
  }

  private static long heapAfterGc() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(200);
      long used = memory.getHeapMemoryUsage().getUsed();
      if (Math.abs(last - used) < 64 * 1024) {
        return used;
      }
      last = used;
    }
    return last;
  }
}
