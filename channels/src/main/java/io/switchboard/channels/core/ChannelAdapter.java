package io.switchboard.channels.core;

import io.vertx.core.Future;

/**
 * The adapter of one channel. It is made by its {@link ChannelKind} with an {@link AdapterContext}
 * (the channel, its settings, the adapter API client, the provider routes under
 * /channels/{channelId}/), started once, and stopped when its channel goes away or the process
 * stops. The host runs the outbound loop: it calls {@link #deliver} for each leased message and
 * acknowledges the result, so an adapter only talks to its provider.
 */
public interface ChannelAdapter {

  /** Starts listening (provider routes, mailbox fetches). A failed start is logged and retried by nobody. */
  Future<Void> start();

  /**
   * Delivers one agent reply to the provider. The item's messageId is the idempotency key to hand
   * the provider (an item not acked in time is leased again). A failed future counts as a
   * retryable failure.
   */
  Future<Delivery> deliver(OutboundItem item);

  /** An agent is typing (ephemeral, no ack). Most providers have nothing to show. */
  default Future<Void> typing(OutboundItem item) {
    return Future.succeededFuture();
  }

  /** False for a channel that takes no replies: the host then runs no outbound loop for it. */
  default boolean delivers() {
    return true;
  }

  Future<Void> stop();
}
