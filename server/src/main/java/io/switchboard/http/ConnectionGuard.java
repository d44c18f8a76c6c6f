package io.switchboard.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one client may hold of the HTTP server, checked as each connection opens (shared by every
 * HTTP verticle of the node):
 * <ul>
 * <li>at most {@code perAddress} open connections from one IP address; past that a new one is
 * closed at once;</li>
 * <li>a request head (request line and headers) must arrive whole within {@code headMs} of its
 * first byte. The idle timeout cannot stop a client that trickles a byte every few seconds; this
 * does, whatever the pace.</li>
 * </ul>
 * Vert.x 5 has no option for a head timeout, so two small Netty handlers sit around the HTTP/1
 * decoder of the connection's pipeline: one before it starts a clock when bytes arrive between
 * requests, one after it stops the clock when the decoder has produced the request head. Once a
 * connection became a WebSocket (the decoder is gone) they step aside: the stream has its own frame
 * budget and heartbeat.
 */
public final class ConnectionGuard {

  private final int perAddress;
  private final long headMs;
  private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();

  public ConnectionGuard(int perAddress, int headSeconds) {
    this.perAddress = perAddress;
    this.headMs = TimeUnit.SECONDS.toMillis(headSeconds);
  }

  /** Installed as the server's connection handler; runs on the connection's event loop. */
  public void accept(HttpConnection conn) {
    String address = conn.remoteAddress() == null ? "?" : conn.remoteAddress().hostAddress();
    AtomicInteger count = open.computeIfAbsent(address, a -> new AtomicInteger());
    int now = count.incrementAndGet();
    conn.closeHandler(v -> release(address, count));
    // Vert.x's HttpConnection.close() waits for a request to end; the channel is closed at once.
    Channel channel = conn instanceof io.vertx.core.net.impl.ConnectionBase base ? base.channel() : null;
    if (now > perAddress) {
      if (channel != null) {
        channel.close();
      } else {
        conn.close();
      }
      return;
    }
    if (channel != null) {
      timeHeads(channel);
    }
  }

  private void release(String address, AtomicInteger count) {
    // A counter dropped while another loop just took it undercounts that address a little: the cap
    // can only err towards letting a connection more through, never towards refusing one.
    if (count.decrementAndGet() <= 0) {
      open.remove(address, count);
    }
  }

  /** Open connections from one address now (for tests and metrics). */
  public int openFrom(String address) {
    AtomicInteger c = open.get(address);
    return c == null ? 0 : c.get();
  }

  private void timeHeads(Channel channel) {
    var pipeline = channel.pipeline();
    if (pipeline.get("httpDecoder") == null) {
      return; // HTTP/2: Netty's own frame limits apply
    }
    HeadClock clock = new HeadClock();
    pipeline.addBefore("httpDecoder", "sbHeadStart", clock.start);
    pipeline.addAfter("httpDecoder", "sbHeadDone", clock.done);
  }

  /** The clock of one connection; both handlers run on its event loop, so plain fields do. */
  private final class HeadClock {

    /** True from a request head's first byte until the decoder has produced it. */
    private boolean inHead;
    /** True while a request's body is being read (its bytes are not a head). */
    private boolean inBody;
    private ScheduledFuture<?> deadline;

    final ChannelInboundHandlerAdapter start = new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (ctx.pipeline().get("httpDecoder") == null) {
          stop(); // upgraded to a WebSocket: not HTTP any more
          ctx.pipeline().remove(this);
        } else if (!inHead && !inBody) {
          inHead = true;
          deadline = ctx.executor().schedule(() -> {
            if (inHead) {
              ctx.channel().close();
            }
          }, headMs, TimeUnit.MILLISECONDS);
        }
        super.channelRead(ctx, msg);
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
      }
    };

    final ChannelInboundHandlerAdapter done = new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest) {
          stop();
          inBody = true;
        }
        if (msg instanceof LastHttpContent) {
          inBody = false;
        }
        super.channelRead(ctx, msg);
      }
    };

    private void stop() {
      inHead = false;
      if (deadline != null) {
        deadline.cancel(false);
        deadline = null;
      }
    }
  }
}
