package io.switchboard.channels.social;

import io.switchboard.channels.core.AdapterApi;
import io.switchboard.channels.core.Attachment;
import io.switchboard.channels.core.Delivery;
import io.switchboard.channels.core.OutboundItem;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.multipart.MultipartForm;
import java.util.List;
import java.util.Set;

/**
 * Sends agents' replies through the Graph API at the channel's graphBaseUrl: Messenger's and
 * Instagram's send API (/{pageId}/messages), WhatsApp's messages API (/{phoneNumberId}/messages),
 * and public answers to comments. Graph has no idempotency key: an item leased again after a lost
 * ack may reach the customer twice, which the 60 s lease makes rare.
 */
final class GraphSender {

  /** Messenger refuses longer texts; WhatsApp's limit is 4096. */
  static final int MESSENGER_TEXT_MAX = 2000;
  static final int WHATSAPP_TEXT_MAX = 4096;
  static final long TIMEOUT_MS = 30_000;
  /** Graph error codes that mean "later": throttling, temporary outages. */
  static final Set<Integer> RETRYABLE = Set.of(1, 2, 4, 17, 32, 341, 613, 80007, 130429, 131000, 131016, 133004);
  /** WhatsApp: more than 24 hours since the customer last wrote. */
  static final int OUTSIDE_WINDOW = 131047;

  private final WebClient client;
  private final AdapterApi api;
  private final SocialSettings s;

  GraphSender(WebClient client, AdapterApi api, SocialSettings settings) {
    this.client = client;
    this.api = api;
    this.s = settings;
  }

  Future<Delivery> send(OutboundItem item) {
    if (s.accessToken() == null) {
      return Future.succeededFuture(Delivery.failed("the channel has no accessToken", false));
    }
    String handle = item.to().getString("handle");
    if (handle == null || handle.isBlank()) {
      return Future.succeededFuture(Delivery.failed("the reply names no social handle", false));
    }
    try {
      return "whatsapp".equals(platform(item)) ? whatsapp(item, handle) : messenger(item, handle);
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(Delivery.failed(e.getMessage(), false));
    }
  }

  /** Messenger's typing indicator (Instagram has it too; WhatsApp has none to send). */
  Future<Void> typing(OutboundItem item) {
    String handle = item.to().getString("handle");
    if ("whatsapp".equals(platform(item)) || handle == null || s.accessToken() == null) {
      return Future.succeededFuture();
    }
    return post(messagesPath(), new JsonObject().put("recipient", new JsonObject().put("id", handle))
        .put("sender_action", "typing_on")).mapEmpty();
  }

  /**
   * The platform the reply goes to: the recipient's (one Meta app can serve a page, its Instagram
   * account and a WhatsApp number from one channel), else the channel's.
   */
  private String platform(OutboundItem item) {
    String to = item.to().getString("platform");
    return to != null && SocialSettings.PLATFORMS.contains(to) ? to : s.platform();
  }

  private String messagesPath() {
    return "/" + (s.pageId() == null ? "me" : s.pageId()) + "/messages";
  }

