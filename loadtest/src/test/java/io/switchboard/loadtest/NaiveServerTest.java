package io.switchboard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NaiveServerTest {

  @Test
  @DisplayName("a team's channel key and tickets name an account; naive:all is every account")
  void keys() {
    assertThat(NaiveServer.key(3)).isEqualTo("naive:3");
    assertThat(NaiveServer.accountOf("Bearer " + NaiveServer.key(3))).isEqualTo("a3");
    assertThat(NaiveServer.accountOf("Bearer " + NaiveServer.key(Window.EVERYONE))).isEqualTo("*");
    assertThat(NaiveServer.accountOf("Bearer bare:3")).isNull();
    assertThat(NaiveServer.accountOf("Bearer naive:x")).isNull();
    assertThat(NaiveServer.accountOf(null)).isNull();
  }

  @Test
  @DisplayName("the sender's address is the email, else the phone, else the handle")
  void address() {
    JsonObject email = new JsonObject().put("externalId", "e1").put("text", "hi")
        .put("from", new JsonObject().put("name", "C").put("email", "c@x.example"));
    assertThat(NaiveIngest.Inbound.of("a1", email))
        .isEqualTo(new NaiveIngest.Inbound("a1", "c@x.example", "C", "e1", "hi"));
    JsonObject phone = new JsonObject().put("from", new JsonObject().put("phone", "+48 600"));
    assertThat(NaiveIngest.Inbound.of("a1", phone).address()).isEqualTo("+48 600");
    JsonObject social = new JsonObject().put("from", new JsonObject().put("handle", "h1"));
    assertThat(NaiveIngest.Inbound.of("a1", social).address()).isEqualTo("h1");
  }

  @Test
  @DisplayName("the pushed frame reads like Switchboard's: seq, type and the marker in the data's text")
  void frame() {
    Marker marker = new Marker("run1w2", 17, 123456789L);
    String frame = new NaiveIngest.Created(42, 7, 99, marker.text() + " hello").frame();
    Frame f = Frame.scan(frame);
    assertThat(f.seq()).isEqualTo(42);
    assertThat(f.type()).isEqualTo("message.created");
    assertThat(f.marker()).isEqualTo(marker);
  }
}
