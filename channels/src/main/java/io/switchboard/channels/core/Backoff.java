package io.switchboard.channels.core;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: 0.5 s doubling to a cap, back to the start after a success. */
final class Backoff {

  private final long firstMs;
  private final long maxMs;
  private long next;

  Backoff(long firstMs, long maxMs) {
    this.firstMs = firstMs;
    this.maxMs = maxMs;
    this.next = firstMs;
  }

  long nextDelay() {
    long d = next;
    next = Math.min(maxMs, next * 2);
    return d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1);
  }

  void reset() {
    next = firstMs;
  }
}
