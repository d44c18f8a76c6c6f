package io.switchboard.channels.core;

import io.vertx.core.Vertx;

/**
 * What an adapter gets: its channel (settings decrypted), the adapter API with its key, the routes
 * where its provider reaches it (/channels/{channelId}/...), the process's settings, and what it
 * shares with the other processes running the same adapters (jobs done by one at a time, short-lived
 * facts).
 */
public record AdapterContext(Vertx vertx, ChannelInfo channel, AdapterApi api, ProviderRoutes routes,
    HostSettings host, Exclusive exclusive, SharedMemory memory) {
}