  private Future<Delivery> messenger(OutboundItem item, String handle) {
    String comment = commentId(item.inReplyTo());
    String text = item.text() == null ? "" : item.text();
    boolean publicAnswer = comment != null && Boolean.TRUE.equals(item.raw().getValue("public"));
    if (publicAnswer) {
      // Seen by everyone under the post: only when the agent chose it.
      String path = "/" + comment + ("instagram".equals(platform(item)) ? "/replies" : "/comments");
      return post(path, new JsonObject().put("message", text)).map(r -> outcome(r, "id"));
    }
    // A private reply to a comment goes to the commenter's inbox (recipient.comment_id, once per comment).
    JsonObject recipient = comment != null ? new JsonObject().put("comment_id", comment)
        : new JsonObject().put("id", handle);
    List<String> parts = text.isBlank() && !item.attachments().isEmpty() ? List.of() : split(text, MESSENGER_TEXT_MAX);
    Future<Delivery> chain = Future.succeededFuture(null);
    Delivery[] first = new Delivery[1];
    for (String part : parts) {
      chain = chain.compose(prev -> prev != null && !prev.sent() ? Future.succeededFuture(prev)
          : post(messagesPath(), new JsonObject().put("recipient", recipient).put("messaging_type", "RESPONSE")
              .put("message", new JsonObject().put("text", part))).map(r -> remember(first, outcome(r, "message_id"))));
    }
    // Files go after the text, each as its own message (one attachment per send).
    for (Attachment a : item.attachments()) {
      chain = chain.compose(prev -> prev != null && !prev.sent() ? Future.succeededFuture(prev)
          : api.download(a.id()).compose(bytes -> {
            MultipartForm form = MultipartForm.create()
                .attribute("recipient", new JsonObject().put("id", handle).encode())
                .attribute("messaging_type", "RESPONSE")
                .attribute("message", new JsonObject().put("attachment", new JsonObject()
                    .put("type", messengerType(a.contentType())).put("payload", new JsonObject())).encode())
                .binaryFileUpload("filedata", a.name() == null ? "file" : a.name(), bytes,
                    a.contentType() == null ? "application/octet-stream" : a.contentType());
            return client.postAbs(s.graphBaseUrl() + messagesPath()).putHeader("Authorization", bearer())
                .timeout(TIMEOUT_MS).sendMultipartForm(form);
          }).map(r -> remember(first, outcome(r, "message_id"))));
    }
    return chain.map(last -> last != null && !last.sent() ? last : first[0]).otherwise(GraphSender::networkFailure);
  }

  private Future<Delivery> whatsapp(OutboundItem item, String waId) {
    if (s.phoneNumberId() == null) {
      return Future.succeededFuture(Delivery.failed("the channel has no phoneNumberId", false));
    }
    String path = "/" + s.phoneNumberId() + "/messages";
    JsonObject template = item.raw().getValue("template") instanceof JsonObject t ? t : null;
    Delivery[] first = new Delivery[1];
    Future<Delivery> chain = Future.succeededFuture(null);
    if (template != null) {
      chain = post(path, base(waId).put("type", "template").put("template", template(template)))
          .map(r -> remember(first, waOutcome(r)));
    } else {
      String text = item.text() == null ? "" : item.text();
      for (String part : text.isBlank() && !item.attachments().isEmpty() ? List.<String>of() : split(text, WHATSAPP_TEXT_MAX)) {
        chain = chain.compose(prev -> prev != null && !prev.sent() ? Future.succeededFuture(prev)
            : post(path, base(waId).put("type", "text").put("text", new JsonObject().put("body", part)
                .put("preview_url", false))).map(r -> remember(first, waOutcome(r))));
      }
    }
    for (Attachment a : item.attachments()) {
      chain = chain.compose(prev -> prev != null && !prev.sent() ? Future.succeededFuture(prev)
          : api.download(a.id()).compose(bytes -> {
            String type = a.contentType() == null ? "application/octet-stream" : a.contentType();
            MultipartForm form = MultipartForm.create().attribute("messaging_product", "whatsapp")
                .attribute("type", type).binaryFileUpload("file", a.name() == null ? "file" : a.name(), bytes, type);
            return client.postAbs(s.graphBaseUrl() + "/" + s.phoneNumberId() + "/media")
                .putHeader("Authorization", bearer()).timeout(TIMEOUT_MS).sendMultipartForm(form);
          }).compose(uploaded -> {
            Delivery up = outcome(uploaded, "id");
            if (!up.sent()) {
              return Future.succeededFuture(up);
            }
            String kind = whatsappType(a.contentType());
            JsonObject media = new JsonObject().put("id", up.externalId());
            if (kind.equals("document")) {
              media.put("filename", a.name());
            }
            return post(path, base(waId).put("type", kind).put(kind, media)).map(r -> remember(first, waOutcome(r)));
          }));
    }
    return chain.map(last -> last != null && !last.sent() ? last : first[0]).otherwise(GraphSender::networkFailure);
  }

  private static Delivery remember(Delivery[] first, Delivery d) {
    if (first[0] == null && d.sent()) {
      first[0] = d;
    }
    return d;
  }

  private static JsonObject base(String waId) {
    return new JsonObject().put("messaging_product", "whatsapp").put("recipient_type", "individual").put("to", waId);
  }

