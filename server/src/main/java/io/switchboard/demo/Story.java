package io.switchboard.demo;

import io.switchboard.demo.Customers.Customer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One customer's after-sales case as the adapters would report it: an order from the store, then
 * messages over one or more channels, posted one step at a time by the simulator.
 */
final class Story {

  /** What the simulator sends next: a customer message through a channel, or an order upsert. */
  sealed interface Step {
    String kind();
  }

  /** POST /api/v1/inbound with the key of the channel of this kind. */
  record Inbound(String kind, JsonObject body) implements Step {
  }

  /** PUT /api/v1/commerce/orders/{externalId} with the store channel's key. */
  record Order(String externalId, JsonObject body) implements Step {
    @Override
    public String kind() {
      return "store";
    }
  }

  /**
   * The paths a case takes. The first two make one customer write on two channels with the same
   * verified identity (a signed chat after an email; WhatsApp after a call), so the server joins
   * both into one conversation.
   */
  enum Shape { EMAIL_THEN_CHAT, CALL_THEN_WHATSAPP, EMAIL_THREAD, SOCIAL_THREAD, MISSED_CALL_THEN_CALLBACK,
    ANONYMOUS_CHAT }

  private static final String[][] PRODUCTS = {
      {"KRP-EA8108", "Krups espresso machine EA8108", "1299.00"},
      {"NIK-AIR90-42", "Nike Air Max 90 sneakers, size 42", "599.99"},
      {"SNY-WH1000XM5", "Sony WH-1000XM5 headphones", "1449.00"},
      {"4F-KUDP-M", "4F winter down jacket, M", "449.90"},
      {"PHL-HR3760", "Philips HR3760 blender", "379.00"},
      {"DTR-FUTURA28", "Deuter Futura 28 backpack", "529.00"},
      {"LEGO-42154", "LEGO Technic Ford GT 42154", "1799.00"},
      {"XIA-RN13", "Xiaomi Redmi Note 13 phone", "899.00"},
      {"BOS-PSR18", "Bosch PSR 18 LI-2 drill", "489.00"},
      {"TEF-ILIXIA", "Tefal Ingenio frying pan set", "259.90"}};
  private static final String[][] CARRIERS = {
      {"InPost", "https://inpost.pl/sledzenie-przesylek?number="},
      {"DPD", "https://tracktrace.dpd.com.pl/parcelDetails?p1="},
      {"Poczta Polska", "https://emonitoring.poczta-polska.pl/?numer="},
      {"DHL", "https://www.dhl.com/pl-pl/home/tracking.html?tracking-id="}};

  private final List<Step> steps;
  private int next;

  private Story(List<Step> steps) {
    this.steps = steps;
  }

  boolean done() {
    return next >= steps.size();
  }

  Step next() {
    return steps.get(next++);
  }

  List<Step> steps() {
    return steps;
  }

