package io.switchboard.channels.core;

import io.vertx.core.Future;

/**
 * One kind of channel ("email", "chat", "phone", "social"): makes the adapter of each channel of
 * that kind. One instance per process, so it may hold what its channels share (the email kind's
 * one SMTP listener for every address). A new kind is a package with one of these, listed in
 * {@link ChannelKinds}.
 */
public interface ChannelKind {

  /** The channel kind it serves, as in POST /api/v1/channels. */
  String kind();

  ChannelAdapter create(AdapterContext context);

  /** Releases what the kind's channels shared; called when the process stops. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
