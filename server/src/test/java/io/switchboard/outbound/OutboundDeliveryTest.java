package io.switchboard.outbound;

import io.switchboard.Switchboard;
import io.switchboard.conversation.MessageRepository;
import io.switchboard.conversation.Views.Author;
import io.switchboard.http.Ids;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Outbound: adapters deliver agents' replies")
class OutboundDeliveryTest {

  static TestServer server;
  static Api api;
  static Switchboard.Services services;

  @BeforeAll
  static void start() {
    server = TestServer.start("outbound");
    api = server.api;
    services = server.app.services();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("an item not acked within its lease is leased again with attempt+1, and the old lease is stale")
  void expiredLeaseIsLeasedAgain() {
    Tenant t = server.tenant("Expiry");
    Channel email = t.channel("email", null);
    String conv = conversation(t, email);
    Reply reply = reply(t, email, conv, "Your parcel left today");

    JsonObject first = single(poll(email, 0));
    assertThat(first.getString("id")).isEqualTo(reply.itemId());
    assertThat(first.getString("messageId")).isEqualTo(reply.messageId());
    assertThat(first.getString("conversationId")).isEqualTo(conv);
    assertThat(first.getInteger("attempt")).isEqualTo(1);
    assertThat(first.getString("kind")).isEqualTo("message");
    assertThat(first.getString("text")).isEqualTo("Your parcel left today");
    assertThat(first.getJsonObject("to").getString("email")).isEqualTo("ann@example.com");
    assertThat(first.getString("inReplyTo")).isEqualTo("<first@example.com>");
    assertThat(first.getJsonArray("references")).containsExactly("<first@example.com>");
    // while leased, nobody else gets it
    assertThat(poll(email, 0).getJsonArray("items")).isEmpty();

    sql("UPDATE outbound_item SET leased_until = now() - interval '1 second' WHERE id = $1", reply.itemId());
    JsonObject again = single(poll(email, 0));
    assertThat(again.getString("id")).isEqualTo(reply.itemId());
    assertThat(again.getInteger("attempt")).isEqualTo(2);
    assertThat(again.getString("leaseId")).isNotEqualTo(first.getString("leaseId"));

    assertThat(ack(email, first, "sent", "prov-old").status()).isEqualTo(409);
    assertThat(ack(email, again, "sent", "prov-new").status()).isEqualTo(204);
    assertThat(message(t, reply.messageId()).getString("deliveryStatus")).isEqualTo("sent");
  }

  @Test
  @DisplayName("the first ack wins: the same status again is 204, another status is 409")
  void firstAckWins() {
    Tenant t = server.tenant("Acks");
    Channel email = t.channel("email", null);
    String conv = conversation(t, email);
    Reply reply = reply(t, email, conv, "Refund issued");
    assertThat(message(t, reply.messageId()).getString("deliveryStatus")).isEqualTo("queued");

    JsonObject item = single(poll(email, 0));
    assertThat(ack(email, item, "sent", "prov-1").status()).isEqualTo(204);
    assertThat(ack(email, item, "sent", "prov-1").status()).isEqualTo(204);
    Resp contradiction = ack(email, item, "failed", null);
    assertThat(contradiction.status()).isEqualTo(409);
    assertThat(contradiction.header("Content-Type")).startsWith("application/problem+json");

    assertThat(message(t, reply.messageId()).getString("deliveryStatus")).isEqualTo("sent");
    assertThat(providerId(reply.messageId())).isEqualTo("prov-1");
    // one change, one event, however many acks
    assertThat(deliveryEvents(t, reply.messageId())).containsExactly("sent");
    // and it is done: not handed out again
    assertThat(poll(email, 0).getJsonArray("items")).isEmpty();
  }

  @Test
  @DisplayName("two pollers at once get each conversation's items strictly one at a time, in creation order")
  void perConversationOrderWithConcurrentPollers() throws Exception {
    Tenant t = server.tenant("Order");
    Channel email = t.channel("email", null);
    Map<String, List<String>> created = new HashMap<>();
    for (String conv : List.of(conversation(t, email), conversation(t, email))) {
      List<String> ids = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        ids.add(reply(t, email, conv, "part " + i).itemId());
      }
      created.put(conv, ids);
    }

    Object lock = new Object();
    Map<String, List<String>> received = new HashMap<>();
    Map<String, String> outstanding = new HashMap<>();   // conversation -> item handed out, not yet acked
    List<String> violations = new ArrayList<>();
    ExecutorService pollers = Executors.newFixedThreadPool(2);
    long deadline = System.currentTimeMillis() + 60_000;
    Runnable poller = () -> {
      while (System.currentTimeMillis() < deadline) {
        synchronized (lock) {
          if (received.values().stream().mapToInt(List::size).sum() == 6 && outstanding.isEmpty()) {
            return;
          }
        }
        List<JsonObject> items = poll(email, 1).getJsonArray("items").stream().map(o -> (JsonObject) o).toList();
        synchronized (lock) {   // everything in one answer is out at once
          for (JsonObject item : items) {
            String conv = item.getString("conversationId");
            if (outstanding.containsKey(conv)) {
              violations.add(item.getString("id") + " while " + outstanding.get(conv) + " was out");
            }
            outstanding.put(conv, item.getString("id"));
            received.computeIfAbsent(conv, k -> new ArrayList<>()).add(item.getString("id"));
          }
        }
        for (JsonObject item : items) {
          String conv = item.getString("conversationId");
          sleep(50);   // the adapter talks to its provider; the other poller keeps asking meanwhile
          synchronized (lock) {
            outstanding.remove(conv);   // before the ack: once it commits, the next item may go
          }
          assertThat(ack(email, item, "sent", "p-" + item.getString("id")).status()).isEqualTo(204);
        }
      }
    };
    var a = CompletableFuture.runAsync(poller, pollers);
    var b = CompletableFuture.runAsync(poller, pollers);
    CompletableFuture.allOf(a, b).get(90, TimeUnit.SECONDS);
    pollers.shutdown();

    assertThat(violations).isEmpty();
    assertThat(received).isEqualTo(created);
  }

