package io.switchboard.loadtest;

import io.vertx.core.http.WebSocketClientOptions;

/**
 * Whether the tool's stream clients ask for WebSocket permessage-deflate (RFC 7692), as browsers
 * do, and how. The server decides whether to accept; {@link StreamClient} notes what it agreed to.
 *
 * @param on        offer permessage-deflate in the handshake
 * @param level     the client's own deflate level (1–9) for what it sends (auth, pings)
 * @param noContext also ask the server not to keep its compression context between messages
 *                  ({@code server_no_context_takeover}): less memory per connection, worse ratio
 */
record WsDeflate(boolean on, int level, boolean noContext) {

  static final WsDeflate OFF = new WsDeflate(false, WebSocketClientOptions.DEFAULT_COMPRESSION_LEVEL, false);
  static final WsDeflate ON = new WsDeflate(true, WebSocketClientOptions.DEFAULT_COMPRESSION_LEVEL, false);

  WsDeflate {
    if (level < 1 || level > 9) {
      throw new IllegalArgumentException("--ws-deflate-level takes 1 to 9");
    }
  }

  WsDeflate withOn(boolean value) {
    return new WsDeflate(value, level, noContext);
  }

  /** The same options with this client side of the deflate negotiation. */
  WebSocketClientOptions applyTo(WebSocketClientOptions options) {
    return options.setTryUsePerMessageCompression(on).setTryUsePerFrameCompression(false)
        .setCompressionLevel(level).setCompressionRequestServerNoContext(on && noContext)
        .setCompressionAllowClientNoContext(on && noContext);
  }

  /** "off", "on (level 6)", "on (level 6, no context takeover)". */
  String label() {
    return !on ? "off" : "on (level " + level + (noContext ? ", no context takeover" : "") + ")";
  }
}
