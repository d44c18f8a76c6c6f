package io.switchboard.realtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The live stream's meters at /metrics: open streams, durable events handed to this node's feeds,
 * frames written to sockets for them, and the fan-out lag (from handing a page to the sockets'
 * event loops until a loop writes it: how far behind the sockets' loops run).
 */
final class StreamMetrics {

  private final Counter events;
  private final Counter frames;
  private final Timer lag;

  StreamMetrics(MeterRegistry registry, Supplier<Number> openStreams) {
    Gauge.builder("switchboard.streams.open", openStreams).description("live stream connections of this node")
        .register(registry);
    this.events = Counter.builder("switchboard.stream.events").description("durable events handed to this node's feeds")
        .register(registry);
    this.frames = Counter.builder("switchboard.stream.frames").description("durable event frames given to sockets")
        .register(registry);
    this.lag = Timer.builder("switchboard.stream.fanout.lag")
        .description("from handing a page of events to the sockets' event loops until a loop writes it")
        .publishPercentiles(0.5, 0.99).register(registry);
  }

  void handed(int eventCount, int frameCount) {
    events.increment(eventCount);
    frames.increment(frameCount);
  }

  void lag(long nanos) {
    lag.record(nanos, TimeUnit.NANOSECONDS);
  }
}
