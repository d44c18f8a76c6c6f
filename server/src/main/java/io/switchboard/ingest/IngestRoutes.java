package io.switchboard.ingest;

import io.switchboard.http.Authenticator;
import io.switchboard.http.Caller;
import io.switchboard.http.Json;
import io.switchboard.http.Problem;
import io.switchboard.http.Responses.Reply;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import static io.switchboard.http.Responses.handle;

/** The adapters' inbound endpoints: attachment upload and customer messages. */
public final class IngestRoutes {

  public static final long MAX_ATTACHMENT = 25L * 1024 * 1024;
  private static final Pattern CONTENT_TYPE = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,126}/[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,126}$");
  /** Types a browser could execute or render as a page are always served as downloads. */
  private static final Set<String> ACTIVE = Set.of("text/html", "application/xhtml+xml", "image/svg+xml", "text/xml",
      "application/xml", "application/javascript", "text/javascript");

  private final Pool db;
  private final Authenticator auth;
  private final IngestService ingest;
  private final AttachmentStore attachments;
  /** The channel's ingest rate (http/Floods), in memory: no round trip per message. */
  private final io.vertx.core.Handler<RoutingContext> rateLimit;

  public IngestRoutes(Pool db, Authenticator auth, IngestService ingest, AttachmentStore attachments,
      io.vertx.core.Handler<RoutingContext> rateLimit) {
    this.rateLimit = rateLimit;
    this.db = db;
    this.auth = auth;
    this.ingest = ingest;
    this.attachments = attachments;
  }

  public void mount(Router api) {
    api.post("/inbound").handler(auth.channel()).handler(rateLimit).handler(handle(this::inbound));
    // Guarded before its body is read (Switchboard.router mounts auth.userOrChannel() ahead of the body handler).
    api.post("/attachments").handler(handle(this::upload));
    api.get("/attachments/:id").handler(auth.userOrChannel()).handler(this::download);
  }

  private Future<Reply> inbound(RoutingContext ctx) {
    Caller.Channel channel = Authenticator.channel(ctx);
    if ("store".equals(channel.kind())) {
      // The contract: a store channel's key posts orders, not customer messages.
      return Future.failedFuture(Problem.of(403, "Forbidden", "a store channel posts orders, not messages"));
    }
    InboundMessage msg = Json.read(ctx.body().buffer(), InboundMessage.class);
    return ingest.accept(channel, Authenticator.chatSecret(ctx), msg)
        .map(a -> a.duplicate() ? Reply.ok(a) : Reply.accepted(a));
  }

  private Future<Reply> upload(RoutingContext ctx) {
    Caller caller = Authenticator.caller(ctx);
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      return Future.failedFuture(Problem.invalid("body", "the file is empty; send its bytes as the request body"));
    }
    if (body.length() > MAX_ATTACHMENT) {
      return Future.failedFuture(Problem.tooLarge("attachments may be at most 25 MiB"));
    }
    String type = ctx.request().getHeader("Content-Type");
    String contentType = type == null ? "application/octet-stream"
        : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (!CONTENT_TYPE.matcher(contentType).matches()) {
      return Future.failedFuture(Problem.invalid("Content-Type", "is not a media type"));
    }
    String name = fileName(ctx.request().getHeader("X-Filename"));
    return attachments.save(db, caller.accountId(), name, contentType, body).map(Reply::created);
  }

  private void download(RoutingContext ctx) {
    Caller caller = Authenticator.caller(ctx);
    attachments.read(db, caller.accountId(), ctx.pathParam("id")).onSuccess(found -> {
      var visible = found.filter(c -> caller instanceof Caller.User u
          ? c.conversationId() == null || u.sees(c.teamId(), c.assigneeId())
          : channelMayRead((Caller.Channel) caller, c));
      if (visible.isEmpty()) {
        ctx.fail(Problem.notFound("attachment"));
        return;
      }
      var content = visible.get();
      String type = content.meta().contentType();
      boolean active = ACTIVE.contains(type) || type.startsWith("text/");
      ctx.response()
          .putHeader("Content-Type", active ? "application/octet-stream" : type)
          .putHeader("Content-Disposition", "attachment; filename*=UTF-8''" + encode(content.meta().name()))
          .putHeader("Content-Security-Policy", "sandbox; default-src 'none'")
          .putHeader("Cache-Control", "private, max-age=3600")
          .end(content.data());
    }).onFailure(ctx::fail);
  }

  /**
   * An adapter reads only the files of messages on its own channel that it posted or must deliver:
   * never an internal note's, another channel's, or an upload no message uses yet.
   */
  private static boolean channelMayRead(Caller.Channel channel, AttachmentStore.Content c) {
    return c.conversationId() != null && channel.channelId().equals(c.channelId()) && !"note".equals(c.direction());
  }

  /** Keeps the last path segment, drops control characters, and bounds the length. */
  static String fileName(String raw) {
    if (raw == null || raw.isBlank()) {
      return "attachment";
    }
    String name = java.net.URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    name = io.switchboard.http.BidiControls.strip(name.replaceAll("\\p{Cntrl}", "")).strip();
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      return "attachment";
    }
    return name.length() > 255 ? name.substring(0, 255) : name;
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
