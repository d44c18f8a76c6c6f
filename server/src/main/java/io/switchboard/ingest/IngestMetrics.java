package io.switchboard.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Where a batch's time goes, served at /metrics: how long messages wait for their batch, how big
 * batches are, and each step of the batch's transaction. Operators read it to tell a busy database
 * from a busy server; the load test's report quotes it.
 */
final class IngestMetrics {

  /** The steps of {@link BatchWriter}, in order. */
  enum Step {
    /** taking a pooled connection and BEGIN */
    CONNECTION,
    /** round trip 1: locks, dedupe answers, identities, attachments */
    IDENTITIES,
    /** round trip 2: contact locks, threads, latest conversations */
    CONVERSATIONS,
    /** round trip 3: every write */
    WRITES,
    /** round trip 4: the events, numbered */
    EVENTS,
    /** COMMIT, durable */
    COMMIT
  }

  private final Counter stored;
  private final Counter duplicates;
  private final Counter rejected;
  private final Timer queued;
  private final DistributionSummary batchSize;
  private final Timer[] steps = new Timer[Step.values().length];

  IngestMetrics(MeterRegistry registry) {
    this.stored = outcome(registry, "stored");
    this.duplicates = outcome(registry, "duplicate");
    this.rejected = outcome(registry, "rejected");
    this.queued = Timer.builder("switchboard.ingest.queued")
        .description("from a message's receipt until its batch starts")
        .publishPercentiles(0.5, 0.99).register(registry);
    this.batchSize = DistributionSummary.builder("switchboard.ingest.batch.messages")
        .description("messages written by one transaction")
        .publishPercentiles(0.5, 0.99).register(registry);
    for (Step step : Step.values()) {
      steps[step.ordinal()] = Timer.builder("switchboard.ingest.step")
          .description("one step of a batch's transaction")
          .tag("step", step.name().toLowerCase())
          .publishPercentiles(0.5, 0.99).register(registry);
    }
  }

  private static Counter outcome(MeterRegistry registry, String outcome) {
    return Counter.builder("switchboard.ingest.messages").description("inbound messages answered, by outcome")
        .tag("outcome", outcome).register(registry);
  }

  void stored() {
    stored.increment();
  }

  void duplicate() {
    duplicates.increment();
  }

  void rejected() {
    rejected.increment();
  }

  void queued(long nanos) {
    queued.record(nanos, TimeUnit.NANOSECONDS);
  }

  void batch(int messages) {
    batchSize.record(messages);
  }

  /** Records the step that ended now and returns now, the start of the next one. */
  long step(Step step, long startedNanos) {
    long now = System.nanoTime();
    steps[step.ordinal()].record(now - startedNanos, TimeUnit.NANOSECONDS);
    return now;
  }
}
