package io.switchboard.channels.core;

import io.vertx.core.Vertx;

/**
 * What an adapter gets: its channel (settings decrypted), the adapter API with its key, the routes
 * where its provider reaches it (/channels/{channelId}/...), and the process's settings.
 */
public record AdapterContext(Vertx vertx, ChannelInfo channel, AdapterApi api, ProviderRoutes routes,
    HostSettings host) {
}
