package io.switchboard.demo;

import io.switchboard.channels.phone.TwilioSignature;
import io.switchboard.demo.DemoClient.Answer;
import io.switchboard.demo.DemoSetup.ChannelKey;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The doors the demo's customers come in by, as real ones would: an email is real SMTP to the
 * server's SMTP listener, a call is the status callback Twilio would send (signed with the demo
 * phone channel's auth token), a social message is the webhook Meta would send (signed with the
 * demo social channel's app secret). Each answers once the core has stored the message.
 *
 * <p>A door is empty (the simulator then posts to /api/v1/inbound with the channel's key) when
 * its adapter is out of reach: adapters run standalone, or the channel was made by an older demo
 * without the provider settings these need.
 */
final class AdapterDoors {

  /** Twilio's account and the shop's number as the demo phone channel's callbacks name them. */
  static final String TWILIO_ACCOUNT = "AC0000000000000000000000000000demo";
  static final String SHOP_NUMBER = "+48221002030";
  /** The demo page and WhatsApp business number (the demo social channel's pageId and phoneNumberId). */
  static final String PAGE_ID = "100000000000001";
  static final String PHONE_NUMBER_ID = "100000000000002";
  static final String WABA_ID = "100000000000003";

  private final HttpClientAgent http;
  private final MailClient[] mail = new MailClient[1];
  private final Vertx vertx;
  private final String publicUrl;
  private final IntSupplier smtpPort;
  /** Messenger customers whose first message (a comment under the shop's post) has come. */
  private final Map<String, Boolean> commented = WidgetVisitors.lru(2_000);

  /**
   * @param publicUrl the server's public origin: Twilio signs the URL it calls, which is the public one
   * @param smtpPort  the SMTP listener's port, or -1 while it does not run
   */
  AdapterDoors(Vertx vertx, HttpClientAgent http, String publicUrl, IntSupplier smtpPort) {
    this.vertx = vertx;
    this.http = http;
    this.publicUrl = publicUrl;
    this.smtpPort = smtpPort;
  }

  /** The step through the channel's adapter, or empty when that adapter cannot be reached. */
  Optional<Future<Answer>> send(ChannelKey channel, JsonObject body) {
    JsonObject s = channel.settings();
    if (s == null) {
      return Optional.empty();
    }
    return switch (channel.kind()) {
      case "email" -> Boolean.TRUE.equals(s.getBoolean("trustAllSenders")) && smtpPort.getAsInt() > 0
          ? Optional.of(email(s.getString("address"), body)) : Optional.empty();
      case "phone" -> s.getString("authToken") == null ? Optional.empty()
          : Optional.of(twilio(channel, s.getString("authToken"), body));
      case "social" -> s.getString("appSecret") == null || s.getString("graphBaseUrl") == null ? Optional.empty()
          : Optional.of(meta(channel, s.getString("appSecret"), social(body)));
      default -> Optional.empty();
    };
  }

  /** Real SMTP into the listener; the listener says 250 only once the core committed the message. */
  private Future<Answer> email(String address, JsonObject body) {
    JsonObject from = body.getJsonObject("from");
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Message-ID", body.getString("externalId"));
    String root = body.getString("threadKey");
    if (root != null && !root.equals(body.getString("externalId"))) {
      headers.add("In-Reply-To", root).add("References", root);
    }
    MailMessage message = new MailMessage()
        .setFrom(from.getString("name") + " <" + from.getString("email") + ">")
        .setTo(address)
        .setSubject(body.getString("subject"))
        .setText(body.getString("text"))
        .setHeaders(headers);
    return mailClient().sendMail(message).map(r -> new Answer(202, new JsonObject()));
  }

  private synchronized MailClient mailClient() {
    if (mail[0] == null) {
      // One connection per mail: the demo writes every few seconds and the listener drops idle ones.
      mail[0] = MailClient.create(vertx, new MailConfig().setHostname("127.0.0.1").setPort(smtpPort.getAsInt())
          .setStarttls(StartTLSOptions.DISABLED).setLogin(LoginOption.DISABLED).setKeepAlive(false)
          .setOwnHostname("mail.customers.example"));
    }
    return mail[0];
  }

  /** Twilio's status callback of one call (a voicemail's comes to the ?outcome=voicemail URL). */
  private Future<Answer> twilio(ChannelKey channel, String authToken, JsonObject body) {
    JsonObject call = body.getJsonObject("call");
    String outcome = call.getString("outcome");
    String caller = "+48" + body.getJsonObject("from").getString("phone").replaceAll("\\D", "");
    List<Map.Entry<String, String>> params = new ArrayList<>();
    param(params, "AccountSid", TWILIO_ACCOUNT);
    param(params, "CallSid", "CA" + body.getString("externalId").replaceAll("[^0-9a-f]", ""));
    param(params, "From", caller);
    param(params, "To", SHOP_NUMBER);
    param(params, "Direction", "inbound");
    param(params, "CallStatus", "missed".equals(outcome) ? "no-answer" : "completed");
    param(params, "CallDuration", String.valueOf(call.getInteger("durationSec", 0)));
    param(params, "Timestamp", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
        .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)));
    if (call.getString("transcript") != null) {
      param(params, "TranscriptionText", call.getString("transcript"));
    }
    String path = "/channels/" + channel.id() + "/twilio/voice" + ("voicemail".equals(outcome) ? "?outcome=voicemail" : "");
    StringBuilder form = new StringBuilder();
    for (Map.Entry<String, String> p : params) {
      form.append(form.length() == 0 ? "" : "&").append(p.getKey()).append('=')
          .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
    }
    return post(path, "application/x-www-form-urlencoded", Buffer.buffer(form.toString()),
        "X-Twilio-Signature", TwilioSignature.compute(authToken, publicUrl + path, params));
  }

  private static void param(List<Map.Entry<String, String>> params, String name, String value) {
    params.add(new AbstractMap.SimpleEntry<>(name, value));
  }

  /** Meta's webhook body for one customer message on Messenger, Instagram or WhatsApp. */
  private JsonObject social(JsonObject body) {
    JsonObject from = body.getJsonObject("from");
    String platform = from.getString("platform");
    String handle = from.getString("handle");
    long now = Instant.now().toEpochMilli();
    String id = body.getString("externalId").replaceAll("[^0-9a-f]", "");
    if ("whatsapp".equals(platform)) {
      JsonObject value = new JsonObject().put("messaging_product", "whatsapp")
          .put("metadata", new JsonObject().put("display_phone_number", SHOP_NUMBER.substring(1))
              .put("phone_number_id", PHONE_NUMBER_ID))
          .put("contacts", new JsonArray().add(new JsonObject().put("wa_id", handle)
              .put("profile", new JsonObject().put("name", from.getString("name")))))
          .put("messages", new JsonArray().add(new JsonObject().put("from", handle).put("id", "wamid.HBgL" + id)
              .put("timestamp", String.valueOf(now / 1000)).put("type", "text")
              .put("text", new JsonObject().put("body", body.getString("text")))));
      return whatsapp(value);
    }
    boolean firstOnMessenger;
    synchronized (commented) {
      firstOnMessenger = "messenger".equals(platform) && commented.put(handle, true) == null;
    }
    JsonObject entry = new JsonObject().put("id", PAGE_ID).put("time", now);
    if (firstOnMessenger) {
      // The customer starts under the shop's post, in public; the follow-up comes to the inbox.
      entry.put("changes", new JsonArray().add(new JsonObject().put("field", "feed").put("value", new JsonObject()
          .put("item", "comment").put("verb", "add").put("comment_id", PAGE_ID + "_" + id)
          .put("post_id", PAGE_ID + "_700000000000001").put("created_time", now / 1000)
          .put("from", new JsonObject().put("id", handle).put("name", from.getString("name")))
          .put("message", body.getString("text")))));
    } else {
      entry.put("messaging", new JsonArray().add(new JsonObject()
          .put("sender", new JsonObject().put("id", handle)).put("recipient", new JsonObject().put("id", PAGE_ID))
          .put("timestamp", now)
          .put("message", new JsonObject().put("mid", "m_" + id).put("text", body.getString("text")))));
    }
    return new JsonObject().put("object", "instagram".equals(platform) ? "instagram" : "page")
        .put("entry", new JsonArray().add(entry));
  }

  /** The status Meta sends when the customer's phone received a WhatsApp message. */
  Future<Answer> whatsappDelivered(ChannelKey social, String wamid, String to) {
    JsonObject value = new JsonObject().put("messaging_product", "whatsapp")
        .put("metadata", new JsonObject().put("display_phone_number", SHOP_NUMBER.substring(1))
            .put("phone_number_id", PHONE_NUMBER_ID))
        .put("statuses", new JsonArray().add(new JsonObject().put("id", wamid).put("status", "delivered")
            .put("timestamp", String.valueOf(Instant.now().getEpochSecond())).put("recipient_id", to)));
    return meta(social, social.settings().getString("appSecret"), whatsapp(value));
  }

  private static JsonObject whatsapp(JsonObject value) {
    return new JsonObject().put("object", "whatsapp_business_account").put("entry", new JsonArray()
        .add(new JsonObject().put("id", WABA_ID).put("changes", new JsonArray()
            .add(new JsonObject().put("field", "messages").put("value", value)))));
  }

  private Future<Answer> meta(ChannelKey channel, String appSecret, JsonObject webhook) {
    Buffer raw = webhook.toBuffer();
    return post("/channels/" + channel.id() + "/meta", "application/json", raw, "X-Hub-Signature-256",
        DemoProviders.metaSignature(appSecret, raw.getBytes()));
  }

  private Future<Answer> post(String path, String contentType, Buffer body, String signatureHeader, String signature) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
        .putHeader("Content-Type", contentType).putHeader(signatureHeader, signature);
    return http.request(options)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode() == 204 ? 202 : resp.statusCode(),
            new JsonObject().put("raw", b.toString()))));
  }

  Future<Void> close() {
    MailClient m;
    synchronized (this) {
      m = mail[0];
    }
    return m == null ? Future.succeededFuture() : m.close();
  }
}
