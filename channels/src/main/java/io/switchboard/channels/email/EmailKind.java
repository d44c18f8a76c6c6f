package io.switchboard.channels.email;

import io.switchboard.channels.core.AdapterContext;
import io.switchboard.channels.core.ChannelAdapter;
import io.switchboard.channels.core.ChannelKind;
import io.switchboard.channels.core.HostSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Email channels: one SMTP listener for every channel's address, a relay and an IMAP fetch per channel. */
public final class EmailKind implements ChannelKind {

  private final Vertx vertx;
  private final SmtpListener listener;

  public EmailKind(Vertx vertx, HostSettings host) {
    this.vertx = vertx;
    this.listener = new SmtpListener(vertx, host);
  }

  @Override
  public String kind() {
    return "email";
  }

  @Override
  public ChannelAdapter create(AdapterContext context) {
    return new EmailAdapter(context, listener);
  }

  /** The listener's port (the configured one, or the one bound for port 0), or -1 before it runs. */
  public int smtpPort() {
    return listener.port();
  }

  @Override
  public Future<Void> close() {
    return listener.stop();
  }
}