  @Test
  @DisplayName("a retryable failure comes back after a backoff and gives up after the fifth attempt")
  void retryableFailureBacksOff() {
    Tenant t = server.tenant("Retry");
    Channel email = t.channel("email", null);
    String conv = conversation(t, email);
    Reply reply = reply(t, email, conv, "Invoice attached");

    for (int attempt = 1; attempt <= 4; attempt++) {
      JsonObject item = single(poll(email, 0));
      assertThat(item.getInteger("attempt")).isEqualTo(attempt);
      var before = row("SELECT now() AS t").getOffsetDateTime("t");
      assertThat(ack(email, item, "failed", null, "421 try later", true).status()).isEqualTo(204);
      // a repeat of the same ack changes nothing
      assertThat(ack(email, item, "failed", null, "421 try later", true).status()).isEqualTo(204);
      double backoff = secondsAfter(before, reply.itemId());
      assertThat(backoff).as("2^attempt s after the ack").isBetween(Math.pow(2, attempt) - 0.05, Math.pow(2, attempt) + 1.9);
      assertThat(poll(email, 0).getJsonArray("items")).as("nothing before the backoff ends").isEmpty();
      assertThat(message(t, reply.messageId()).getString("deliveryStatus")).isEqualTo("queued");
      sql("UPDATE outbound_item SET next_attempt_at = now() WHERE id = $1", reply.itemId());
    }
    JsonObject last = single(poll(email, 0));
    assertThat(last.getInteger("attempt")).isEqualTo(5);
    assertThat(ack(email, last, "failed", null, "421 try later", true).status()).isEqualTo(204);

    JsonObject failed = message(t, reply.messageId());
    assertThat(failed.getString("deliveryStatus")).isEqualTo("failed");
    assertThat(deliveryError(reply.messageId())).isEqualTo("421 try later");
    assertThat(deliveryEvents(t, reply.messageId())).containsExactly("failed");
    sql("UPDATE outbound_item SET next_attempt_at = now() - interval '1 hour' WHERE id = $1", reply.itemId());
    assertThat(poll(email, 0).getJsonArray("items")).as("a failed item is never retried").isEmpty();

    // a failure does not hold up the conversation's next reply
    Reply next = reply(t, email, conv, "Invoice attached, second try");
    assertThat(single(poll(email, 0)).getString("id")).isEqualTo(next.itemId());
  }

