package io.switchboard.channels.email;

import io.switchboard.channels.core.AdapterContext;
import io.switchboard.channels.core.Attachment;
import io.switchboard.channels.core.Delivery;
import io.switchboard.channels.core.OutboundItem;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.ext.mail.MailAttachment;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import jakarta.mail.internet.MimeUtility;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Sends agents' replies through the channel's relay (vertx-mail-client): a plain and an HTML part,
 * the attachments, and threading headers so mail clients put the reply under the customer's mail:
 * Message-ID made from the Switchboard message id (a re-sent item keeps its Message-ID, so the
 * customer's client shows it once), In-Reply-To and References from the conversation.
 */
final class EmailSender {

  private final AdapterContext ctx;
  private final EmailSettings settings;
  private final MailClient client;

  EmailSender(AdapterContext ctx, EmailSettings settings, EmailSettings.Relay relay) {
    this.ctx = ctx;
    this.settings = settings;
    this.client = relay == null ? null : MailClient.create(ctx.vertx(), config(relay, settings.domain()));
  }

  static MailConfig config(EmailSettings.Relay relay, String ownDomain) {
    return relay.mailConfig(ownDomain);
  }

  /** The Message-ID of the reply with this Switchboard message id, angle brackets included. */
  static String messageId(String switchboardMessageId, String domain) {
    return "<" + switchboardMessageId.replaceAll("[^A-Za-z0-9._-]", "") + "@" + domain + ">";
  }

  Future<Delivery> send(OutboundItem item) {
    if (client == null) {
      return Future.succeededFuture(Delivery.failed(
          "the channel has no relay and SWITCHBOARD_SMTP_RELAY is not set", true));
    }
    String to = item.to().getString("email");
    if (to == null || !to.contains("@")) {
      return Future.succeededFuture(Delivery.failed("the recipient has no email address", false));
    }
    String messageId = messageId(item.messageId(), settings.domain());
    return downloads(item.attachments()).compose(files -> {
      MailMessage m = new MailMessage()
          .setFrom(from())
          .setTo(to)
          .setSubject(item.subject() == null || item.subject().isBlank() ? "(no subject)" : item.subject())
          .setText(text(item))
          .setHtml(html(item))
          .setHeaders(headers(item, messageId));
      if (!files.isEmpty()) {
        m.setAttachment(files);
      }
      return client.sendMail(m);
    }).map(result -> Delivery.sent(messageId))
        .recover(err -> Future.succeededFuture(failure(err)));
  }

  /** A refusal (5xx: no such user, message refused) is final; anything else is tried again. */
  static Delivery failure(Throwable err) {
    if (err instanceof SMTPException smtp) {
      return Delivery.failed("relay: " + smtp.getReplyCode() + " " + smtp.getReplyMessage(), !smtp.isPermanent());
    }
    return Delivery.failed("relay: " + err.getMessage(), true);
  }

  private MultiMap headers(OutboundItem item, String messageId) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    h.set("Message-ID", messageId);
    Set<String> refs = new LinkedHashSet<>();
    for (String r : item.references()) {
      refs.addAll(MailParser.ids(r));
    }
    String inReplyTo = item.inReplyTo() == null ? null : MailParser.ids(item.inReplyTo()).stream().findFirst().orElse(null);
    if (inReplyTo != null) {
      refs.add(inReplyTo);
      h.set("In-Reply-To", inReplyTo);
    }
    refs.remove(messageId);
    if (!refs.isEmpty()) {
      // Oldest first, as RFC 5322 orders them; a long thread keeps its root and its newest ids.
      List<String> list = new ArrayList<>(refs);
      if (list.size() > 20) {
        List<String> kept = new ArrayList<>(list.subList(list.size() - 19, list.size()));
        kept.add(0, list.get(0));
        list = kept;
      }
      h.set("References", String.join(" ", list));
    }
    return h;
  }

  private String from() {
    String name = settings.fromName();
    if (name == null || name.isBlank()) {
      return settings.address();
    }
    try {
      String safe = name.replaceAll("[\\r\\n\"<>]", " ").trim();
      return MimeUtility.encodeWord(safe, "UTF-8", "Q") + " <" + settings.address() + ">";
    } catch (java.io.UnsupportedEncodingException e) {
      return settings.address();
    }
  }

  private static String text(OutboundItem item) {
    if (item.text() != null) {
      return item.text();
    }
    return item.html() == null ? "" : HtmlQuotes.text(item.html());
  }

  /** The agent's HTML (sanitized by the core), or the text as HTML: paragraphs and line breaks. */
  private static String html(OutboundItem item) {
    if (item.html() != null && !item.html().isBlank()) {
      return item.html();
    }
    String escaped = org.jsoup.nodes.Entities.escape(item.text() == null ? "" : item.text());
    return "<div>" + escaped.replace("\r\n", "\n").replace("\n", "<br>\n") + "</div>";
  }

  private Future<List<MailAttachment>> downloads(List<Attachment> attachments) {
    List<MailAttachment> out = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Attachment a : attachments) {
      chain = chain.compose(v -> ctx.api().download(a.id()).map(bytes -> {
        out.add(MailAttachment.create().setData(bytes).setName(a.name())
            .setContentType(a.contentType() == null ? "application/octet-stream" : a.contentType()));
        return null;
      }));
    }
    return chain.map(v -> out);
  }

  Future<Void> close() {
    return client == null ? Future.succeededFuture() : client.close();
  }
}
