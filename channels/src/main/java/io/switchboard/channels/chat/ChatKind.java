package io.switchboard.channels.chat;

import io.switchboard.channels.core.AdapterContext;
import io.switchboard.channels.core.ChannelAdapter;
import io.switchboard.channels.core.ChannelKind;

/** Website live chat: each channel serves its widget and the visitors' sockets under /channels/{id}/. */
public final class ChatKind implements ChannelKind {

  /** Whether an allowedOrigins entry is an http(s) origin the widget's Origin check can match. */
  public static boolean isOrigin(String raw) {
    return raw != null && ChatSettings.origin(raw) != null;
  }

  @Override
  public String kind() {
    return "chat";
  }

  @Override
  public ChannelAdapter create(AdapterContext context) {
    return new ChatAdapter(context);
  }
}
