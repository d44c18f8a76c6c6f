package io.switchboard.channels.social;

import io.switchboard.channels.core.AdapterContext;
import io.switchboard.channels.core.ChannelAdapter;
import io.switchboard.channels.core.ChannelKind;
import io.switchboard.channels.core.HostSettings;
import io.switchboard.channels.core.ProviderMedia;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;

/** Social channels (Messenger, Instagram, WhatsApp) through Meta's webhooks and Graph API. */
public final class SocialKind implements ChannelKind {

  /** Where Meta serves what customers send: its CDNs and the lookaside host WhatsApp media comes from. */
  static final List<String> META_HOSTS = List.of(".fbcdn.net", ".fbsbx.com", ".facebook.com", ".cdninstagram.com",
      ".whatsapp.net");

  private final ProviderMedia media;
  private final WebClient graph;

  public SocialKind(Vertx vertx, HostSettings host) {
    this.media = new ProviderMedia(vertx, host, META_HOSTS);
    this.graph = WebClient.create(vertx, new WebClientOptions().setUserAgent("switchboard-adapter")
        .setConnectTimeout(10_000).setFollowRedirects(false));
  }

  @Override
  public String kind() {
    return "social";
  }

  @Override
  public ChannelAdapter create(AdapterContext context) {
    return new SocialAdapter(context, SocialSettings.from(context.channel().settings()), media, graph);
  }

  @Override
  public Future<Void> close() {
    graph.close();
    return media.close();
  }
}
