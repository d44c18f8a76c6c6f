package io.switchboard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DeliveryLedgerTest {

  private static final int TEAM = 3;

  private static Recipient agent() {
    return new Recipient("a", TEAM, false, r -> Future.succeededFuture("t"));
  }

  private static String event(long seq, Marker marker) {
    return "{\"seq\":" + seq + ",\"type\":\"message.created\",\"at\":\"2026-11-25T21:00:00Z\",\"conversationId\":\"c1\","
        + "\"data\":{\"id\":\"m\",\"author\":{\"type\":\"contact\"},\"text\":\"" + marker.text() + " hello\"}}";
  }

  @Test
  @DisplayName("a marker survives the trip through a frame, negative clock values included")
  void markerRoundTrip() {
    Marker m = new Marker("20261125_w3", 41, -123456789L);
    Frame f = Frame.scan(event(17, m));
    assertThat(f.seq()).isEqualTo(17);
    assertThat(f.type()).isEqualTo("message.created");
    assertThat(f.marker()).isEqualTo(m);
    assertThat(m.externalId()).startsWith(Marker.externalIdPrefix("20261125_w3"));
  }

  @Test
  @DisplayName("the data part as PostgreSQL renders jsonb (spaces after colons, a nested text first) still yields the marker")
  void jsonbSpacing() {
    Marker m = new Marker("r", 7, 99);
    String frame = "{\"seq\":3,\"type\":\"message.created\",\"at\":\"x\",\"data\":{\"id\": \"m\", "
        + "\"call\": {\"text\": null}, \"text\": \"" + m.text() + " words\"}}";
    assertThat(Frame.scan(frame).marker()).isEqualTo(m);
  }

  @Test
  @DisplayName("ephemeral frames have no seq and no marker; the nested author type is not the frame type")
  void ephemeralFrames() {
    Frame ready = Frame.scan("{\"type\":\"ready\",\"seq\":9}");
    assertThat(ready.type()).isEqualTo("ready");
    assertThat(ready.seq()).isEqualTo(9);
    Frame presence = Frame.scan("{\"type\":\"presence.updated\",\"data\":{\"type\":\"x\",\"text\":\"lt:a:1:2\"}}");
    assertThat(presence.seq()).isEqualTo(-1);
    assertThat(presence.marker()).isNull();
    Frame conv = Frame.scan("{\"seq\":5,\"type\":\"conversation.updated\",\"data\":{\"text\":\"lt:a:1:2\"}}");
    assertThat(conv.marker()).isNull();
  }

  @Test
  @DisplayName("the ledger counts a lost, a duplicated and an out-of-order event, and only the recipient's team")
  void lossDuplicateOrder() {
    Window w = new Window("run1", "test");
    Recipient r = agent();
    r.watch(w);
    int mine0 = w.register(TEAM);
    int other = w.register(TEAM + 1);
    int mine1 = w.register(TEAM);
    int mine2 = w.register(TEAM);
    int unacked = w.register(TEAM);
    for (int n : new int[] {mine0, other, mine1, mine2}) {
      w.acknowledged(n);
    }
    w.failed(unacked);
    long now = System.nanoTime();
    r.onEvent(Frame.scan(event(10, new Marker("run1", mine0, now))), now);
    r.onEvent(Frame.scan(event(12, new Marker("run1", mine1, now))), now);
    r.onEvent(Frame.scan(event(12, new Marker("run1", mine1, now))), now);   // the same event again
    r.onEvent(Frame.scan(event(11, new Marker("run1", unacked, now))), now); // late and never acknowledged
    r.onEvent(Frame.scan(event(13, new Marker("old", mine2, now))), now);    // another window's message

    Recipient.Tally t = r.tally();
    assertThat(t.expected()).isEqualTo(3);          // mine0, mine1, mine2; not the other team's
    assertThat(t.lost()).isEqualTo(1);              // mine2 never came in this window
    assertThat(t.duplicates()).isEqualTo(1);
    assertThat(t.orderViolations()).isEqualTo(2);   // 12 again, then 11 after 12
    assertThat(r.notAcknowledgedButSeen()).isEqualTo(1);
    assertThat(w.deliveries.get()).isEqualTo(3);
  }

  @Test
  @DisplayName("a resume starts after the highest seq seen or announced ready")
  void resumePoint() {
    Recipient r = agent();
    assertThat(r.since()).isNull();
    r.ready(40);
    assertThat(r.since()).isEqualTo(40);
    r.onEvent(new Frame(45, "conversation.updated", null), System.nanoTime());
    r.ready(44);
    assertThat(r.since()).isEqualTo(45);
  }

  @Test
  @DisplayName("a supervisor expects every acknowledged message of every team")
  void supervisorSeesAll() {
    Window w = new Window("run2", "test");
    Recipient sup = new Recipient("s", Window.EVERYONE, true, r -> Future.succeededFuture("t"));
    sup.watch(w);
    for (int g = 0; g < 4; g++) {
      w.acknowledged(w.register(g));
    }
    assertThat(sup.tally().expected()).isEqualTo(4);
    assertThat(sup.tally().lost()).isEqualTo(4);
  }
}
