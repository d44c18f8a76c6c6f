package io.switchboard.ingest;

import io.switchboard.http.BidiControls;
import io.switchboard.http.Caller;
import io.switchboard.http.Check;
import io.switchboard.ingest.Identities.Identity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * The first step of ingest, before any batching: everything that makes a message unacceptable is
 * found here (all at once, as a 422), and its HTML is sanitized. A message that leaves this step
 * can only fail in the batch for reasons that depend on stored state (an unknown attachment).
 */
final class InboundValidator {

  private static final List<String> DIRECTIONS = List.of("inbound", "outbound");
  private static final List<String> OUTCOMES = List.of("answered", "missed", "voicemail");

  /** HTML larger than this is sanitized on a worker thread: jsoup on a big mail would stall the event loop. */
  private static final int SANITIZE_INLINE_LIMIT = 16 * 1024;

  private final Vertx vertx;

  InboundValidator(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * @param chatSecret the chat channel's secret (from the channel-key cache, with the channel), or
   *                   null: no database read is needed here
   */
  Future<ValidInbound> validate(Caller.Channel channel, String chatSecret, InboundMessage raw) {
    try {
      InboundMessage msg = labelsCleaned(raw);
      List<Identity> ids = check(channel, msg, chatSecret);
      return sanitize(msg).map(body -> new ValidInbound(channel, msg, ids, body.html(), body.text(),
          attachmentIds(msg), channel.reopenWindowDays()));
    } catch (RuntimeException invalid) {
      return Future.failedFuture(invalid);
    }
  }

  private record Body(String html, String text) {
  }

  /** The sender's name and the subject are shown as labels: no reordering controls in them. */
  private static InboundMessage labelsCleaned(InboundMessage m) {
    InboundMessage.From f = m.from();
    InboundMessage.From from = f == null ? null : new InboundMessage.From(BidiControls.strip(f.name()), f.email(),
        f.phone(), f.handle(), f.platform(), f.verified(), f.signature(), f.unverified());
    return new InboundMessage(m.externalId(), from, m.threadKey(), BidiControls.strip(m.subject()), m.text(), m.html(),
        m.sentAt(), m.attachments(), m.call(), m.autoSubmitted(), m.isPublic());
  }

  private Future<Body> sanitize(InboundMessage msg) {
    if (msg.html() == null) {
      return Future.succeededFuture(new Body(null, msg.text()));
    }
    if (msg.html().length() <= SANITIZE_INLINE_LIMIT) {
      return Future.succeededFuture(clean(msg));
    }
    return vertx.executeBlocking(() -> clean(msg), false);
  }

  private static Body clean(InboundMessage msg) {
    String html = HtmlSanitizer.clean(msg.html());
    return new Body(html, msg.text() != null ? msg.text() : HtmlSanitizer.text(html));
  }

  private static List<String> attachmentIds(InboundMessage msg) {
    List<String> ids = new ArrayList<>();
    msg.attachmentIds().forEach(a -> ids.add(a.id()));
    if (msg.call() != null && msg.call().recordingAttachmentId() != null) {
      ids.add(msg.call().recordingAttachmentId());
    }
    return ids.stream().distinct().toList();
  }

  /** Everything that makes a message unacceptable, reported at once; returns the identities. */
  private static List<Identity> check(Caller.Channel channel, InboundMessage msg, String chatSecret) {
    Check check = new Check()
        .required("externalId", msg.externalId()).maxLength("externalId", msg.externalId(), 512)
        .required("from", msg.from())
        .maxLength("subject", msg.subject(), 998)
        .maxLength("threadKey", msg.threadKey(), 998)
        .maxLength("from.name", msg.from() == null ? null : msg.from().name(), 200)
        .that(msg.attachmentIds().stream().allMatch(a -> a != null && a.id() != null && !a.id().isBlank()),
            "attachments", "each attachment needs an id from POST /api/v1/attachments");
    boolean hasBody = notBlank(msg.text()) || notBlank(msg.html()) || !msg.attachmentIds().isEmpty()
        || msg.call() != null;
    check.that(hasBody, "text", "needs at least one of text, html, attachments, call");
    if (msg.call() != null) {
      var c = msg.call();
      check.required("call.direction", c.direction()).oneOf("call.direction", c.direction(), DIRECTIONS)
          .required("call.outcome", c.outcome()).oneOf("call.outcome", c.outcome(), OUTCOMES)
          .that(c.durationSec() == null || c.durationSec() >= 0, "call.durationSec", "must not be negative")
          .maxLength("call.callId", c.callId(), 200)
          .maxLength("call.agentEmail", c.agentEmail(), 320)
          .maxLength("call.transcript", c.transcript(), 100_000);
    }
    List<Identity> ids = msg.from() == null ? List.of() : Identities.of(channel, msg.from(), chatSecret, check);
    check.done();
    return ids;
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
