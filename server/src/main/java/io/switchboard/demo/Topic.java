package io.switchboard.demo;

import java.util.Map;

/**
 * What after-sales customers of a Polish web shop write about, phrased for each channel: a formal
 * email, a short chat line, a phone call transcript, a casual social message and a follow-up.
 * Placeholders in braces are filled from the customer's order.
 */
enum Topic {

  PARCEL_LATE(
      "shipped",
      "Order {order}: parcel still not delivered",
      """
          Dzień dobry,

          I ordered the {product} on {placed} (order {order}) with delivery to a Paczkomat. The {carrier} \
          tracking ({tracking}) has said "in transit" for four days now. Could you check where the parcel is? \
          I need it before the weekend.

          Pozdrawiam,
          {name}""",
      "Hi, I wrote an email about order {order}, the parcel is still not here. Any news from {carrier}?",
      """
          Customer: Dzień dobry, I'm calling about order {order}, the courier was supposed to come yesterday.
          Agent: Let me check the tracking... {carrier} shows the parcel at the depot in Łódź.
          Customer: Can you make sure it arrives tomorrow? I only work from home on Friday.""",
      "hej! my order {order} still hasn't arrived 😕 {carrier} says in transit since Monday",
      "Any update? Still nothing in the Paczkomat and tracking hasn't changed."),

  DAMAGED_ITEM(
      "delivered",
      "Damaged {product} in order {order}",
      """
          Dzień dobry,

          the {product} from order {order} arrived today, but the box was crushed and the item is damaged \
          (the casing is cracked). I have photos of the parcel and the item. Will you send a replacement or \
          should I return it?

          Z poważaniem,
          {name}""",
      "Hello, about the damaged {product} from order {order}: can I get a replacement instead of a refund?",
      """
          Customer: The {product} came broken, the courier just left it at the door.
          Agent: I'm sorry about that. Please send us photos and we will arrange a replacement.
          Customer: OK. Do I need to keep the box for {carrier}?""",
      "The {product} I got from you is broken 😡 box completely smashed. What now?",
      "I have the photos of the damage ready. Please let me know about the replacement."),

  RETURN_REQUEST(
      "delivered",
      "Return request: order {order}",
      """
          Dzień dobry,

          I would like to return the {product} from order {order} within the 14-day period; it does not fit. \
          How do I get a return label? Can I drop the parcel off at an InPost Paczkomat?

          Dziękuję,
          {name}""",
      "Hi, how do I return the {product} (order {order})? I'd prefer a Paczkomat drop-off.",
      """
          Customer: I want to return the {product}, it's unused and still in the original packaging.
          Agent: Of course. I'll send you the return form by email.
          Customer: Great, dziękuję bardzo.""",
      "hi, can I still return the {product}? bought it 10 days ago, order {order}",
      "I sent the parcel back today, the return tracking number is {tracking}."),

  REFUND_QUESTION(
      "delivered",
      "Refund for order {order} not received",
      """
          Dzień dobry,

          I returned the {product} (order {order}) two weeks ago and your warehouse confirmed receipt, but the \
          refund of {total} zł has still not reached my account. Could you check when the money will be sent?

          Pozdrawiam serdecznie,
          {name}""",
      "Hi, still waiting for my refund of {total} zł for order {order}. Any news?",
      """
          Customer: I'm calling about my refund, {total} zł for order {order}.
          Agent: I see the return was received on Monday; refunds go out within three working days.
          Customer: It's already been a week... can you escalate it, please?""",
      "Where is my refund?? {total} zł for order {order}, returned 2 weeks ago",
      "Still no refund on my account. Please reply, this is my third message.");

  final String orderStatus;
  final String subject;
  final String email;
  final String chat;
  final String callTranscript;
  final String social;
  final String followUp;

  Topic(String orderStatus, String subject, String email, String chat, String callTranscript, String social,
      String followUp) {
    this.orderStatus = orderStatus;
    this.subject = subject;
    this.email = email;
    this.chat = chat;
    this.callTranscript = callTranscript;
    this.social = social;
    this.followUp = followUp;
  }

  /** Replaces each {key} of the template with its value. */
  static String fill(String template, Map<String, String> values) {
    String out = template;
    for (var e : values.entrySet()) {
      out = out.replace("{" + e.getKey() + "}", e.getValue());
    }
    return out;
  }
}
