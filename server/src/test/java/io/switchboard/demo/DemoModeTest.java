package io.switchboard.demo;

import io.switchboard.config.Config;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Demo mode")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoModeTest {

  static TestServer server;
  static Api api;
  static Path dir;
  static DemoMode running;

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory("switchboard-demo-test");
    // The demo's customers come in through the node's own adapters (SMTP, widget, webhooks).
    server = TestServer.start("demo", Map.of("SWITCHBOARD_ADAPTERS", "in-process"));
    api = server.api;
  }

  @AfterAll
  static void stop() throws IOException {
    if (running != null) {
      await(running.stop());
    }
    server.close();
    deleteTree(dir);
  }

  @Test
  @Order(1)
  @DisplayName("generates a JWT secret and a platform key once, keeps them private, and lets set variables win")
  void secretsAreKept() throws IOException {
    Path secrets = dir.resolve("secrets");
    Map<String, String> env = new HashMap<>(Map.of(DemoMode.DIR_VARIABLE, secrets.toString()));
    DemoMode.prepareEnvironment(env);
    String jwt = env.get("SWITCHBOARD_JWT_SECRET");
    String platform = env.get("SWITCHBOARD_PLATFORM_KEY");
    assertThat(jwt.getBytes()).hasSizeGreaterThanOrEqualTo(32);
    assertThat(platform).isNotBlank().isNotEqualTo(jwt);
    assertThat(Config.fromEnv(env).jwtSecret()).isEqualTo(jwt); // the server would start with it
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets.resolve("jwt-secret"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets))).isEqualTo("rwx------");

    Map<String, String> restart = new HashMap<>(Map.of(DemoMode.DIR_VARIABLE, secrets.toString()));
    DemoMode.prepareEnvironment(restart);
    assertThat(restart.get("SWITCHBOARD_JWT_SECRET")).isEqualTo(jwt);
    assertThat(restart.get("SWITCHBOARD_PLATFORM_KEY")).isEqualTo(platform);

    Map<String, String> preset = new HashMap<>(Map.of(DemoMode.DIR_VARIABLE, secrets.toString(),
        "SWITCHBOARD_JWT_SECRET", "an-operator-chosen-secret-of-at-least-32-bytes"));
    DemoMode.prepareEnvironment(preset);
    assertThat(preset.get("SWITCHBOARD_JWT_SECRET")).isEqualTo("an-operator-chosen-secret-of-at-least-32-bytes");
  }

  @Test
  @Order(0)
  @DisplayName("simulated customers are a few dozen distinct people with valid Polish mobile numbers")
  void customersAreDistinct() throws Exception {
    var phones = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
    List<Customers.Customer> customers = Customers.all();
    assertThat(customers).hasSizeGreaterThanOrEqualTo(24);
    for (Customers.Customer c : customers) {
      var international = phones.parse(c.phone(), "PL");
      assertThat(phones.isValidNumber(international)).as(c.phone()).isTrue();
      // the phone system's caller id (national format) is the same number once normalized
      assertThat(phones.parse(c.nationalPhone(), "PL")).isEqualTo(international);
      assertThat(c.email()).matches("[a-z.]+@[a-z0-9]+\\.example");
    }
    assertThat(customers.stream().map(Customers.Customer::phone).distinct()).hasSameSizeAs(customers);
    assertThat(customers.stream().map(Customers.Customer::email).distinct()).hasSameSizeAs(customers);
  }

  @Test
  @Order(2)
  @DisplayName("creates the Demo Shop with its people, two teams and five channels; a restart duplicates nothing")
  void setsUpOnceAndReuses() throws IOException {
    DemoMode first = fastDemo();
    await(first.run(), 60);
    await(first.stop());

    String adminToken = signInEveryone();
    Resp account = api.get("/api/v1/account", adminToken);
    assertThat(account.json().getString("name")).isEqualTo("Demo Shop");
    assertThat(account.json().getString("timezone")).isEqualTo("Europe/Warsaw");
    assertThat(account.json().getString("defaultRegion")).isEqualTo("PL");
    assertThat(names(api.get("/api/v1/teams", adminToken))).containsExactlyInAnyOrder("Orders & Delivery",
        "Returns & Complaints");
    assertThat(api.get("/api/v1/teams", adminToken).json().getJsonArray("items").stream()
        .map(t -> ((JsonObject) t).getJsonArray("memberIds").size())).allMatch(n -> n >= 2);
    assertThat(kinds(adminToken)).containsExactlyInAnyOrder("email", "chat", "phone", "social", "store");
    Path keysFile = dir.resolve("demo-channels.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keysFile))).isEqualTo("rw-------");
    JsonObject keys = new JsonObject(Files.readString(keysFile));
    assertThat(keys.getJsonObject("channels")).hasSize(5);

    // a second start finds the demo by its admin and reuses the account, people, teams, channels and keys
    DemoMode second = fastDemo();
    await(second.run(), 60);
    running = second;
    String again = signInEveryone();
    assertThat(login(DemoSetup.ADMIN).getJsonObject("user").getString("accountId"))
        .isEqualTo(account.json().getString("id"));
    assertThat(api.get("/api/v1/users", again).json().getJsonArray("items")).hasSize(DemoSetup.STAFF.size());
    assertThat(names(api.get("/api/v1/teams", again))).hasSize(2);
    assertThat(kinds(again)).hasSize(5);
    assertThat(new JsonObject(Files.readString(keysFile))).isEqualTo(keys);
    // SLA policies (one on Warsaw business hours) are defined once, however often the demo starts.
    assertThat(api.get("/api/v1/sla-policies", again).json().getJsonArray("items").stream()
        .map(p -> ((JsonObject) p).getString("businessHoursId"))).containsExactly(null, "warsaw-office");
    assertThat(api.get("/api/v1/business-hours", again).json().getJsonArray("items")).hasSize(1);
    Long accounts = await(server.app.db().query("SELECT count(*) FROM account WHERE name = 'Demo Shop'").execute()
        .map(rows -> rows.iterator().next().getLong(0)));
    assertThat(accounts).isEqualTo(1L);
  }

  @Test
  @Order(3)
  @DisplayName("simulated customers' messages arrive as conversations, one customer on two channels in one")
  void trafficArrives() throws InterruptedException {
    assertThat(running).as("the demo of the previous test runs").isNotNull();
    String token = login(DemoSetup.STAFF.get(1)).getString("token"); // the supervisor sees the whole account
    JsonObject crossChannel = null;
    int conversations = 0;
    long deadline = System.currentTimeMillis() + 60_000;
    while (crossChannel == null && System.currentTimeMillis() < deadline) {
      Thread.sleep(500);
      Resp list = api.get("/api/v1/conversations?assignee=any&limit=100", token);
      assertThat(list.status()).isEqualTo(200);
      List<JsonObject> items = list.json().getJsonArray("items").stream().map(o -> (JsonObject) o).toList();
      conversations = items.size();
      crossChannel = items.stream().filter(c -> c.getJsonArray("channels").size() >= 2).findFirst().orElse(null);
    }
    assertThat(running.simulator().accepted()).isPositive();
    assertThat(running.simulator().refused()).as("simulated messages the server refused").isZero();
    assertThat(conversations).isGreaterThanOrEqualTo(2);
    assertThat(crossChannel).as("a conversation joined over two channels").isNotNull();

    Resp detail = api.get("/api/v1/conversations/" + crossChannel.getString("id"), token);
    assertThat(detail.status()).isEqualTo(200);
    Set<String> channels = detail.json().getJsonArray("messages").stream()
        .map(m -> ((JsonObject) m).getString("channel")).collect(Collectors.toSet());
    assertThat(channels).hasSizeGreaterThanOrEqualTo(2);
    assertThat(detail.json().getJsonArray("messages").stream()
        .map(m -> ((JsonObject) m).getString("direction"))).containsOnly("inbound");
  }

  @Test
  @Order(4)
  @DisplayName("customers come in through every adapter: SMTP mail, the widget's socket, Twilio callbacks, Meta webhooks")
  void throughEveryAdapter() throws InterruptedException {
    assertThat(running).as("the demo of the previous test runs").isNotNull();
    List<String> kinds = List.of("email", "chat", "phone", "social");
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline
        && kinds.stream().anyMatch(k -> running.simulator().throughAdapter(k) == 0 || stored(k) == 0)) {
      Thread.sleep(250);
    }
    for (String kind : kinds) {
      assertThat(running.simulator().throughAdapter(kind)).as(kind + " messages taken by its adapter").isPositive();
      assertThat(stored(kind)).as(kind + " messages stored with the provider's own ids").isPositive();
    }
    assertThat(running.simulator().refused()).as("simulated messages the server refused").isZero();
  }

  @Test
  @Order(5)
  @DisplayName("agents' replies leave through the adapters: email to the demo relay, WhatsApp to the demo Graph API, delivered")
  void repliesLeaveThroughAdapters() throws InterruptedException {
    String token = login(DemoSetup.STAFF.get(1)).getString("token");
    String email = conversationWith(token, "email");
    String whatsapp = conversationWith(token, "social");
    long mailsBefore = running.providers().mailsRelayed();
    long sendsBefore = running.providers().graphSends();
    String mailReply = reply(token, email, "email");
    String socialReply = reply(token, whatsapp, "social");

    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline && (running.providers().mailsRelayed() == mailsBefore
        || running.providers().graphSends() == sendsBefore || !sent(token, email, mailReply)
        || !sent(token, whatsapp, socialReply))) {
      Thread.sleep(250);
    }
    assertThat(running.providers().mailsRelayed()).as("mails the demo relay took").isGreaterThan(mailsBefore);
    assertThat(running.providers().graphSends()).as("sends the demo Graph API took").isGreaterThan(sendsBefore);
    assertThat(sent(token, email, mailReply)).as("the email reply is sent").isTrue();
    assertThat(sent(token, whatsapp, socialReply)).as("the social reply is sent").isTrue();
  }

  /** Messages of the kind whose provider ids only its adapter makes (the Message-ID for mail, from SMTP). */
  private static long stored(String kind) {
    String pattern = switch (kind) {
      case "email" -> "<%@mail.%>";
      case "phone" -> "twilio:%";
      case "social" -> "wamid.%|m\\_%|comment:%";
      default -> "%";
    };
    String sql = "SELECT count(*) FROM message m JOIN account a ON a.id = m.account_id WHERE a.name = 'Demo Shop'"
        + " AND m.channel_kind = $1 AND m.direction = 'inbound' AND m.external_id SIMILAR TO $2";
    return await(server.app.db().preparedQuery(sql).execute(io.vertx.sqlclient.Tuple.of(kind, pattern))
        .map(rows -> rows.iterator().next().getLong(0)));
  }

  /** An open conversation whose latest customer message came over the kind (WhatsApp for social). */
  private static String conversationWith(String token, String kind) {
    String sql = "SELECT m.conversation_id FROM message m JOIN account a ON a.id = m.account_id"
        + " JOIN conversation c ON c.id = m.conversation_id AND c.status <> 'resolved'"
        + " WHERE a.name = 'Demo Shop' AND m.direction = 'inbound' AND m.channel_kind = $1"
        + " AND ($1 <> 'social' OR m.external_id LIKE 'wamid.%') AND m.created_at > now() - interval '1 hour'"
        + " AND NOT EXISTS (SELECT 1 FROM message n WHERE n.conversation_id = m.conversation_id"
        + "   AND n.direction = 'inbound' AND n.created_at > m.created_at AND n.text IS NOT NULL)"
        + " ORDER BY m.created_at DESC LIMIT 1";
    String id = await(server.app.db().preparedQuery(sql).execute(io.vertx.sqlclient.Tuple.of(kind))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0)));
    assertThat(id).as("an open conversation whose customer last wrote over " + kind).isNotNull();
    return id;
  }

  private static String reply(String token, String conversationId, String kind) {
    Resp r = api.post("/api/v1/conversations/" + conversationId + "/messages", token,
        new JsonObject().put("text", "Thanks, we are on it (" + kind + ")."));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().getString("channel")).isEqualTo(kind);
    return r.json().getString("id");
  }

  private static boolean sent(String token, String conversationId, String messageId) {
    return api.get("/api/v1/conversations/" + conversationId, token).json().getJsonArray("messages").stream()
        .map(m -> (JsonObject) m).filter(m -> m.getString("id").equals(messageId))
        .anyMatch(m -> List.of("sent", "delivered", "read").contains(m.getString("deliveryStatus")));
  }

  @Test
  @Order(6)
  @DisplayName("a lost channel-keys file costs only new keys: channels are kept and the new keys work")
  void lostKeysAreReissued() throws IOException {
    await(running.stop());
    running = null;
    Path keysFile = dir.resolve("demo-channels.json");
    JsonObject before = new JsonObject(Files.readString(keysFile)).getJsonObject("channels");
    Files.delete(keysFile);

    DemoMode again = fastDemo();
    await(again.run(), 60);
    await(again.stop());

    String adminToken = login(DemoSetup.ADMIN).getString("token");
    assertThat(kinds(adminToken)).hasSize(5);
    JsonObject after = new JsonObject(Files.readString(keysFile)).getJsonObject("channels");
    assertThat(after.fieldNames()).isEqualTo(before.fieldNames());
    for (String channelId : after.fieldNames()) {
      assertThat(after.getJsonObject(channelId).getString("apiKey"))
          .isNotEqualTo(before.getJsonObject(channelId).getString("apiKey"));
    }
    String emailKey = after.stream().map(e -> (JsonObject) e.getValue())
        .filter(c -> c.getString("kind").equals("email")).findFirst().orElseThrow().getString("apiKey");
    Resp accepted = api.post("/api/v1/inbound", emailKey, new JsonObject().put("externalId", "<after-rotation@test>")
        .put("from", new JsonObject().put("email", "anna.kowalska@wp.example")).put("text", "Still waiting!"));
    assertThat(accepted.status()).isEqualTo(202);
  }

  private DemoMode fastDemo() {
    return new DemoMode(server.vertx, server.app, new DemoMode.Options(dir, 20, 60));
  }

  /** Every printed login works with the demo password and has its role; returns the admin's token. */
  private static String signInEveryone() {
    String adminToken = null;
    for (DemoSetup.Person person : DemoSetup.STAFF) {
      JsonObject session = login(person);
      assertThat(session.getJsonObject("user").getString("role")).isEqualTo(person.role());
      if (person.role().equals("admin")) {
        adminToken = session.getString("token");
      }
    }
    return adminToken;
  }

  private static JsonObject login(DemoSetup.Person person) {
    Resp r = api.login(person.email(), DemoSetup.PASSWORD);
    assertThat(r.status()).as("login of " + person.email()).isEqualTo(200);
    return r.json();
  }

  private static List<String> names(Resp list) {
    return list.json().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("name")).toList();
  }

  private static List<String> kinds(String token) {
    return api.get("/api/v1/channels", token).json().getJsonArray("items").stream()
        .map(o -> ((JsonObject) o).getString("kind")).toList();
  }

  private static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

}