  @Test
  @DisplayName("a failure that is not retryable fails the message at once")
  void permanentFailure() {
    Tenant t = server.tenant("Bounce");
    Channel email = t.channel("email", null);
    Reply reply = reply(t, email, conversation(t, email), "Hello");
    JsonObject item = single(poll(email, 0));
    assertThat(ack(email, item, "failed", null, "550 no such user", false).status()).isEqualTo(204);
    assertThat(message(t, reply.messageId()).getString("deliveryStatus")).isEqualTo("failed");
    assertThat(deliveryError(reply.messageId())).isEqualTo("550 no such user");
    assertThat(ack(email, item, "sent", "late").status()).isEqualTo(409);
  }

  @Test
  @DisplayName("provider statuses move the message forward only, each change a message.updated event")
  void providerStatuses() {
    Tenant t = server.tenant("Receipts");
    String team = t.team("Support");
    Channel chat = t.channel("chat", team);
    String conv = conversation(t, chat);
    sql("UPDATE conversation SET team_id = $1 WHERE id = $2", team, conv);
    Reply reply = reply(t, chat, conv, "We are on it");
    assertThat(ack(chat, single(poll(chat, 0)), "sent", "wamid.42").status()).isEqualTo(204);

    assertThat(status(chat, "wamid.42", "delivered").status()).isEqualTo(204);
    assertThat(message(t, reply.messageId()).getString("deliveryStatus")).isEqualTo("delivered");
    assertThat(status(chat, "wamid.42", "read").status()).isEqualTo(204);
    assertThat(message(t, reply.messageId()).getString("deliveryStatus")).isEqualTo("read");
    // late and out of order: accepted, ignored
    assertThat(status(chat, "wamid.42", "delivered").status()).isEqualTo(204);
    assertThat(status(chat, "wamid.42", "failed").status()).isEqualTo(204);
    assertThat(message(t, reply.messageId()).getString("deliveryStatus")).isEqualTo("read");

    assertThat(deliveryEvents(t, reply.messageId())).containsExactly("sent", "delivered", "read");
    Row event = row("""
        SELECT conversation_id, team_id, data::text AS data FROM event
        WHERE account_id = $1 AND type = 'message.updated' ORDER BY seq DESC LIMIT 1""", t.accountId);
    assertThat(event.getString("conversation_id")).isEqualTo(conv);
    assertThat(event.getString("team_id")).isEqualTo(team);
    JsonObject data = new JsonObject(event.getString("data"));
    assertThat(data.getString("id")).isEqualTo(reply.messageId());
    assertThat(data.getString("text")).isEqualTo("We are on it");
    assertThat(data.getString("direction")).isEqualTo("outbound");

    assertThat(status(chat, "wamid.unknown", "read").status()).isEqualTo(404);
    Channel other = t.channel("chat", null);
    assertThat(status(other, "wamid.42", "read").status()).isEqualTo(404);
  }

  @Test
  @DisplayName("another channel's key neither sees nor acks a channel's items")
  void otherChannelsAreShutOut() {
    Tenant t = server.tenant("Isolation");
    Channel email = t.channel("email", null);
    Channel sameAccount = t.channel("email", null);
    Channel foreign = server.tenant("Stranger").channel("email", null);
    Reply reply = reply(t, email, conversation(t, email), "Only for email");

    assertThat(poll(sameAccount, 0).getJsonArray("items")).isEmpty();
    assertThat(poll(foreign, 0).getJsonArray("items")).isEmpty();
    JsonObject item = single(poll(email, 0));
    assertThat(ack(sameAccount, item, "sent", "x").status()).isEqualTo(404);
    assertThat(ack(foreign, item, "sent", "x").status()).isEqualTo(404);
    assertThat(api.post("/api/v1/outbound/out_doesnotexist/ack", email.key(),
        new JsonObject().put("leaseId", "x").put("status", "sent")).status()).isEqualTo(404);
    assertThat(message(t, reply.messageId()).getString("deliveryStatus")).isEqualTo("queued");
    assertThat(ack(email, item, "sent", "x").status()).isEqualTo(204);
  }

