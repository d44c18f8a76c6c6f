package io.switchboard.channels.core;

/**
 * What became of one outbound item at the provider: sent (with the provider's id, which later
 * statuses name) or failed. A retryable failure (a relay down, a 5xx, a timeout) is tried again by
 * the core with backoff; a permanent one (a refused address) is not.
 */
public record Delivery(boolean sent, String externalId, String error, boolean retryable) {

  public static Delivery sent(String externalId) {
    return new Delivery(true, externalId, null, false);
  }

  public static Delivery failed(String error, boolean retryable) {
    return new Delivery(false, null, error, retryable);
  }
}
