package io.switchboard.channels.email;

import io.switchboard.channels.core.Accepted;
import io.switchboard.channels.core.AdapterContext;
import io.switchboard.channels.core.ChannelAdapter;
import io.switchboard.channels.core.Delivery;
import io.switchboard.channels.core.Inbound;
import io.switchboard.channels.core.OutboundItem;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter of one email channel: mail reaches it from the shared SMTP listener (and from its
 * mailbox, when the channel has imap settings) and goes to the core as inbound messages; agents'
 * replies go out through the channel's relay.
 */
final class EmailAdapter implements ChannelAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(EmailAdapter.class);

  private final AdapterContext ctx;
  private final SmtpListener listener;
  private final EmailSettings settings;
  private final EmailSender sender;
  private ImapFetcher imap;
  private io.switchboard.channels.core.Exclusive.Held imapHeld;

  EmailAdapter(AdapterContext ctx, SmtpListener listener) {
    this.ctx = ctx;
    this.listener = listener;
    this.settings = EmailSettings.from(ctx.channel().settings());
    EmailSettings.Relay relay = settings.relay() != null ? settings.relay()
        : ctx.host().smtpRelay() != null ? EmailSettings.Relay.fromUrl(ctx.host().smtpRelay()) : null;
    this.sender = new EmailSender(ctx, settings, relay);
  }

  @Override
  public Future<Void> start() {
    return listener.register(settings.address(), this).onSuccess(v -> {
      if (settings.imap() != null) {
        // Every node listens for SMTP, but the mailbox is fetched by one node at a time: two fetchers
        // would post each mail twice (absorbed as a duplicate, yet twice the work) and race to mark it seen.
        imapHeld = ctx.exclusive().hold("imap:" + ctx.channel().id(), this::startFetching, this::stopFetching);
      }
    });
  }

  @Override
  public Future<Delivery> deliver(OutboundItem item) {
    return sender.send(item);
  }

  private synchronized Future<Void> startFetching() {
    if (imap == null) {
      imap = new ImapFetcher(ctx, settings.imap(), this);
      imap.start();
    }
    return Future.succeededFuture();
  }

  private synchronized Future<Void> stopFetching() {
    if (imap != null) {
      imap.stop();
      imap = null;
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    listener.unregister(settings.address(), this);
    Future<Void> released = imapHeld == null ? Future.succeededFuture() : imapHeld.release();
    return released.recover(err -> Future.succeededFuture()).eventually(sender::close);
  }

  /**
   * One mail, as received: parsed on a worker thread, its files uploaded, then posted; the future
   * completes once the core committed it. A mail that cannot be read fails with an
   * IllegalArgumentException (the SMTP listener refuses it for good; other failures are temporary).
   *
   * @param envelopeSender the SMTP MAIL FROM, null for the null sender of bounces
   */
  Future<Accepted> receive(byte[] raw, String envelopeSender) {
    return ctx.vertx().executeBlocking(() -> MailParser.parse(raw), false)
        .compose(mail -> uploads(mail, raw).compose(ids -> ctx.api().inbound(inbound(mail, raw, envelopeSender, ids))));
  }

  private Inbound inbound(ParsedMail mail, byte[] raw, String envelopeSender, List<String> attachmentIds) {
    String email = mail.fromEmail() != null && mail.fromEmail().contains("@") ? mail.fromEmail() : envelopeSender;
    if (email == null || !email.contains("@")) {
      throw new IllegalArgumentException("the mail names no sender address");
    }
    boolean vouched = Authenticity.verified(mail.authResults(), email, settings.trustedAuthServIds(),
        settings.trustAllSenders());
    String text = mail.text() != null ? mail.text() : mail.html() != null ? HtmlQuotes.text(mail.html()) : null;
    String trimmed = QuoteTrimmer.trim(text);
    String html = HtmlQuotes.trim(mail.html());
    if ((trimmed == null || trimmed.isBlank()) && html == null && attachmentIds.isEmpty()) {
      trimmed = mail.subject() != null ? mail.subject() : "(empty message)";
    }
    String externalId = mail.messageId() != null ? mail.messageId() : "<" + sha256(raw) + "@no-message-id.invalid>";
    String threadKey = mail.threadKey() != null ? mail.threadKey() : externalId;
    boolean auto = mail.autoSubmitted() || envelopeSender == null;
    return new Inbound(externalId, Inbound.From.email(mail.fromName(), email, vouched), threadKey,
        mail.subject(), trimmed, html, mail.sentAt(), attachmentIds, null, auto, false);
  }

  /**
   * Uploads the mail's files, one after another (bounded memory and core load). When quotes were
   * cut for the timeline, the whole mail goes along as original.eml: the full text is kept.
   */
  private Future<List<String>> uploads(ParsedMail mail, byte[] raw) {
    List<ParsedMail.Part> files = new ArrayList<>(mail.files());
    String text = mail.text() != null ? mail.text() : null;
    boolean trimmedText = text != null && !QuoteTrimmer.trim(text).equals(text.strip());
    boolean trimmedHtml = mail.html() != null && !mail.html().equals(HtmlQuotes.trim(mail.html()));
    if (trimmedText || trimmedHtml) {
      files.add(new ParsedMail.Part("original.eml", "message/rfc822", raw, null, false));
    }
    List<String> ids = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (ParsedMail.Part p : files) {
      chain = chain.compose(v -> ctx.api().upload(Buffer.buffer(p.bytes()), p.contentType(), p.filename())
          .map(a -> {
            ids.add(a.id());
            return null;
          }));
    }
    return chain.map(v -> ids);
  }

  private static String sha256(byte[] raw) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw)).substring(0, 40);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  String address() {
    return settings.address();
  }

  static Logger log() {
    return LOG;
  }
}
