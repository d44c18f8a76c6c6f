package io.switchboard.channels.social;

import io.switchboard.channels.core.AdapterContext;
import io.switchboard.channels.core.AdapterHost;
import io.switchboard.channels.core.ApiException;
import io.switchboard.channels.core.ChannelAdapter;
import io.switchboard.channels.core.Delivery;
import io.switchboard.channels.core.Inbound;
import io.switchboard.channels.core.OutboundItem;
import io.switchboard.channels.core.ProviderMedia;
import io.switchboard.channels.core.Signatures;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter of one social channel. Meta's webhook (GET /meta for the subscription handshake,
 * POST /meta for deliveries) is checked with X-Hub-Signature-256 over the raw body before anything
 * is parsed; messages, postbacks and comments become inbound messages (their files fetched from
 * Meta's hosts only and uploaded), WhatsApp statuses become outbound statuses. Replies go out
 * through the Graph API.
 */
final class SocialAdapter implements ChannelAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(SocialAdapter.class);
  /** Files of one message fetched at most (Messenger allows a handful per message). */
  static final int MAX_MEDIA = 10;

  private final AdapterContext ctx;
  private final SocialSettings settings;
  private final ProviderMedia media;
  private final WebClient graph;
  private final GraphSender sender;

  SocialAdapter(AdapterContext ctx, SocialSettings settings, ProviderMedia media, WebClient graph) {
    this.ctx = ctx;
    this.settings = settings;
    this.media = media;
    this.graph = graph;
    this.sender = new GraphSender(graph, ctx.api(), settings);
  }

  @Override
  public Future<Void> start() {
    ctx.routes().get("/meta", this::handshake);
    ctx.routes().post("/meta", this::webhook);
    return Future.succeededFuture();
  }

  @Override
  public Future<Delivery> deliver(OutboundItem item) {
    return sender.send(item);
  }

  @Override
  public Future<Void> typing(OutboundItem item) {
    return sender.typing(item);
  }

  @Override
  public Future<Void> stop() {
    return Future.succeededFuture();
  }

  /** Meta's subscription check: the challenge back when the verify token is the channel's. */
  private void handshake(RoutingContext rc) {
    String mode = rc.queryParams().get("hub.mode");
    String token = rc.queryParams().get("hub.verify_token");
    String challenge = rc.queryParams().get("hub.challenge");
    if (!"subscribe".equals(mode) || settings.verifyToken() == null || !Signatures.equal(settings.verifyToken(), token)) {
      AdapterHost.problem(rc, 403, "Forbidden", "hub.verify_token does not match the channel's verifyToken");
      return;
    }
    // Meta's challenges are short tokens; anything else is not echoed (no reflected content).
    if (challenge == null || !challenge.matches("[A-Za-z0-9_.\\-]{1,256}")) {
      AdapterHost.problem(rc, 400, "Bad Request", "hub.challenge is missing or not a token");
      return;
    }
    rc.response().putHeader("Content-Type", "text/plain; charset=utf-8").putHeader("X-Content-Type-Options", "nosniff")
        .end(challenge);
  }

  private void webhook(RoutingContext rc) {
    Buffer raw = rc.body().buffer();
    byte[] bytes = raw == null ? new byte[0] : raw.getBytes();
    if (!Signatures.validSha256Header(settings.appSecret(), bytes, rc.request().getHeader("X-Hub-Signature-256"))) {
      AdapterHost.problem(rc, 403, "Forbidden", "X-Hub-Signature-256 is missing or does not match");
      return;
    }
    List<MetaEvent> events;
    try {
      events = MetaWebhook.parse(new JsonObject(raw));
    } catch (DecodeException | ClassCastException e) {
      AdapterHost.problem(rc, 400, "Bad Request", "the body is not a JSON object");
      return;
    }
    // One after another: a batch is small, and the core's order of receipt is the customer's order.
    Future<Void> chain = Future.succeededFuture();
    for (MetaEvent event : events) {
      chain = chain.compose(v -> handle(event));
    }
    chain.onSuccess(v -> rc.response().setStatusCode(200).putHeader("Content-Type", "text/plain").end("EVENT_RECEIVED"))
        .onFailure(err -> {
          // Meta delivers the whole batch again; what was stored is absorbed by its message ids.
          LOG.warn("social channel {}: webhook not stored yet: {}", ctx.channel().id(), err.getMessage());
          rc.response().putHeader("Retry-After", "5");
          AdapterHost.problem(rc, 503, "Service Unavailable", "the webhook could not be stored yet; try again");
        });
  }

  /** Fails only when the core is unreachable (worth Meta's retry); refusals are logged and skipped. */
  private Future<Void> handle(MetaEvent event) {
    Future<Void> done = event instanceof MetaEvent.Message m
        ? files(m).compose(ids -> ctx.api().inbound(inbound(m, ids))).mapEmpty()
        : ctx.api().status(((MetaEvent.Status) event).externalId(), ((MetaEvent.Status) event).status(),
            ((MetaEvent.Status) event).error());
    return done.recover(err -> {
      if (err instanceof ApiException api && !api.transientFailure()) {
        // 404: a status of a message Switchboard did not send; 422: a message the core cannot take.
        LOG.info("social channel {}: event skipped: {}", ctx.channel().id(), err.getMessage());
        return Future.succeededFuture();
      }
      return Future.failedFuture(err);
    });
  }

  private Inbound inbound(MetaEvent.Message m, List<String> attachmentIds) {
    String text = m.text();
    int missing = Math.min(m.media().size(), MAX_MEDIA) - attachmentIds.size();
    if (missing > 0) {
      // The agent should know the customer sent something the console cannot show.
      String note = "[" + missing + " attachment" + (missing > 1 ? "s" : "") + " could not be fetched]";
      text = text == null ? note : text + "\n" + note;
    }
    List<String> verified = m.phone() != null ? List.of("phone") : List.of();
    Inbound.From from = new Inbound.From(m.name(), null, m.phone(), m.handle(), m.platform(), verified, List.of(), null);
    return new Inbound(m.externalId(), from, m.threadKey(), null, text, null, m.sentAt(), attachmentIds, null, false,
        m.isPublic());
  }

  /** Fetches and uploads the message's files; one that cannot be fetched is left out (and noted in the text). */
  private Future<List<String>> files(MetaEvent.Message m) {
    List<String> ids = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (MetaEvent.Media f : m.media().subList(0, Math.min(m.media().size(), MAX_MEDIA))) {
      chain = chain.compose(v -> fetch(f)
          .compose(got -> ctx.api().upload(got.bytes(), contentType(f, got), filename(f, got)))
          .map(a -> {
            ids.add(a.id());
            return (Void) null;
          })
          .recover(err -> {
            if (err instanceof ApiException api && api.transientFailure()) {
              return Future.failedFuture(err);
            }
            LOG.warn("social channel {}: a file of {} not fetched: {}", ctx.channel().id(), m.externalId(),
                err.getMessage());
            return Future.succeededFuture();
          }));
    }
    return chain.map(v -> ids);
  }

  private Future<ProviderMedia.Media> fetch(MetaEvent.Media f) {
    if (f.url() != null) {
      return media.fetch(f.url(), Map.of());
    }
    if (f.mediaId() == null || !f.mediaId().matches("[A-Za-z0-9_.\\-]{1,200}") || settings.accessToken() == null) {
      return Future.failedFuture(new ProviderMedia.Refused("no fetchable media id"));
    }
    // WhatsApp: the media id's URL comes from the Graph API, and the download needs the token too.
    Map<String, String> auth = Map.of("Authorization", "Bearer " + settings.accessToken());
    return graph.getAbs(settings.graphBaseUrl() + "/" + f.mediaId()).putHeader("Authorization", auth.get("Authorization"))
        .timeout(GraphSender.TIMEOUT_MS).send()
        .compose(r -> {
          JsonObject body = r.statusCode() == 200 ? safeJson(r.bodyAsString()) : null;
          String url = body == null ? null : body.getString("url");
          return url == null ? Future.failedFuture(new IllegalStateException("Graph gave no URL for media " + f.mediaId()))
              : media.fetch(url, auth);
        });
  }

  private static JsonObject safeJson(String s) {
    try {
      return s == null ? null : new JsonObject(s);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String contentType(MetaEvent.Media f, ProviderMedia.Media got) {
    String t = got.contentType() != null ? got.contentType() : f.mimeType();
    return t == null ? "application/octet-stream" : t;
  }

  private static String filename(MetaEvent.Media f, ProviderMedia.Media got) {
    if (f.filename() != null) {
      return f.filename();
    }
    return f.type() + (got.filename() != null && got.filename().contains(".")
        ? got.filename().substring(got.filename().lastIndexOf('.')) : "");
  }
}