  @Test
  @DisplayName("typing items go out once, need no ack, and never wait behind a message")
  void typingIsEphemeral() {
    Tenant t = server.tenant("Typing");
    Channel chat = t.channel("chat", null);
    String conv = conversation(t, chat);
    reply(t, chat, conv, "First answer");
    JsonObject message = single(poll(chat, 0));   // leased, not acked yet

    Map<String, Object> to = Map.of("handle", "visitor-7");
    await(services.outbound.typing(services.db(), t.accountId, chat.id(), conv, to));
    await(services.outbound.typing(services.db(), t.accountId, chat.id(), conv, to));
    assertThat(count("SELECT count(*) FROM outbound_item WHERE conversation_id = $1 AND kind = 'typing'", conv))
        .as("at most one pending per conversation").isEqualTo(1);

    JsonObject typing = single(poll(chat, 0));
    assertThat(typing.getString("kind")).isEqualTo("typing");
    assertThat(typing.getString("conversationId")).isEqualTo(conv);
    assertThat(typing.getJsonObject("to").getString("handle")).isEqualTo("visitor-7");
    assertThat(typing.getString("leaseId")).isNotBlank();
    assertThat(poll(chat, 0).getJsonArray("items")).as("not re-delivered").isEmpty();
    sql("UPDATE outbound_item SET leased_until = now() - interval '1 second' WHERE id = $1", message.getString("id"));
    JsonObject redelivered = single(poll(chat, 0));
    assertThat(redelivered.getString("kind")).isEqualTo("message");
    assertThat(ack(chat, typing, "sent", null).status()).as("typing items take no ack").isEqualTo(404);

    // a typing item nobody fetched in time is stale: dropped, not delivered late
    await(services.outbound.typing(services.db(), t.accountId, chat.id(), conv, to));
    sql("UPDATE outbound_item SET created_at = now() - interval '1 minute' WHERE conversation_id = $1 AND kind = 'typing'",
        conv);
    assertThat(poll(chat, 0).getJsonArray("items")).isEmpty();
    assertThat(count("SELECT count(*) FROM outbound_item WHERE conversation_id = $1 AND kind = 'typing'", conv))
        .isZero();
  }

  @Test
  @DisplayName("a waiting poll answers as soon as an item is enqueued, and an empty wait ends on time")
  void longPollWakesUp() throws Exception {
    Tenant t = server.tenant("LongPoll");
    Channel email = t.channel("email", null);
    String conv = conversation(t, email);

    long started = System.nanoTime();
    assertThat(poll(email, 1).getJsonArray("items")).isEmpty();
    assertThat((System.nanoTime() - started) / 1_000_000).isBetween(900L, 5_000L);

    var waiting = CompletableFuture.supplyAsync(() -> poll(email, 20));
    Thread.sleep(500);
    long enqueued = System.nanoTime();
    Reply reply = reply(t, email, conv, "Right away");
    JsonObject answer = waiting.get(30, TimeUnit.SECONDS);
    assertThat(answer.getJsonArray("items")).hasSize(1);
    assertThat(answer.getJsonArray("items").getJsonObject(0).getString("id")).isEqualTo(reply.itemId());
    assertThat((System.nanoTime() - enqueued) / 1_000_000).as("well before the 20 s wait ends").isLessThan(5_000L);
  }

