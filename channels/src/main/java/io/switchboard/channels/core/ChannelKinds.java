package io.switchboard.channels.core;

import io.switchboard.channels.chat.ChatKind;
import io.switchboard.channels.email.EmailKind;
import io.vertx.core.Vertx;
import java.util.List;

/** The kinds of channel this module has adapters for. A new kind adds its line here. */
public final class ChannelKinds {

  private ChannelKinds() {
  }

  public static List<ChannelKind> all(Vertx vertx, HostSettings host) {
    return List.of(new EmailKind(vertx, host), new ChatKind());
  }
}
