package io.switchboard.config;

import io.vertx.core.VertxOptions;
import java.util.Map;

/**
 * How much of the machine a node uses and what it accepts from the network; read once with
 * {@link Config}.
 *
 * @param eventLoops    Vert.x event loops, and as many HTTP verticle instances (one per loop)
 * @param pgPoolSize    PostgreSQL connections of the node
 * @param pgWaitQueue   requests that may wait for a connection; beyond that they answer 503 at once
 * @param wsCompression offer permessage-deflate on the live stream (experimental, see README)
 * @param ingestBatch   the most inbound messages one group-commit transaction writes
 * @param ingestInFlight batches of one account written at once on this node: the next batch starts
 *                      while the previous one is still committing, and waits for it only where
 *                      they share a key (a message, an identity, a contact) and for the event
 *                      numbers; 1 writes an account's batches strictly one after another
 * @param ingestQueue   the most inbound messages of one account waiting for their batch; beyond
 *                      that they answer 503 at once
 * @param httpIdleSeconds a connection that neither sends nor receives anything this long is closed
 *                      (long polls wait at most 25 s, live streams beat every 5 s)
 * @param httpHeadSeconds a request head (request line and headers) must arrive whole within this
 *                      long of its first byte (slowloris)
 * @param connectionsPerAddress open connections one IP address may hold; past that new ones are closed
 * @param channelRate   inbound messages per second one channel may send to this node (token bucket,
 *                      burst of one second's worth); beyond that 429
 * @param publicRate    requests per second one address may make to the routes that need no
 *                      credential (burst of ten seconds' worth); beyond that 429
 * @param notFoundLimit 404 answers one user or address may get in a minute before further requests
 *                      are answered 429 (id guessing)
 * @param uploadsPerAccount uploads one account may have in flight on this node; beyond that 429
 * @param uploadsPerAddress uploads one address may have in flight on this node; beyond that 429
 * @param hashQueue     password hashes (sign-ins, password changes) waiting or running at once;
 *                      beyond that 503
 * @param safetyPollMs  each account with live streams re-reads its event log this often, in case a
 *                      wake-up from another node was lost (tests raise it to prove the wake-up works)
 */
