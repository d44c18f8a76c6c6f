package io.switchboard.support;

import java.util.function.Supplier;

/** Waits for a condition by polling it (never a guessed sleep), failing with a message after a timeout. */
public final class Eventually {

  private Eventually() {
  }

  public static <T> T until(String what, long timeoutMs, Supplier<T> probe) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    RuntimeException last = null;
    while (System.currentTimeMillis() < deadline) {
      try {
        T value = probe.get();
        if (value != null && !Boolean.FALSE.equals(value)) {
          return value;
        }
      } catch (RuntimeException | AssertionError e) {
        last = e instanceof RuntimeException re ? re : new RuntimeException(e);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("timed out waiting for " + what, last);
  }
}
