package io.switchboard.channels.social;

import io.switchboard.channels.core.Signatures;
import io.switchboard.channels.phone.ProviderFixtures;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Meta webhooks: the published signature vector and the real payloads of shared/fixtures/meta")
class MetaWebhookTest {

  static List<MetaEvent> parse(String fixture) {
    return MetaWebhook.parse(ProviderFixtures.json("meta", fixture));
  }

  static MetaEvent.Message only(String fixture) {
    List<MetaEvent> events = parse(fixture);
    assertThat(events).hasSize(1);
    return (MetaEvent.Message) events.get(0);
  }

  @Test
  @DisplayName("X-Hub-Signature-256: the published vector validates, a changed body or secret does not")
  void signatureVector() {
    JsonObject v = ProviderFixtures.json("meta", "x-hub-signature-256_github-docs-vector.json");
    byte[] payload = v.getString("payload").getBytes(StandardCharsets.UTF_8);
    assertThat(Signatures.sha256Header(v.getString("secret"), payload)).isEqualTo(v.getString("x_hub_signature_256"));
    assertThat(Signatures.validSha256Header(v.getString("secret"), payload, v.getString("x_hub_signature_256"))).isTrue();
    assertThat(Signatures.validSha256Header(v.getString("secret"), "Hello, World?".getBytes(StandardCharsets.UTF_8),
        v.getString("x_hub_signature_256"))).isFalse();
    assertThat(Signatures.validSha256Header("another secret", payload, v.getString("x_hub_signature_256"))).isFalse();
    assertThat(Signatures.validSha256Header(v.getString("secret"), payload, null)).isFalse();
    assertThat(Signatures.validSha256Header(null, payload, v.getString("x_hub_signature_256"))).isFalse();
  }

  @Test
  @DisplayName("Messenger: a text message, a photo (its URL kept for the fetch), a postback as text")
  void messenger() {
    MetaEvent.Message text = only("restfb_messenger_message-basic.json");
    assertThat(text.externalId()).isEqualTo("mid.1457764197618:41d102a3e1ae206a38");
    assertThat(text.handle()).isEqualTo("987654321432");
    assertThat(text.platform()).isEqualTo("messenger");
    assertThat(text.text()).isEqualTo("hello, world!");
    assertThat(text.isPublic()).isFalse();
    assertThat(text.sentAt()).isEqualTo(java.time.Instant.ofEpochMilli(1457764197627L));

    MetaEvent.Message photo = only("restfb_messenger_message-media-attachment.json");
    assertThat(photo.externalId()).isEqualTo("mid.1458696618141:b4ef9d19ec21086067");
    assertThat(photo.text()).isNull();
    assertThat(photo.media()).singleElement().satisfies(m -> {
      assertThat(m.type()).isEqualTo("image");
      assertThat(m.url()).isEqualTo("IMAGE_URL");
    });

    MetaEvent.Message postback = only("restfb_messenger_postback-basic.json");
    assertThat(postback.text()).isEqualTo("USER_DEFINED_PAYLOAD");
    assertThat(postback.externalId()).isEqualTo("postback:987654321432:1458692752478");
  }

  @Test
  @DisplayName("Instagram: a message with an attachment on lookaside.fbsbx.com; a comment arrives public")
  void instagram() {
    MetaEvent.Message m = only("restfb_instagram_message-attachment-unsupported.json");
    assertThat(m.platform()).isEqualTo("instagram");
    assertThat(m.handle()).isEqualTo("5614879045272581");
    assertThat(m.media()).singleElement().satisfies(f -> assertThat(f.url()).startsWith("https://lookaside.fbsbx.com/"));

    MetaEvent.Message comment = only("restfb_instagram_comments-2021.json");
    assertThat(comment.isPublic()).isTrue();
    assertThat(comment.externalId()).isEqualTo("comment:123456789");
    assertThat(comment.handle()).isEqualTo("1234536447");
    assertThat(comment.name()).isEqualTo("testuser");
    assertThat(comment.text()).isEqualTo("This is an example.");
    assertThat(comment.threadKey()).isEqualTo("media:76543987");
  }

  @Test
  @DisplayName("a page feed comment is public; the page's own comment (the fixture's) is not a customer message")
  void pageComment() {
    assertThat(parse("restfb_page-feed_comment-add-211.json")).isEmpty();
    JsonObject body = ProviderFixtures.json("meta", "restfb_page-feed_comment-add-211.json");
    body.getJsonArray("entry").getJsonObject(0).getJsonArray("changes").getJsonObject(0).getJsonObject("value")
        .getJsonObject("from").put("id", "555000111").put("name", "Ann");
    List<MetaEvent> events = MetaWebhook.parse(body);
    MetaEvent.Message c = (MetaEvent.Message) events.get(0);
    assertThat(c.isPublic()).isTrue();
    assertThat(c.externalId()).isEqualTo("comment:901097836652708_903438993085259");
    assertThat(c.handle()).isEqualTo("555000111");
    assertThat(c.text()).isEqualTo("and the next one");
    assertThat(c.threadKey()).isEqualTo("post:1234567890321_901097836652708");
  }

  @Test
  @DisplayName("WhatsApp: a text message with the wa_id as handle and verified phone; statuses delivered and read, not sent")
  void whatsapp() {
    MetaEvent.Message m = only("whatsapp-api-js_v25_incoming.json");
    assertThat(m.externalId()).isEqualTo("ABGGFlA5Fpa");
    assertThat(m.platform()).isEqualTo("whatsapp");
    assertThat(m.handle()).isEqualTo("16315551181");
    assertThat(m.phone()).isEqualTo("+16315551181");
    assertThat(m.name()).isEqualTo("test user name");
    assertThat(m.text()).isEqualTo("this is a text message");

    assertThat(parse("whatsapp-api-js_v25_sent.json")).isEmpty();
    assertThat(parse("whatsapp-api-js_v25_delivered.json")).containsExactly(
        new MetaEvent.Status("ABGGFlA5Fpa", "delivered", null));
    assertThat(parse("whatsapp-api-js_v25_read.json")).containsExactly(new MetaEvent.Status("ABGGFlA5Fpa", "read", null));
  }

  @Test
  @DisplayName("reactions and echoes of our own sends are ignored")
  void ignored() {
    JsonObject reaction = new JsonObject("""
        {"object":"page","entry":[{"id":"1","time":1,"messaging":[
          {"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":5,"reaction":{"mid":"m.1","action":"react","reaction":"love"}},
          {"sender":{"id":"1"},"recipient":{"id":"2"},"timestamp":6,"message":{"mid":"m.2","text":"our reply","is_echo":true}}]}]}""");
    assertThat(MetaWebhook.parse(reaction)).isEmpty();
    JsonObject waReaction = new JsonObject("""
        {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
          "messages":[{"from":"48600100200","id":"wamid.R","timestamp":"1","type":"reaction","reaction":{"message_id":"x","emoji":"👍"}}]}}]}]}""");
    assertThat(MetaWebhook.parse(waReaction)).isEmpty();
  }

  @Test
  void splitsLongTexts() {
    String longText = "word ".repeat(900);
    List<String> parts = GraphSender.split(longText, 2000);
    assertThat(parts).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(2000));
    assertThat(String.join(" ", parts)).isEqualTo(longText.strip());
  }
}
