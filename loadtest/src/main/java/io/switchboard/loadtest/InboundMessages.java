package io.switchboard.loadtest;

import io.switchboard.loadtest.Target.ChannelRef;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Bodies of POST /api/v1/inbound as each kind of adapter sends them, with realistic sizes: a
 * one-line chat, a tweet-sized social message, a call with its transcript, an email of a couple of
 * kilobytes with an HTML part. Customers are per channel (identities of the channel's own kind),
 * so a conversation stays with the channel's team and the expected recipients are known.
 */
final class InboundMessages {

  private static final String[] WORDS = ("hello order parcel refund invoice delivery tracking please thanks "
      + "damaged size colour return exchange account password login payment card discount coupon week "
      + "yesterday today tomorrow courier address warehouse waiting still update status number").split(" ");
  private static final String[] PLATFORMS = {"messenger", "instagram", "whatsapp", "x"};

  private final SplittableRandom random;

  InboundMessages(long seed) {
    this.random = new SplittableRandom(seed);
  }

  JsonObject body(ChannelRef channel, int channelIndex, int customer, Marker marker) {
    String text = marker.text() + " " + words(switch (channel.kind()) {
      case "email" -> 250;
      case "phone" -> 12;
      case "social" -> 20;
      default -> 15;
    });
    JsonObject from = new JsonObject().put("name", "Customer " + customer);
    JsonObject body = new JsonObject().put("externalId", marker.externalId()).put("from", from)
        .put("text", text).put("sentAt", Instant.now().toString());
    switch (channel.kind()) {
      case "email" -> {
        from.put("email", email(channelIndex, customer));
        body.put("subject", "Order " + (100000 + customer) + ": " + words(4))
            .put("threadKey", "<t" + customer + "." + channelIndex + "@customers.example>")
            .put("html", "<div><p>" + text + "</p><blockquote>" + words(60) + "</blockquote></div>");
      }
      case "chat" -> {
        String email = email(channelIndex, customer);
        from.put("email", email).put("signature", sign(channel.secret(), email));
        body.put("threadKey", "session-" + customer);
      }
      case "phone" -> {
        from.put("phone", String.format("+48 6%02d %03d %03d", channelIndex % 100, customer / 1000 % 1000,
            customer % 1000));
        body.put("call", new JsonObject().put("direction", "inbound").put("outcome", "answered")
            .put("durationSec", 30 + random.nextInt(600)).put("transcript", words(100)));
      }
      default -> {
        from.put("handle", "h" + channelIndex + "_" + customer).put("platform", PLATFORMS[customer % PLATFORMS.length]);
        body.put("threadKey", "thread-" + customer);
      }
    }
    return body;
  }

  private static String email(int channelIndex, int customer) {
    return "c" + customer + ".ch" + channelIndex + "@customers.example";
  }

  private String words(int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(WORDS[random.nextInt(WORDS.length)]);
    }
    return sb.toString();
  }

  /** The chat widget's proof that the email is the signed-in customer's: HMAC-SHA256(secret, email). */
  private static String sign(String secret, String email) {
    if (secret == null) {
      return null;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(email.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

}
