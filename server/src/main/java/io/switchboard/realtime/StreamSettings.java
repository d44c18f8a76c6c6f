package io.switchboard.realtime;

/**
 * Timings and limits of the live stream. Production uses {@link #defaults()}; tests shorten them.
 *
 * @param authTimeoutMs      the first frame (auth) must arrive within this
 * @param idleTimeoutMs      a connection with no frame at all for this long is closed (clients ping every 20 s)
 * @param safetyPollMs       each active account re-reads its log this often, in case a wake-up was lost
 * @param presenceTtlMs      a tab that sent nothing for this long no longer counts as connected
 * @param presenceSweepMs    how often expired tabs are swept (a closed laptop goes offline within a minute)
 * @param heartbeatEveryMs   at most one presence heartbeat per connection this often
 * @param dashboardEveryMs   how often a dashboard snapshot is computed per watched account
 * @param credentialCheckMs  how often connected users are re-read (revoked credentials close with 4403)
 * @param writeQueueBytes    a socket's write queue counts as full above this many unsent bytes
 * @param slowAfterMs        a socket whose queue stays full this long is a slow consumer (4408)
 * @param maxCongestedBytes  so is one that was given this much more while full (bounds memory)
 * @param maxPendingEvents   live events held for a connection still replaying before it counts as slow
 * @param retention          which events the retention job deletes
 */
record StreamSettings(long authTimeoutMs, long idleTimeoutMs, long safetyPollMs, long presenceTtlMs,
    long presenceSweepMs, long heartbeatEveryMs, long dashboardEveryMs, long credentialCheckMs,
    int writeQueueBytes, long slowAfterMs, long maxCongestedBytes, int maxPendingEvents, Retention retention) {

  /** Events older than maxAgeMs are deleted, but each account keeps at least its last keepLast. */
  record Retention(long maxAgeMs, int keepLast, long everyMs) {
  }

  StreamSettings withSlowConsumer(int writeQueueBytes, long slowAfterMs, long maxCongestedBytes) {
    return new StreamSettings(authTimeoutMs, idleTimeoutMs, safetyPollMs, presenceTtlMs, presenceSweepMs,
        heartbeatEveryMs, dashboardEveryMs, credentialCheckMs, writeQueueBytes, slowAfterMs, maxCongestedBytes,
        maxPendingEvents, retention);
  }

  StreamSettings withSafetyPoll(long ms) {
    return new StreamSettings(authTimeoutMs, idleTimeoutMs, ms, presenceTtlMs, presenceSweepMs,
        heartbeatEveryMs, dashboardEveryMs, credentialCheckMs, writeQueueBytes, slowAfterMs, maxCongestedBytes,
        maxPendingEvents, retention);
  }

  static StreamSettings defaults() {
    return new StreamSettings(10_000, 60_000, 2_000, 45_000, 10_000, 5_000, 1_000, 30_000,
        1024 * 1024, 10_000, 16L * 1024 * 1024, 20_000, new Retention(7L * 24 * 3600 * 1000, 10_000, 3600_000));
  }
}