  @Test
  @DisplayName("every node hears of an enqueued item after its transaction commits, and never of a rolled-back one")
  void readyIsAnnouncedAfterCommit() throws Exception {
    Tenant t = server.tenant("Announce");
    Channel email = t.channel("email", null);
    String conv = conversation(t, email);
    var heard = new java.util.concurrent.LinkedBlockingQueue<JsonObject>();
    var consumer = server.vertx.eventBus().<JsonObject>consumer(OutboundQueue.READY, m -> {
      if (email.id().equals(m.body().getString("channelId"))) {
        heard.add(m.body());
      }
    });
    await(consumer.completion());
    try {
      var rolledBack = services.db().withTransaction(tx -> services.messages.insert(tx, draft(t, email, conv, "outbound", "x"))
          .compose(m -> services.outbound.enqueue(tx, t.accountId, email.id(), conv, m.id(), "message", Map.of()))
          .compose(id -> io.vertx.core.Future.failedFuture(new IllegalStateException("changed my mind"))));
      assertThat(rolledBack.toCompletionStage().toCompletableFuture().handle((v, err) -> err).get(10, TimeUnit.SECONDS))
          .isNotNull();
      assertThat(heard.poll(500, TimeUnit.MILLISECONDS)).as("nothing to announce after a rollback").isNull();

      reply(t, email, conv, "Committed");
      JsonObject ready = heard.poll(5, TimeUnit.SECONDS);
      assertThat(ready).isNotNull();
      assertThat(ready.getString("accountId")).isEqualTo(t.accountId);
      assertThat(poll(email, 0).getJsonArray("items")).hasSize(1);
    } finally {
      await(consumer.unregister());
    }
  }

  @Test
  @DisplayName("an adapter that hangs up mid-poll leases nothing: the next poll gets the item as a first attempt")
  void abandonedPollLeasesNothing() throws Exception {
    Tenant t = server.tenant("HangUp");
    Channel email = t.channel("email", null);
    String conv = conversation(t, email);
    var client = server.vertx.createHttpClient();
    try {
      var request = await(client.request(HttpMethod.GET, server.port(), "localhost", "/api/v1/outbound?wait=20"));
      request.putHeader("Authorization", "Bearer " + email.key());
      await(request.end());
      Thread.sleep(300);   // the poll is now waiting on the server
      await(request.connection().close());
      Thread.sleep(300);
      Reply reply = reply(t, email, conv, "Anyone there?");
      Thread.sleep(300);
      JsonObject item = single(poll(email, 0));
      assertThat(item.getString("id")).isEqualTo(reply.itemId());
      assertThat(item.getInteger("attempt")).isEqualTo(1);
    } finally {
      await(client.close());
    }
  }