public record Tuning(int eventLoops, int pgPoolSize, int pgWaitQueue, boolean wsCompression, int ingestBatch,
    int ingestInFlight, int ingestQueue, int httpIdleSeconds, int httpHeadSeconds, int connectionsPerAddress, int channelRate,
    int publicRate, int notFoundLimit, int uploadsPerAccount, int uploadsPerAddress, int hashQueue,
    int safetyPollMs) {

  /** Enough for bursts (a few hundred ms of work for 16 connections), small enough to fail fast. */
  public static final int DEFAULT_PG_WAIT_QUEUE = 1024;
  public static final int DEFAULT_PG_POOL_SIZE = 16;
  public static final int DEFAULT_INGEST_BATCH = 256;
  /** Two: a batch is prepared while the previous one commits (measured in docs/benchmarks). */
  public static final int DEFAULT_INGEST_IN_FLIGHT = 2;
  /** About two seconds of the measured ingest rate: a backlog beyond that is better refused. */
  public static final int DEFAULT_INGEST_QUEUE = 4096;
  public static final int DEFAULT_HTTP_IDLE_SECONDS = 60;
  public static final int DEFAULT_HTTP_HEAD_SECONDS = 10;
  /**
   * High enough for a whole office behind one NAT address and for the load tool, which opens
   * 20,000 idle tabs over four loopback addresses (5,000 each); low enough that one address cannot
   * take the whole file limit. A public deployment whose agents do not share an address can lower it.
   */
  public static final int DEFAULT_CONNECTIONS_PER_ADDRESS = 10_000;
  /** Several times the measured ingest rate of a node: a limit on a runaway adapter, not on traffic. */
  public static final int DEFAULT_CHANNEL_RATE = 2_000;
  public static final int DEFAULT_PUBLIC_RATE = 20;
  public static final int DEFAULT_NOT_FOUND_LIMIT = 120;
  public static final int DEFAULT_UPLOADS_PER_ACCOUNT = 32;
  public static final int DEFAULT_UPLOADS_PER_ADDRESS = 16;
  public static final int DEFAULT_HASH_QUEUE = 64;
  public static final int DEFAULT_SAFETY_POLL_MS = 2000;

  public Tuning {
    if (eventLoops < 1) {
      throw new IllegalStateException("SWITCHBOARD_EVENT_LOOPS must be at least 1");
    }
    if (pgPoolSize < 1) {
      throw new IllegalStateException("SWITCHBOARD_PG_POOL_SIZE must be at least 1");
    }
    if (pgWaitQueue < 0) {
      throw new IllegalStateException("SWITCHBOARD_PG_WAIT_QUEUE must be 0 or more (it is always bounded)");
    }
    if (ingestBatch < 1 || ingestBatch > 10_000) {
      throw new IllegalStateException("SWITCHBOARD_INGEST_BATCH must be between 1 and 10000");
    }
    if (ingestInFlight < 1 || ingestInFlight > 8) {
      throw new IllegalStateException("SWITCHBOARD_INGEST_IN_FLIGHT must be between 1 and 8");
    }
    if (ingestQueue < 1) {
      throw new IllegalStateException("SWITCHBOARD_INGEST_QUEUE must be at least 1 (it is always bounded)");
    }
    if (httpIdleSeconds < 1) {
      throw new IllegalStateException("SWITCHBOARD_HTTP_IDLE_SECONDS must be at least 1 (idle sockets are always closed)");
    }
    atLeastOne("SWITCHBOARD_HTTP_HEAD_SECONDS", httpHeadSeconds);
    atLeastOne("SWITCHBOARD_CONNECTIONS_PER_ADDRESS", connectionsPerAddress);
    atLeastOne("SWITCHBOARD_CHANNEL_RATE", channelRate);
    atLeastOne("SWITCHBOARD_PUBLIC_RATE", publicRate);
    atLeastOne("SWITCHBOARD_NOT_FOUND_LIMIT", notFoundLimit);
    atLeastOne("SWITCHBOARD_UPLOADS_PER_ACCOUNT", uploadsPerAccount);
    atLeastOne("SWITCHBOARD_UPLOADS_PER_ADDRESS", uploadsPerAddress);
    atLeastOne("SWITCHBOARD_HASH_QUEUE", hashQueue);
    if (safetyPollMs < 100) {
      throw new IllegalStateException("SWITCHBOARD_STREAM_SAFETY_POLL_MS must be at least 100");
    }
  }

  private static void atLeastOne(String name, int value) {
    if (value < 1) {
      throw new IllegalStateException(name + " must be at least 1 (every limit stays on)");
    }
  }

  static Tuning fromEnv(Map<String, String> env) {
    return new Tuning(
        Config.intVar(env, "SWITCHBOARD_EVENT_LOOPS", VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE),
        Config.intVar(env, "SWITCHBOARD_PG_POOL_SIZE", DEFAULT_PG_POOL_SIZE),
        Config.intVar(env, "SWITCHBOARD_PG_WAIT_QUEUE", DEFAULT_PG_WAIT_QUEUE),
        Boolean.parseBoolean(env.getOrDefault("SWITCHBOARD_WS_COMPRESSION", "false").trim()),
        Config.intVar(env, "SWITCHBOARD_INGEST_BATCH", DEFAULT_INGEST_BATCH),
        Config.intVar(env, "SWITCHBOARD_INGEST_IN_FLIGHT", DEFAULT_INGEST_IN_FLIGHT),
        Config.intVar(env, "SWITCHBOARD_INGEST_QUEUE", DEFAULT_INGEST_QUEUE),
        Config.intVar(env, "SWITCHBOARD_HTTP_IDLE_SECONDS", DEFAULT_HTTP_IDLE_SECONDS),
        Config.intVar(env, "SWITCHBOARD_HTTP_HEAD_SECONDS", DEFAULT_HTTP_HEAD_SECONDS),
        Config.intVar(env, "SWITCHBOARD_CONNECTIONS_PER_ADDRESS", DEFAULT_CONNECTIONS_PER_ADDRESS),
        Config.intVar(env, "SWITCHBOARD_CHANNEL_RATE", DEFAULT_CHANNEL_RATE),
        Config.intVar(env, "SWITCHBOARD_PUBLIC_RATE", DEFAULT_PUBLIC_RATE),
        Config.intVar(env, "SWITCHBOARD_NOT_FOUND_LIMIT", DEFAULT_NOT_FOUND_LIMIT),
        Config.intVar(env, "SWITCHBOARD_UPLOADS_PER_ACCOUNT", DEFAULT_UPLOADS_PER_ACCOUNT),
        Config.intVar(env, "SWITCHBOARD_UPLOADS_PER_ADDRESS", DEFAULT_UPLOADS_PER_ADDRESS),
        Config.intVar(env, "SWITCHBOARD_HASH_QUEUE", DEFAULT_HASH_QUEUE),
        Config.intVar(env, "SWITCHBOARD_STREAM_SAFETY_POLL_MS", DEFAULT_SAFETY_POLL_MS));
  }
}
