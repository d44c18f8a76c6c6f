package io.switchboard.channels.phone;

import io.switchboard.channels.core.AdapterContext;
import io.switchboard.channels.core.ChannelAdapter;
import io.switchboard.channels.core.ChannelKind;
import io.switchboard.channels.core.HostSettings;
import io.switchboard.channels.core.ProviderMedia;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** Phone channels: Twilio Voice status callbacks and generic CTI events become call messages. */
public final class PhoneKind implements ChannelKind {

  /** Where Twilio serves recordings (api.twilio.com, and its regional and media hosts below twilio.com). */
  static final List<String> TWILIO_HOSTS = List.of("api.twilio.com", ".twilio.com");

  private final Vertx vertx;
  private final HostSettings host;
  private final ProviderMedia twilioMedia;

  public PhoneKind(Vertx vertx, HostSettings host) {
    this.vertx = vertx;
    this.host = host;
    this.twilioMedia = new ProviderMedia(vertx, host, TWILIO_HOSTS);
  }

  @Override
  public String kind() {
    return "phone";
  }

  @Override
  public ChannelAdapter create(AdapterContext context) {
    PhoneSettings settings = PhoneSettings.from(context.channel().settings());
    // A CTI system's recordings live on the shop's own PBX: only the hosts its admin listed.
    ProviderMedia ctiMedia = new ProviderMedia(vertx, host, settings.recordingHosts());
    return new PhoneAdapter(context, settings, twilioMedia, ctiMedia);
  }

  @Override
  public Future<Void> close() {
    return twilioMedia.close();
  }
}