  @Test
  @DisplayName("bad input is a 422 or 400, and only a channel key may poll")
  void validation() {
    Tenant t = server.tenant("Checks");
    Channel email = t.channel("email", null);
    Resp badWait = api.get("/api/v1/outbound?wait=soon", email.key());
    assertThat(badWait.status()).isEqualTo(422);
    assertThat(badWait.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("wait");
    assertThat(api.get("/api/v1/outbound?wait=26", email.key()).status()).isEqualTo(422);
    assertThat(api.get("/api/v1/outbound?wait=-1", email.key()).status()).isEqualTo(422);
    assertThat(api.get("/api/v1/outbound?wait=0", null).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/outbound?wait=0", t.admin.token()).status()).isEqualTo(401);

    String ackPath = "/api/v1/outbound/out_x/ack";
    assertThat(api.post(ackPath, email.key(), "{not json").status()).isEqualTo(400);
    assertThat(api.post(ackPath, email.key(), new JsonObject().put("leaseId", "l").put("status", "done")).status())
        .isEqualTo(422);
    assertThat(api.post(ackPath, email.key(), new JsonObject().put("status", "sent")).status()).isEqualTo(422);
    assertThat(api.post(ackPath, email.key(), new JsonObject().put("leaseId", "l").put("status", "failed")
        .put("retryable", "yes")).status()).isEqualTo(422);
    assertThat(api.post("/api/v1/outbound/status", email.key(), new JsonObject().put("externalId", "x")
        .put("status", "sent")).status()).isEqualTo(422);
    assertThat(api.post("/api/v1/outbound/status", email.key(), new JsonObject().put("status", "read")).status())
        .isEqualTo(422);
  }

  @Test
  @DisplayName("the chat widget reads its thread's public history, oldest first, without notes or other channels")
  void threadHistory() {
    Tenant t = server.tenant("Widget");
    Channel chat = t.channel("chat", null);
    Channel email = t.channel("email", null);
    String conv = conversation(t, chat);
    String contact = row("SELECT contact_id FROM conversation WHERE id = $1", conv).getString("contact_id");
    sql("INSERT INTO conversation_thread (account_id, channel_id, contact_id, thread_key, conversation_id) "
        + "VALUES ($1, $2, $3, 'sess-42', $4)", t.accountId, chat.id(), contact, conv);
    insertMessage(t, chat, conv, "inbound", "Hi, where is my order?");
    insertMessage(t, chat, conv, "note", "Customer is a VIP, be nice");
    insertMessage(t, email, conv, "outbound", "Emailed invoice");
    insertMessage(t, chat, conv, "outbound", "It ships tomorrow");

    Resp history = api.get("/api/v1/adapter/threads/sess-42/messages", chat.key());
    assertThat(history.status()).isEqualTo(200);
    JsonArray items = history.json().getJsonArray("items");
    assertThat(items.stream().map(m -> ((JsonObject) m).getString("text")).toList())
        .containsExactly("Hi, where is my order?", "It ships tomorrow");
    assertThat(items.getJsonObject(0).getString("direction")).isEqualTo("inbound");
    assertThat(items.getJsonObject(0).getString("conversationId")).isEqualTo(conv);

    assertThat(api.get("/api/v1/adapter/threads/sess-unknown/messages", chat.key()).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/adapter/threads/sess-42/messages", email.key()).status()).isEqualTo(404);
    Channel foreign = server.tenant("Elsewhere").channel("chat", null);
    assertThat(api.get("/api/v1/adapter/threads/sess-42/messages", foreign.key()).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("availability counts agents online in the stream's presence; business hours are always open for now")
  void availability() {
    Tenant t = server.tenant("Availability");
    Channel chat = t.channel("chat", null);
    Resp nobody = api.get("/api/v1/adapter/availability", chat.key());
    assertThat(nobody.status()).isEqualTo(200);
    assertThat(nobody.json().getInteger("agentsOnline")).isZero();
    assertThat(nobody.json().getBoolean("inBusinessHours")).isTrue();
    assertThat(nobody.json().containsKey("nextOpenAt")).isTrue();
    assertThat(nobody.json().getValue("nextOpenAt")).isNull();

    // presence as realtime/Presence keeps it: one agent online with a live tab, one away, one whose tab expired
    String p = server.redisPrefix + "presence:" + t.accountId + ":";
    var redis = services.redis();
    long future = System.currentTimeMillis() + 60_000;
    await(redis.hset(List.of(p + "agents", "u1", "Ann", "u2", "Bob", "u3", "Cid")));
    await(redis.mset(List.of(p + "shown:u1", "online", p + "shown:u2", "away", p + "shown:u3", "online")));
    await(redis.zadd(List.of(p + "tabs:u1", String.valueOf(future), "tab-a")));
    await(redis.zadd(List.of(p + "tabs:u2", String.valueOf(future), "tab-b")));
    await(redis.zadd(List.of(p + "tabs:u3", String.valueOf(System.currentTimeMillis() - 1000), "tab-c")));
    assertThat(api.get("/api/v1/adapter/availability", chat.key()).json().getInteger("agentsOnline")).isEqualTo(1);
  }

  // ---- fixtures: conversations and agents' replies written the way the reply endpoint writes them

  record Reply(String messageId, String itemId) {
  }

  private static String conversation(Tenant t, Channel channel) {
    String contact = Ids.next("ct");
    String conv = Ids.next("cv");
    await(services.db().withTransaction(tx -> tx.preparedQuery("INSERT INTO contact (id, account_id, name) VALUES ($1, $2, 'Ann')")
        .execute(Tuple.of(contact, t.accountId))
        .compose(v -> services.conversations.insert(tx, conv, t.accountId, contact, "Order 1001", null, channel.kind()))));
    return conv;
  }

  private static Reply reply(Tenant t, Channel channel, String conv, String text) {
    Map<String, Object> payload = Map.of("to", Map.of("email", "ann@example.com"), "subject", "Re: Order 1001",
        "text", text, "attachments", List.of(), "inReplyTo", "<first@example.com>",
        "references", List.of("<first@example.com>"));
    return await(services.db().withTransaction(tx -> services.messages.insert(tx, draft(t, channel, conv, "outbound", text))
        .compose(m -> services.outbound.enqueue(tx, t.accountId, channel.id(), conv, m.id(), "message", payload)
            .map(item -> new Reply(m.id(), item)))));
  }

  private static void insertMessage(Tenant t, Channel channel, String conv, String direction, String text) {
    await(services.db().withTransaction(tx -> services.messages.insert(tx, draft(t, channel, conv, direction, text))));
  }

  private static MessageRepository.Draft draft(Tenant t, Channel channel, String conv, String direction, String text) {
    boolean inbound = direction.equals("inbound");
    Author author = inbound ? new Author("contact", null, "Ann") : new Author("user", t.admin.id(), "Admin");
    return new MessageRepository.Draft(Ids.next("msg"), t.accountId, conv, channel.id(), channel.kind(), direction,
        author, null, false, null, null, null, null, text, null, List.of(), null, false, false, null,
        direction.equals("outbound") ? "queued" : null, null);
  }

  private static JsonObject poll(Channel channel, int wait) {
    return Api.expect(api.get("/api/v1/outbound?wait=" + wait, channel.key()), 200).json();
  }

  private static JsonObject single(JsonObject answer) {
    assertThat(answer.getJsonArray("items")).hasSize(1);
    return answer.getJsonArray("items").getJsonObject(0);
  }

  private static Resp ack(Channel channel, JsonObject item, String status, String externalId) {
    return ack(channel, item, status, externalId, null, false);
  }

  private static Resp ack(Channel channel, JsonObject item, String status, String externalId, String error,
      boolean retryable) {
    return api.post("/api/v1/outbound/" + item.getString("id") + "/ack", channel.key(), new JsonObject()
        .put("leaseId", item.getString("leaseId")).put("status", status).put("externalId", externalId)
        .put("error", error).put("retryable", retryable));
  }

  private static Resp status(Channel channel, String externalId, String status) {
    return api.post("/api/v1/outbound/status", channel.key(),
        new JsonObject().put("externalId", externalId).put("status", status));
  }

  /** The message as the console reads it (the MessageView). */
  private static JsonObject message(Tenant t, String id) {
    var view = await(services.messages.byId(services.db(), t.accountId, id)).orElseThrow();
    return new JsonObject(io.switchboard.http.Json.write(view));
  }

  private static String providerId(String messageId) {
    return row("SELECT provider_id FROM message WHERE id = $1", messageId).getString("provider_id");
  }

  private static String deliveryError(String messageId) {
    return row("SELECT delivery_error FROM message WHERE id = $1", messageId).getString("delivery_error");
  }

  /** The deliveryStatus carried by each message.updated event of the message, in the order appended (ids; seqs follow them). */
  private static List<String> deliveryEvents(Tenant t, String messageId) {
    var rows = await(services.db().preparedQuery("""
            SELECT data->>'deliveryStatus' AS status FROM event
            WHERE account_id = $1 AND type = 'message.updated' AND data->>'id' = $2 ORDER BY seq""")
        .execute(Tuple.of(t.accountId, messageId)));
    List<String> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.getString("status")));
    return out;
  }

  private static double secondsAfter(java.time.OffsetDateTime time, String itemId) {
    return row("SELECT extract(epoch FROM next_attempt_at - $2::timestamptz)::float8 AS s FROM outbound_item WHERE id = $1",
        itemId, time).getDouble("s");
  }

  private static long count(String query, Object... args) {
    return row(query, args).getLong(0);
  }

  private static Row row(String query, Object... args) {
    var rows = await(services.db().preparedQuery(query).execute(Tuple.from(args)));
    assertThat(rows.size()).isEqualTo(1);
    return rows.iterator().next();
  }

  private static void sql(String query, Object... args) {
    await(services.db().preparedQuery(query).execute(Tuple.from(args)));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
