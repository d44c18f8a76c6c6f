package io.switchboard.realtime;

import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Switchboard's own meters at /metrics, checked against the traffic the test sends. */
@DisplayName("/metrics counts what happened: messages by outcome, batches, open streams, events fanned out")
class OwnMetricsTest {

  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start("ownmetrics");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("five messages and a repeat, heard by two open streams")
  void metricsMatchTraffic() {
    Tenant t = server.tenant("Metered");
    Channel email = t.channel("email", null);
    try (StreamClient first = StreamClient.open(server.vertx, server.api, t.admin.token(), null);
         StreamClient second = StreamClient.open(server.vertx, server.api, t.admin.token(), null)) {
      first.ready();
      second.ready();
      assertThat(metric("switchboard_streams_open")).isEqualTo(2);
      for (int i = 0; i < 5; i++) {
        Api.expect(t.inbound(email, message("m-" + i)), 202);
      }
      Api.expect(t.inbound(email, message("m-0")), 200);
      for (StreamClient c : List.of(first, second)) {
        c.until(f -> "message.created".equals(f.getString("type"))
            && "m-4".equals(f.getJsonObject("data").getString("text")), 10);
      }

      assertThat(metric("switchboard_ingest_messages_total{outcome=\"stored\"}")).isEqualTo(5);
      assertThat(metric("switchboard_ingest_messages_total{outcome=\"duplicate\"}")).isEqualTo(1);
      double batches = metric("switchboard_ingest_batch_messages_count");
      assertThat(batches).isBetween(1.0, 6.0);
      assertThat(metric("switchboard_ingest_batch_messages_sum")).isEqualTo(6);
      assertThat(metric("switchboard_ingest_step_seconds_count{step=\"commit\"}")).isEqualTo(batches);
      // Each message is at least a conversation event and message.created; both tabs get each one.
      double events = metric("switchboard_stream_events_total");
      assertThat(events).isGreaterThanOrEqualTo(10);
      assertThat(metric("switchboard_stream_frames_total")).isEqualTo(2 * events);
      assertThat(metric("switchboard_stream_fanout_lag_seconds_count")).isPositive();
    }
  }

  @Test
  @DisplayName("an agent's reply waiting for its adapter shows in the delivery queue's depth and age")
  void outboundBacklog() {
    Tenant t = server.tenant("Backlog");
    Channel email = t.channel("email", null);
    String conversation = Api.expect(t.inbound(email, message("b-1")), 202).json().getString("conversationId");
    double before = metric("switchboard_outbound_queued");
    Api.expect(server.api.post("/api/v1/conversations/" + conversation + "/messages", t.admin.token(),
        new JsonObject().put("text", "On its way").put("clientId", "r-1")), 201);
    // Read every two seconds: wait for the next read.
    long deadline = System.currentTimeMillis() + 15_000;
    while (metric("switchboard_outbound_queued") < before + 1 && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(metric("switchboard_outbound_queued")).isEqualTo(before + 1);
    assertThat(metric("switchboard_outbound_oldest_seconds")).isGreaterThanOrEqualTo(0);
  }

  private static JsonObject message(String text) {
    return new JsonObject().put("externalId", text).put("from", new JsonObject().put("email", "ann@example.com"))
        .put("text", text);
  }

  /** The value of one sample line (name with its labels exactly as printed). */
  private static double metric(String sample) {
    String body = Api.expect(server.api.get("/metrics", null), 200).body().toString();
    Matcher m = Pattern.compile("^" + Pattern.quote(sample) + " (\\S+)$", Pattern.MULTILINE).matcher(body);
    if (!m.find()) {
      throw new AssertionError(sample + " not in /metrics");
    }
    return Double.parseDouble(m.group(1));
  }
}
