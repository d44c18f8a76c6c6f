package io.switchboard.channels.chat;

import io.switchboard.channels.core.WindowLimiter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Chat: identity signatures, the Origin check, sessions and limits")
class ChatRulesTest {

  static final String SECRET = "chat-secret-1";

  @Test
  @DisplayName("a signature is HMAC-SHA256(secret, email) in hex; any other is invalid")
  void signatures() {
    String sig = VisitorSignature.sign(SECRET, "ann@shop.example");
    assertThat(sig).hasSize(64).matches("[0-9a-f]{64}");
    assertThat(VisitorSignature.valid(SECRET, "ann@shop.example", sig)).isTrue();
    assertThat(VisitorSignature.valid(SECRET, " Ann@Shop.example ", sig)).as("typed with capitals").isTrue();
    assertThat(VisitorSignature.valid(SECRET, "ann@shop.example", sig.toUpperCase())).isTrue();
    assertThat(VisitorSignature.valid(SECRET, "bob@shop.example", sig)).as("another customer's email").isFalse();
    assertThat(VisitorSignature.valid("other-secret", "ann@shop.example", sig)).as("another channel").isFalse();
    assertThat(VisitorSignature.valid(SECRET, "ann@shop.example", sig.substring(0, 62))).isFalse();
    assertThat(VisitorSignature.valid(SECRET, "ann@shop.example", "not hex")).isFalse();
    assertThat(VisitorSignature.valid(null, "ann@shop.example", sig)).as("a channel without a secret").isFalse();
    assertThat(VisitorSignature.valid(SECRET, "ann@shop.example", null)).isFalse();
  }

  @Test
  @DisplayName("the signature matches openssl's HMAC-SHA256")
  void signatureMatchesOpenssl() throws Exception {
    Process p = new ProcessBuilder("openssl", "dgst", "-sha256", "-hmac", SECRET).redirectErrorStream(true).start();
    p.getOutputStream().write("ann@shop.example".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    p.waitFor();
    org.junit.jupiter.api.Assumptions.assumeTrue(p.exitValue() == 0, "openssl is not installed");
    assertThat(out).endsWith(VisitorSignature.sign(SECRET, "ann@shop.example"));
  }

  @Test
  @DisplayName("only an Origin listed in allowedOrigins opens the socket")
  void origins() {
    ChatSettings s = ChatSettings.from(new JsonObject().put("allowedOrigins",
        new JsonArray(List.of("https://Shop.example/", "http://localhost:8081", "not a url", "https://x.example/path"))));
    assertThat(s.allowedOrigins()).containsExactlyInAnyOrder("https://shop.example", "http://localhost:8081");
    assertThat(s.allows("https://shop.example")).isTrue();
    assertThat(s.allows("https://SHOP.example:443")).as("default port").isTrue();
    assertThat(s.allows("http://localhost:8081")).isTrue();
    assertThat(s.allows("http://shop.example")).as("another scheme").isFalse();
    assertThat(s.allows("https://evil.shop.example")).isFalse();
    assertThat(s.allows("https://shop.example.evil.test")).isFalse();
    assertThat(s.allows("http://localhost:8082")).as("another port").isFalse();
    assertThat(s.allows("null")).as("a sandboxed frame").isFalse();
    assertThat(s.allows(null)).as("no Origin header").isFalse();
    assertThat(ChatSettings.from(new JsonObject()).allows("https://shop.example")).as("none listed: none allowed").isFalse();
  }

  @Test
  @DisplayName("display settings are bounded and a color is a color")
  void displaySettings() {
    ChatSettings s = ChatSettings.from(new JsonObject().put("title", "x".repeat(500)).put("color", "red;}</style><script>")
        .put("greeting", "Hello"));
    assertThat(s.title()).hasSize(80);
    assertThat(s.color()).isEqualTo(ChatSettings.DEFAULT_COLOR);
    assertThat(ChatSettings.from(new JsonObject().put("color", "#0a8f3c")).color()).isEqualTo("#0a8f3c");
  }

  @Test
  @DisplayName("the script carries the settings as JSON that cannot end the script")
  void scriptEscapesSettings() {
    ChatSettings s = ChatSettings.from(new JsonObject().put("title", "</script><script>alert(1)</script>")
        .put("greeting", "a\u2028b"));
    String js = Widget.script("https://support.example/channels/ch_1", s);
    assertThat(js).doesNotContain("</script>").doesNotContain("/*CONFIG*/{}").doesNotContain("\u2028")
        .contains("\\u003c/script\\u003e").contains("https://support.example/channels/ch_1");
    assertThat(js).doesNotContain("innerHTML").doesNotContain("insertAdjacentHTML").doesNotContain("eval(");
    assertThat(js.length()).as("a few KB").isLessThan(20_000);
  }

  @Test
  @DisplayName("sessions are 256-bit random secrets; the handle the core sees is not the secret")
  void sessions() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String s = Visitors.newSession();
      assertThat(Visitors.wellFormed(s)).isTrue();
      assertThat(seen.add(s)).isTrue();
    }
    String s = Visitors.newSession();
    assertThat(Visitors.handle(s)).isEqualTo(Visitors.handle(s)).doesNotContain(s).hasSize(33);
    assertThat(Visitors.wellFormed("ann@shop.example")).isFalse();
    assertThat(Visitors.wellFormed("short")).isFalse();
    assertThat(Visitors.wellFormed(null)).isFalse();
  }

  @Test
  @DisplayName("open sockets are bounded per address and per channel")
  void socketLimits() {
    Visitors v = new Visitors(5, 2);
    assertThat(v.admit("10.0.0.1")).isTrue();
    assertThat(v.admit("10.0.0.1")).isTrue();
    assertThat(v.admit("10.0.0.1")).as("third from one address").isFalse();
    v.release("10.0.0.1");
    assertThat(v.admit("10.0.0.1")).as("a place freed").isTrue();
    assertThat(v.admit("10.0.0.2")).isTrue();
    assertThat(v.admit("10.0.0.3")).isTrue();
    assertThat(v.admit("10.0.0.4")).isTrue();
    assertThat(v.admit("10.0.0.5")).as("the channel is full").isFalse();
  }

  @Test
  @DisplayName("messages per visitor are limited per minute, and the limit turns with the minute")
  void messageRates() {
    WindowLimiter perVisitor = new WindowLimiter(20, 100_000);
    long t = 60_000L * 1000;
    for (int i = 0; i < 20; i++) {
      assertThat(perVisitor.allow("v1", t + i)).isTrue();
    }
    assertThat(perVisitor.allow("v1", t + 30)).isFalse();
    assertThat(perVisitor.allow("v2", t + 30)).as("another visitor").isTrue();
    assertThat(perVisitor.allow("v1", t + 60_000)).as("next minute").isTrue();
  }

  @Test
  @DisplayName("HTML-only replies reach the widget as words, never markup")
  void htmlToText() {
    assertThat(ChatAdapter.text(null, "<p>Hi <b>Ann</b><script>alert(1)</script> &amp; bye</p>"))
        .isEqualTo("Hi Ann & bye");
    assertThat(ChatAdapter.text("plain", "<p>x</p>")).isEqualTo("plain");
  }
}