  /**
   * Plans a case. chatSecret signs the chat identity (as the shop's widget would for a signed-in
   * customer); without it the chat message carries an unverified email.
   */
  static Story plan(Customer c, Shape shape, Topic topic, String chatSecret, Random random) {
    String[] product = PRODUCTS[random.nextInt(PRODUCTS.length)];
    String[] carrier = CARRIERS[random.nextInt(CARRIERS.length)];
    String order = "DS-" + (100000 + random.nextInt(900000));
    // InPost numbers have 24 digits, the other carriers' 13
    String tracking = carrier[0].equals("InPost")
        ? String.format("6%023d", Math.floorMod(random.nextLong(), 1_000_000_000_000L))
        : String.format("%013d", Math.floorMod(random.nextLong(), 10_000_000_000_000L));
    Instant placed = Instant.now().minus(3 + random.nextInt(12), ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    Map<String, String> values = Map.of("order", order, "product", product[1], "total", product[2].replace('.', ','),
        "carrier", carrier[0], "tracking", tracking, "name", c.name(), "first", c.firstName(),
        "placed", LocalDate.ofInstant(placed, ZoneId.of("Europe/Warsaw")).toString());
    Messages m = new Messages(c, topic, values, random, chatSecret);

    List<Step> steps = new ArrayList<>();
    steps.add(new Order(order, new JsonObject()
        .put("customer", new JsonObject().put("email", c.email()).put("phone", c.phone()).put("name", c.name()))
        .put("status", topic.orderStatus)
        .put("placedAt", placed.toString())
        .put("total", product[2])
        .put("currency", "PLN")
        .put("items", new JsonArray().add(new JsonObject()
            .put("sku", product[0]).put("name", product[1]).put("qty", 1)))
        .put("shipments", new JsonArray().add(new JsonObject()
            .put("carrier", carrier[0])
            .put("trackingNumber", tracking)
            .put("trackingUrl", carrier[1] + tracking)
            .put("status", "shipped".equals(topic.orderStatus) ? "in_transit" : "delivered")
            .put("updatedAt", placed.plus(1, ChronoUnit.DAYS).toString())))));
    switch (shape) {
      case EMAIL_THEN_CHAT -> {
        String thread = m.messageId();
        steps.add(m.email(thread, thread, topic.email));
        steps.add(m.chat("chat-" + Long.toHexString(random.nextLong()), topic.chat, true));
      }
      case CALL_THEN_WHATSAPP -> {
        steps.add(m.call("answered", 120 + random.nextInt(400), topic.callTranscript));
        steps.add(m.social("whatsapp", c.phone().replaceAll("[^0-9]", ""), topic.social));
      }
      case EMAIL_THREAD -> {
        String thread = m.messageId();
        steps.add(m.email(thread, thread, topic.email));
        steps.add(m.email(m.messageId(), thread, topic.followUp));
      }
      case SOCIAL_THREAD -> {
        steps.add(m.social(c.platform(), c.handle(), topic.social));
        steps.add(m.social(c.platform(), c.handle(), topic.followUp));
      }
      case MISSED_CALL_THEN_CALLBACK -> {
        steps.add(m.call("missed", 0, null));
        steps.add(m.call("voicemail", 25 + random.nextInt(30), "Voicemail: Dzień dobry, this is " + c.name()
            + ", calling about order " + order + ". Please call me back at " + c.nationalPhone() + ". Dziękuję."));
        steps.add(m.call("answered", 90 + random.nextInt(300), topic.callTranscript));
      }
      case ANONYMOUS_CHAT -> {
        String session = "chat-" + Long.toHexString(random.nextLong());
        steps.add(m.chat(session, topic.chat, false));
        steps.add(m.chat(session, topic.followUp, false));
      }
    }
    return new Story(steps);
  }

  /** Builds inbound bodies the way each kind of adapter fills them. */
  private record Messages(Customer c, Topic topic, Map<String, String> values, Random random, String chatSecret) {

    String messageId() {
      return "<" + Long.toHexString(random.nextLong()) + "." + Integer.toHexString(random.nextInt()) + "@mail."
          + c.email().substring(c.email().indexOf('@') + 1) + ">";
    }

    Inbound email(String messageId, String thread, String template) {
      boolean reply = !messageId.equals(thread);
      return new Inbound("email", base(messageId)
          .put("from", new JsonObject().put("name", c.name()).put("email", c.email()))
          .put("threadKey", thread)
          .put("subject", (reply ? "Re: " : "") + Topic.fill(topic.subject, values))
          .put("text", Topic.fill(template, values)));
    }

    Inbound chat(String session, String template, boolean signedIn) {
      JsonObject from = new JsonObject().put("name", c.name()).put("email", c.email());
      if (signedIn && chatSecret != null) {
        from.put("signature", io.switchboard.channels.chat.VisitorSignature.sign(chatSecret, c.email()));
      }
      return new Inbound("chat", base("msg-" + Long.toHexString(random.nextLong()))
          .put("from", from)
          .put("threadKey", session)
          .put("text", Topic.fill(template, values)));
    }

    /** The phone system reports the caller id as dialled in Poland, without the country code. */
    Inbound call(String outcome, int durationSec, String transcript) {
      JsonObject call = new JsonObject().put("direction", "inbound").put("outcome", outcome)
          .put("durationSec", durationSec);
      if (transcript != null) {
        call.put("transcript", Topic.fill(transcript, values));
      }
      return new Inbound("phone", base("call-" + Long.toHexString(random.nextLong()))
          .put("from", new JsonObject().put("phone", c.nationalPhone()))
          .put("call", call));
    }

    /** WhatsApp vouches for the phone number behind a wa_id, so that identity is verified too. */
    Inbound social(String platform, String handle, String template) {
      JsonObject from = new JsonObject().put("name", c.name()).put("handle", handle).put("platform", platform);
      if ("whatsapp".equals(platform)) {
        from.put("phone", c.phone()).put("verified", new JsonArray().add("phone"));
      }
      return new Inbound("social", base(platform.substring(0, 2) + "-" + Long.toHexString(random.nextLong()))
          .put("from", from)
          .put("threadKey", platform + ":" + handle)
          .put("text", Topic.fill(template, values)));
    }

    private JsonObject base(String externalId) {
      return new JsonObject().put("externalId", externalId)
          .put("sentAt", Instant.now().minusSeconds(1 + random.nextInt(20)).truncatedTo(ChronoUnit.SECONDS).toString());
    }
  }
}