  /** The item's {"name","language","parameters":[...]} as WhatsApp's template object. */
  private JsonObject template(JsonObject t) {
    String name = t.getString("name");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("the template has no name");
    }
    String language = t.getString("language");
    if (language == null) {
      language = s.templates().stream().filter(x -> x.name().equals(name)).map(SocialSettings.Template::language)
          .findFirst().orElse("en_US");
    }
    JsonObject out = new JsonObject().put("name", name).put("language", new JsonObject().put("code", language));
    JsonArray params = t.getJsonArray("parameters");
    if (params != null && !params.isEmpty()) {
      JsonArray p = new JsonArray();
      params.forEach(v -> p.add(new JsonObject().put("type", "text").put("text", String.valueOf(v))));
      out.put("components", new JsonArray().add(new JsonObject().put("type", "body").put("parameters", p)));
    }
    return out;
  }

  private Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return client.postAbs(s.graphBaseUrl() + path).putHeader("Authorization", bearer()).timeout(TIMEOUT_MS)
        .sendJsonObject(body);
  }

  private String bearer() {
    return "Bearer " + s.accessToken();
  }

  private Delivery waOutcome(HttpResponse<Buffer> r) {
    if (r.statusCode() / 100 == 2) {
      JsonObject body = json(r);
      JsonArray messages = body.getJsonArray("messages");
      if (messages != null && !messages.isEmpty() && messages.getValue(0) instanceof JsonObject m
          && m.getString("id") != null) {
        return Delivery.sent(m.getString("id"));
      }
      return Delivery.failed("WhatsApp answered without a message id", true);
    }
    return failure(r);
  }

  private static Delivery outcome(HttpResponse<Buffer> r, String idField) {
    if (r.statusCode() / 100 == 2) {
      String id = json(r).getString(idField);
      return id != null ? Delivery.sent(id) : Delivery.failed("Graph answered without " + idField, true);
    }
    return failure(r);
  }

  /** A Graph error: throttling and outages are tried again, the rest (a bad token, a closed window) are not. */
  static Delivery failure(HttpResponse<Buffer> r) {
    JsonObject error = json(r).getJsonObject("error", new JsonObject());
    int code = error.getValue("code") instanceof Number n ? n.intValue() : -1;
    String message = error.getString("message", "HTTP " + r.statusCode());
    if (code == OUTSIDE_WINDOW) {
      return Delivery.failed("outside WhatsApp's 24-hour window: only a template can be sent (" + message + ")", false);
    }
    boolean retryable = r.statusCode() >= 500 || r.statusCode() == 429 || RETRYABLE.contains(code);
    return Delivery.failed("Graph API " + r.statusCode() + " (code " + code + "): " + message, retryable);
  }

  private static Delivery networkFailure(Throwable err) {
    return Delivery.failed("the Graph API could not be reached: " + err.getMessage(), true);
  }

  private static JsonObject json(HttpResponse<Buffer> r) {
    try {
      JsonObject o = r.body() == null ? null : r.bodyAsJsonObject();
      return o == null ? new JsonObject() : o;
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  static String commentId(String inReplyTo) {
    return inReplyTo != null && inReplyTo.startsWith("comment:") ? inReplyTo.substring("comment:".length()) : null;
  }

  private static String messengerType(String contentType) {
    String t = contentType == null ? "" : contentType;
    return t.startsWith("image/") ? "image" : t.startsWith("video/") ? "video" : t.startsWith("audio/") ? "audio" : "file";
  }

  private static String whatsappType(String contentType) {
    String t = contentType == null ? "" : contentType;
    return t.startsWith("image/") ? "image" : t.startsWith("video/") ? "video" : t.startsWith("audio/") ? "audio"
        : "document";
  }

  /** Splits at line or word ends where it can; never returns an empty list (an empty text is one empty part). */
  static List<String> split(String text, int max) {
    if (text.length() <= max) {
      return List.of(text);
    }
    List<String> parts = new java.util.ArrayList<>();
    String rest = text;
    while (rest.length() > max) {
      int cut = rest.lastIndexOf('\n', max);
      if (cut < max / 2) {
        cut = rest.lastIndexOf(' ', max);
      }
      if (cut < max / 2) {
        cut = max;
      }
      parts.add(rest.substring(0, cut).strip());
      rest = rest.substring(cut).strip();
    }
    if (!rest.isEmpty()) {
      parts.add(rest);
    }
    return parts;
  }
}
