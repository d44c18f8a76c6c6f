package io.switchboard.sla;

import io.switchboard.http.Ids;
import io.switchboard.sla.SlaPolicy.Escalation;
import io.switchboard.sla.SlaPolicy.Match;
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
 * the timers of 100,000 conversations cost one node. The timers go the way production sends them:
 * built by {@link Sla#entries} as the JSON a writer publishes, a conversation's timers together in
 * batches of 500, into SlaTimers' own consumer method and its TimerWheel (nothing else runs in
 * this JVM, so the heap read after full collections before and after is theirs alone). Due times
 * spread over the next 24 hours, so nearly every one-second slot is in use. Two cases: one timer a
 * conversation (a first-response target alone), and the load test's policy (first response and
 * resolution, each with a warning and one escalation step: six a conversation). Writes the figures
 * to server/target/sla-timer-memory.txt and standard output.
 *
 * <pre>
 * flock /tmp/sb-machine.lock mvn -B -o -pl server -am test -Dtest=TimerMemoryBench -Dsla.bench=true \
 *   -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "sla.bench", matches = "true")
@DisplayName("Heap of 100,000 conversations' armed SLA timers (measurement)")
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

  /** One case: the heap a fresh SlaTimers (its wheel included) holds once every timer is armed. */
  private static String measure(String what, SlaPolicy policy, int perConversation) throws Exception {
    long base = heapAfterGc();
    SlaTimers timers = new SlaTimers(null, null, null, null);
    arm(timers, policy, Instant.now());
    long bytes = heapAfterGc() - base;
    int armed = timers.armed();
    assertThat(armed).isEqualTo(perConversation * CONVERSATIONS);
    // Far below an object graph per timer (a map entry, a record and a scheduled task come to a
    // few hundred bytes each), the conversation ids included.
    assertThat(bytes / (double) CONVERSATIONS).isLessThan(150.0 * perConversation);
    java.lang.ref.Reference.reachabilityFence(timers);
    return String.format("%s: %,d timers of %,d conversations, %.1f MiB heap, %.0f bytes a timer, %.0f a conversation%n",
        what, armed, CONVERSATIONS, bytes / 1048576.0, bytes / (double) armed, bytes / (double) CONVERSATIONS);
  }

  private static SlaPolicy policy(Integer resolutionMinutes, int warn, List<Escalation> steps) {
    return new SlaPolicy("p", "P", 1, new Match(List.of(), List.of()), 60, null, resolutionMinutes, null, warn,
        steps, Instant.EPOCH);
  }

  /** Each conversation's timers as a writer publishes them, in batches as the event bus delivers them. */
  private static void arm(SlaTimers timers, SlaPolicy policy, Instant now) {
    AccountSla account = new AccountSla(List.of(policy), Map.of());
    JsonArray batch = new JsonArray();
    for (int i = 0; i < CONVERSATIONS; i++) {
      Instant firstDue = now.plus(Duration.ofMinutes(20)).plus(Duration.ofSeconds(i % 86_400));
      SlaState state = new SlaState("open", "normal", List.of("email"), "p", null, firstDue, null,
          policy.resolutionMinutes() == null ? null : firstDue.plus(Duration.ofDays(1)), null,
          firstDue.minus(Duration.ofHours(1)), null, 0);
      Sla.entries(batch, "acc_bench", Ids.next("cv"), state, account);
      if (batch.size() >= PUBLISH_BATCH) {
        // A delivered message is a copy (the event bus copies JSON), so the wheel keeps its own strings.
        timers.arm(batch.copy());
        batch = new JsonArray();
      }
    }
    timers.arm(batch.copy());
  }

  private static long heapAfterGc() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 6; i++) {
      System.gc();
      Thread.sleep(200);
      long used = memory.getHeapMemoryUsage().getUsed();
      if (Math.abs(last - used) < 16 * 1024) {
        return used;
      }
      last = used;
    }
    return last;
  }
}
