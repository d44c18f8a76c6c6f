package io.switchboard.channels.chat;

import io.switchboard.channels.core.ApiException;
import io.switchboard.channels.core.Inbound;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One widget tab's socket. The first frame is {"type":"hello","session","name","email","signature"};
 * the answer is "welcome" with the session (new or kept), the thread's history and availability.
 * Then: "message" {clientId,text}, "contact" {clientId,email,name,text} (the away form), "typing",
 * "ping". Everything a visitor sends is limited: frame and text sizes, messages per visitor and per
 * address, posts in flight; a tab that cannot keep up with what is sent to it is closed.
 */
final class VisitorSocket {

  private static final Logger LOG = LoggerFactory.getLogger(VisitorSocket.class);
  static final int MAX_FRAME = 16 * 1024;
  static final int MAX_TEXT = 4_000;
  static final int MAX_NAME = 100;
  static final int MAX_IN_FLIGHT = 4;
  static final long HELLO_TIMEOUT_MS = 10_000;
  /** The widget pings every 25 s; a tab silent for longer is gone. */
  static final long IDLE_MS = 75_000;
  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{8,64}");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s<>\"]{1,64}@[^@\\s<>\"]{1,190}\\.[^@\\s<>\"]{1,63}");

  private final ChatAdapter chat;
  private final ServerWebSocket ws;
  private final String address;
  private volatile String session;
  private String handle;
  private String name;
  private String email;
  private String signature;
  private int inFlight;
  private volatile long lastFrame = System.currentTimeMillis();
  private volatile long activeAt;
  /** Messages this tab was given (history, pushes, catch-up), newest last: each is sent once. */
  private final java.util.Set<String> given = java.util.Collections.newSetFromMap(
      new java.util.LinkedHashMap<String, Boolean>() {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) {
          return size() > MAX_GIVEN;
        }
      });
  /** More than a thread's history holds: an id older than these is never pushed again. */
  static final int MAX_GIVEN = 1_000;
  private long helloBy;
  private volatile boolean closed;

  VisitorSocket(ChatAdapter chat, ServerWebSocket ws, String address) {
    this.chat = chat;
    this.ws = ws;
    this.address = address;
  }

  void start() {
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> close(1003, "text frames only"));
    ws.closeHandler(v -> closed());
    ws.exceptionHandler(err -> LOG.debug("chat socket: {}", err.getMessage()));
    helloBy = System.currentTimeMillis() + HELLO_TIMEOUT_MS;
    chat.open.add(this);
  }

  /** Called by the adapter's sweep: a tab that never said hello, or fell silent, is closed. */
  void sweep(long now) {
    if ((session == null && now > helloBy) || now - lastFrame > IDLE_MS) {
      close(1001, "idle");
    }
  }

  private void onText(String text) {
    lastFrame = System.currentTimeMillis();
    if (text.length() > MAX_FRAME) {
      close(1009, "frame too large");
      return;
    }
    JsonObject f;
    try {
      f = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      error(400, "a frame is a JSON object");
      return;
    }
    String type = f.getValue("type") instanceof String t ? t : "";
    if (session == null && !"hello".equals(type)) {
      error(400, "the first frame is hello");
      return;
    }
    switch (type) {
      case "hello" -> hello(f);
      case "message" -> post(f, false);
      case "contact" -> post(f, true);
      case "typing" -> typing();
      case "ping" -> send(new JsonObject().put("type", "pong"));
      default -> error(400, "unknown frame type");
    }
  }

  private void hello(JsonObject f) {
    if (session != null) {
      error(400, "already said hello");
      return;
    }
    String given = str(f, "session");
    String claimedEmail = trimmed(str(f, "email"), 254);
    String sig = str(f, "signature");
    if (sig != null && !sig.isBlank()) {
      // A signature that does not check out is refused, never downgraded to an unverified visitor.
      if (claimedEmail == null || !VisitorSignature.valid(chat.settings.secret(), claimedEmail, sig)) {
        send(new JsonObject().put("type", "error").put("status", 401)
            .put("detail", "the identity signature is not HMAC-SHA256(channel secret, email)"));
        close(4401, "invalid signature");
        return;
      }
      signature = sig.trim();
    } else if (claimedEmail != null && !EMAIL.matcher(claimedEmail).matches()) {
      claimedEmail = null; // an unverified email the visitor mistyped: they can give it again in the form
    }
    email = claimedEmail;
    name = trimmed(str(f, "name"), MAX_NAME);
    session = Visitors.wellFormed(given) ? given : Visitors.newSession();
    activeAt = System.currentTimeMillis();
    handle = Visitors.handle(session);
    chat.visitors.join(handle, this);
    chat.history(session).onComplete(h -> chat.availability(false).onComplete(a -> {
      JsonObject welcome = new JsonObject().put("type", "welcome").put("session", session)
          .put("verified", signature != null).put("email", email).put("name", name)
          .put("availability", a.result());
      if (h.succeeded()) {
        welcome.put("history", h.result());
        h.result().forEach(m -> given(m instanceof JsonObject o ? o.getString("id") : null));
      } else {
        welcome.put("history", new io.vertx.core.json.JsonArray()).put("historyUnavailable", true);
        LOG.debug("chat history failed: {}", h.cause().getMessage());
      }
      send(welcome);
    }));
  }

  private void post(JsonObject f, boolean contactForm) {
    String clientId = str(f, "clientId");
    if (clientId == null || !CLIENT_ID.matcher(clientId).matches()) {
      error(400, "clientId is 8 to 64 letters, digits, - or _");
      return;
    }
    String text = str(f, "text");
    if (text == null || text.isBlank()) {
      failed(clientId, 400, "the message is empty", false);
      return;
    }
    if (text.length() > MAX_TEXT) {
      failed(clientId, 413, "a message is at most " + MAX_TEXT + " characters", false);
      return;
    }
    if (contactForm || (signature == null && f.containsKey("email"))) {
      String given = trimmed(str(f, "email"), 254);
      if (signature != null) {
        given = email; // a signed-in customer's address is the signed one
      } else if (given == null || !EMAIL.matcher(given).matches()) {
        if (contactForm) {
          failed(clientId, 400, "an email address is required to reach you", false);
          return;
        }
        given = email;
      }
      email = given;
      String n = trimmed(str(f, "name"), MAX_NAME);
      if (n != null) {
        name = n;
      }
    }
    long now = System.currentTimeMillis();
    if (!chat.perVisitor.allow(handle, now) || !chat.perAddress.allow(address, now)) {
      failed(clientId, 429, "you are sending messages too fast; wait a moment", true);
      return;
    }
    if (inFlight >= MAX_IN_FLIGHT) {
      failed(clientId, 429, "wait for your earlier messages to be sent", true);
      return;
    }
    inFlight++;
    activeAt = now;
    // The visitor's session is theirs, and the channel vouches for it; an email is theirs only when signed.
    Inbound.From from = new Inbound.From(name, email, null, handle, null, List.of(),
        email != null && signature == null ? List.of("email") : List.of(), signature);
    Inbound message = new Inbound(handle + "-" + clientId, from, session, null, text, null, Instant.now(), List.of(),
        null, false, false);
    chat.context.api().inbound(message).onComplete(ar -> {
      inFlight--;
      if (ar.succeeded()) {
        send(new JsonObject().put("type", "sent").put("clientId", clientId).put("messageId", ar.result().messageId()));
        JsonObject echo = new JsonObject().put("type", "message").put("message",
            ChatAdapter.message(ar.result().messageId(), "inbound", text, name, Instant.now().toString()));
        chat.visitors.of(handle).stream().filter(s -> s != this).forEach(s -> s.send(echo));
      } else {
        boolean retry = !(ar.cause() instanceof ApiException api) || api.transientFailure();
        LOG.debug("chat inbound refused: {}", ar.cause().getMessage());
        failed(clientId, retry ? 503 : 400, retry ? "not sent; try again" : "the message was refused", retry);
      }
    });
  }

  private void typing() {
    if (!chat.typing.allow(handle, System.currentTimeMillis())) {
      return; // dropped: the agent already sees the visitor typing
    }
    chat.context.api().typing(session).onFailure(err -> LOG.debug("visitor typing not passed on: {}", err.getMessage()));
  }

  String session() {
    return session;
  }

  /** When the visitor last said hello or wrote on this tab. */
  long activeAt() {
    return activeAt;
  }

  /** Records a message as given to this tab; false when it already was. */
  private boolean given(String messageId) {
    if (messageId == null) {
      return true;
    }
    synchronized (given) {
      return given.add(messageId);
    }
  }

  /** A frame from the bus or the catch-up: a message this tab already has is not sent again. */
  void push(JsonObject frame) {
    JsonObject message = frame.getJsonObject("message");
    if (message != null && !given(message.getString("id"))) {
      return;
    }
    send(frame);
  }

  /** Sends a frame; a tab whose socket is backed up (a stalled or malicious reader) is closed. */
  void send(JsonObject frame) {
    if (closed) {
      return;
    }
    if (ws.writeQueueFull()) {
      close(1008, "too slow");
      return;
    }
    ws.writeTextMessage(frame.encode());
  }

  private void failed(String clientId, int status, String detail, boolean retryable) {
    send(new JsonObject().put("type", "failed").put("clientId", clientId).put("status", status)
        .put("detail", detail).put("retryable", retryable));
  }

  private void error(int status, String detail) {
    send(new JsonObject().put("type", "error").put("status", status).put("detail", detail));
  }

  void close() {
    close(1001, "going away");
  }

  private void close(int code, String reason) {
    if (!closed) {
      ws.close((short) code, reason);
    }
    closed();
  }

  private synchronized void closed() {
    if (closed) {
      return;
    }
    closed = true;
    chat.open.remove(this);
    chat.visitors.release(address);
    if (handle != null) {
      chat.visitors.leave(handle, this);
    }
  }

  private static String str(JsonObject f, String field) {
    return f.getValue(field) instanceof String s ? s : null;
  }

  private static String trimmed(String s, int max) {
    if (s == null || s.isBlank()) {
      return null;
    }
    String t = s.trim();
    return t.length() <= max ? t : t.substring(0, max);
  }

}
