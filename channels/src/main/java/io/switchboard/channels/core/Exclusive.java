package io.switchboard.channels.core;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * Work that one process at a time may do across every process running the same adapters (a
 * mailbox kept at a provider is fetched by one node of the cluster). The server gives its adapters
 * one backed by a PostgreSQL session lock, so the work moves to another node when its holder dies;
 * a process on its own simply holds every job.
 */
public interface Exclusive {

  /** Holding a job: released when the adapter stops. */
  interface Held {
    Future<Void> release();
  }

  /**
   * Calls {@code start} once this process holds {@code job} (perhaps later, after another holder
   * died), and {@code stop} when it loses it or releases it.
   */
  Held hold(String job, Supplier<Future<Void>> start, Supplier<Future<Void>> stop);

  /** A process alone: it holds every job at once. */
  static Exclusive alone() {
    return (job, start, stop) -> {
      start.get();
      return stop::get;
    };
  }
}
