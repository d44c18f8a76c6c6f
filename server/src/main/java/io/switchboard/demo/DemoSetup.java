package io.switchboard.demo;

import io.switchboard.demo.DemoClient.Answer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Creates the demo account ("Demo Shop"), its people, teams and channels through the public API.
 * It converges rather than assumes: each start signs the demo admin in (the admin's email is how
 * an existing demo is recognised), then adds only what is missing, so a restart duplicates nothing.
 */
final class DemoSetup {

  static final String ACCOUNT_NAME = "Demo Shop";
  static final String PASSWORD = "switchboard-demo";
  static final String ORDERS_TEAM = "Orders & Delivery";
  static final String RETURNS_TEAM = "Returns & Complaints";

  /** A demo login; the admin comes with the account, the others are created by the admin. */
  record Person(String name, String email, String role, List<String> teams) {
  }

  static final Person ADMIN = new Person("Katarzyna Nowak", "admin@demo-shop.example", "admin", List.of());

  static final List<Person> STAFF = List.of(
      ADMIN,
      new Person("Piotr Wiśniewski", "supervisor@demo-shop.example", "supervisor", List.of(ORDERS_TEAM, RETURNS_TEAM)),
      new Person("Ola Zielińska", "ola@demo-shop.example", "agent", List.of(ORDERS_TEAM)),
      new Person("Marek Lewandowski", "marek@demo-shop.example", "agent", List.of(ORDERS_TEAM, RETURNS_TEAM)),
      new Person("Julia Kamińska", "julia@demo-shop.example", "agent", List.of(RETURNS_TEAM)));

  record ChannelSpec(String kind, String name, String team) {
  }

  static final List<ChannelSpec> CHANNELS = List.of(
      new ChannelSpec("email", "Email: sklep@demo-shop.example", ORDERS_TEAM),
      new ChannelSpec("chat", "Live chat on demo-shop.example", ORDERS_TEAM),
      new ChannelSpec("phone", "Infolinia +48 22 100 20 30", ORDERS_TEAM),
      new ChannelSpec("social", "Messenger, Instagram & WhatsApp", RETURNS_TEAM),
      new ChannelSpec("store", "Demo Shop store (orders)", null));

  /**
   * A channel the simulator posts through. secret is the chat widget's signing secret; settings are
   * the channel's provider settings, secrets included, as its adapter reads them (kept in memory only).
   */
  record ChannelKey(String id, String kind, String name, String apiKey, String secret, JsonObject settings) {

    ChannelKey withSettings(JsonObject provider) {
      return new ChannelKey(id, kind, name, apiKey, secret, provider);
    }
  }

  /** What the setup leaves behind: enough to print the banner and to run the simulator. */
  record Demo(String accountId, boolean created, List<Person> logins, Map<String, ChannelKey> channelsByKind) {
  }

  private final Vertx vertx;
  private final DemoClient api;
  private final DemoFiles files;
  private final Optional<String> platformKey;
  private final DemoProviders providers;

  DemoSetup(Vertx vertx, DemoClient api, DemoFiles files, Optional<String> platformKey, DemoProviders providers) {
    this.vertx = vertx;
    this.api = api;
    this.files = files;
    this.platformKey = platformKey;
    this.providers = providers;
  }

  Future<Demo> run() {
    return signInOrCreate().compose(session -> {
      String token = session.body().getString("token");
      String accountId = session.body().getJsonObject("user").getString("accountId");
      boolean created = session.status() == 201;
      return ensureTeams(token)
          .compose(teams -> ensureStaff(token, teams)
              .compose(v -> ensureSla(token))
              .compose(v -> ensureChannels(token, accountId, teams)))
          .map(channels -> new Demo(accountId, created, STAFF, channels));
    });
  }

  /** The admin's session; status 201 marks a session of a freshly created account. */
  private Future<Answer> signInOrCreate() {
    return login(ADMIN).compose(login -> {
      if (login.status() == 200) {
        return Future.succeededFuture(login);
      }
      if (login.status() != 401) {
        login.expect("signing in the demo admin", 200);
      }
      return createAccount()
          .compose(v -> login(ADMIN))
          .map(again -> new Answer(201, again.expect("signing in the new demo admin", 200).body()));
    });
  }

  private Future<Void> createAccount() {
    if (platformKey.isEmpty()) {
      return Future.failedFuture(new IllegalStateException(
          "demo mode needs SWITCHBOARD_PLATFORM_KEY to create the demo account"));
    }
    JsonObject body = new JsonObject()
        .put("name", ACCOUNT_NAME)
        .put("timezone", "Europe/Warsaw")
        .put("defaultRegion", "PL")
        .put("admin", new JsonObject().put("email", ADMIN.email()).put("name", ADMIN.name()).put("password", PASSWORD));
    return api.post("/api/v1/accounts", platformKey.get(), body).map(created -> {
      if (created.status() == 409) {
        throw new IllegalStateException("the demo admin " + ADMIN.email()
            + " exists but its password is no longer the demo password; reset it or use a fresh database");
      }
      created.expect("creating the demo account", 201);
      return null;
    });
  }

  private Future<Answer> login(Person person) {
    return api.post("/api/v1/auth/login", null,
        new JsonObject().put("email", person.email()).put("password", PASSWORD));
  }

  /**
   * Office hours in Warsaw (a split shift on weekdays, a short Saturday, the Christmas and New
   * Year holidays) and two SLA policies; PUT is idempotent, so every start writes the same.
   */
  private Future<Void> ensureSla(String token) {
    JsonArray weekday = new JsonArray().add(new JsonArray().add("08:00").add("13:00"))
        .add(new JsonArray().add("13:30").add("20:00"));
    JsonObject weekly = new JsonObject();
    for (String day : List.of("mon", "tue", "wed", "thu", "fri")) {
      weekly.put(day, weekday);
    }
    weekly.put("sat", new JsonArray().add(new JsonArray().add("10:00").add("14:00")));
    JsonObject hours = new JsonObject().put("name", "Warsaw office").put("timezone", "Europe/Warsaw")
        .put("weekly", weekly).put("holidays", new JsonArray().add("2026-12-24").add("2026-12-25").add("2026-12-26")
            .add("2027-01-01").add("2027-01-06"));
    JsonObject urgent = new JsonObject().put("name", "Urgent and high").put("position", 1)
        .put("match", new JsonObject().put("priority", new JsonArray().add("urgent").add("high")))
        .put("firstResponseMinutes", 15).put("nextResponseMinutes", 30).put("resolutionMinutes", 240)
        .put("warnBeforeMinutes", 5)
        .put("escalation", new JsonArray().add(new JsonObject().put("afterBreachMinutes", 0)
            .put("action", "notifySupervisors")));
    JsonObject standard = new JsonObject().put("name", "Standard").put("position", 10)
        .put("firstResponseMinutes", 60).put("nextResponseMinutes", 120).put("resolutionMinutes", 1440)
        .put("businessHoursId", "warsaw-office").put("warnBeforeMinutes", 15)
        .put("escalation", new JsonArray().add(new JsonObject().put("afterBreachMinutes", 30)
            .put("action", "raisePriority")));
    return api.put("/api/v1/business-hours/warsaw-office", token, hours)
        .map(a -> a.expect("defining business hours", 200))
        .compose(v -> api.put("/api/v1/sla-policies/urgent", token, urgent))
        .map(a -> a.expect("defining the urgent SLA policy", 200))
        .compose(v -> api.put("/api/v1/sla-policies/standard", token, standard))
        .map(a -> a.expect("defining the standard SLA policy", 200))
        .mapEmpty();
  }

  /** Team name to id, creating the teams that do not exist yet. */
  private Future<Map<String, String>> ensureTeams(String token) {
    return api.get("/api/v1/teams", token).compose(list -> {
      Map<String, String> ids = new HashMap<>();
      items(list.expect("listing teams", 200)).forEach(t -> ids.put(t.getString("name"), t.getString("id")));
      List<String> missing = List.of(ORDERS_TEAM, RETURNS_TEAM).stream().filter(n -> !ids.containsKey(n)).toList();
      return sequentially(missing, name -> api.post("/api/v1/teams", token, new JsonObject().put("name", name))
          .map(created -> ids.put(name, created.expect("creating team " + name, 201).body().getString("id"))))
          .map(ids);
    });
  }

  private Future<Void> ensureStaff(String token, Map<String, String> teams) {
    return api.get("/api/v1/users", token).compose(list -> {
      Set<String> existing = new HashSet<>();
      items(list.expect("listing users", 200)).forEach(u -> existing.add(u.getString("email")));
      List<Person> missing = STAFF.stream().filter(p -> !existing.contains(p.email())).toList();
      return sequentially(missing, person -> api.post("/api/v1/users", token, new JsonObject()
              .put("email", person.email())
              .put("name", person.name())
              .put("password", PASSWORD)
              .put("role", person.role())
              .put("teamIds", new JsonArray(person.teams().stream().map(teams::get).toList())))
          .map(created -> created.expect("creating user " + person.email(), 201)));
    });
  }

  /**
   * One channel of each kind. A key is shown only when it is issued, so keys are kept in the demo
   * folder; a channel whose key was lost (or no longer works) gets a fresh key by rotation.
   */
  private Future<Map<String, ChannelKey>> ensureChannels(String token, String accountId, Map<String, String> teams) {
    Future<JsonObject> saved = vertx.executeBlocking(files::channelKeys, false);
    return saved.compose(kept -> api.get("/api/v1/channels", token).compose(list -> {
      JsonObject keys = accountId.equals(kept.getString("accountId"))
          ? kept.getJsonObject("channels", new JsonObject()) : new JsonObject();
      Map<String, JsonObject> existing = new HashMap<>();
      items(list.expect("listing channels", 200)).forEach(c -> existing.putIfAbsent(c.getString("kind") + "|"
          + c.getString("name"), c));
      Map<String, ChannelKey> byKind = new LinkedHashMap<>();
      // The relay and the Graph API come back on the ports the existing channels were made with.
      return providers.start(relayPort(existing.get("email|" + CHANNELS.get(0).name())),
              graphPort(existing.get("social|" + CHANNELS.get(3).name())))
          .compose(started -> sequentially(CHANNELS, spec -> {
            JsonObject found = existing.get(spec.kind() + "|" + spec.name());
            Future<ChannelKey> key = found == null ? createChannel(token, spec, teams)
                : reuseOrRotate(token, found, keys.getJsonObject(found.getString("id")));
            return key.compose(this::withProviderSettings).map(k -> byKind.put(k.kind(), k));
          }))
          .compose(v -> vertx.executeBlocking(() -> {
            files.saveChannelKeys(keysFile(accountId, byKind));
            return byKind;
          }, false));
    }));
  }

  /** What the channel's adapter reads (secrets included), so the demo can sign what providers would send. */
  private Future<ChannelKey> withProviderSettings(ChannelKey key) {
    return api.get("/api/v1/adapter/channel", key.apiKey()).map(read -> read.status() == 200
        ? key.withSettings(read.body().getJsonObject("settings", new JsonObject())) : key);
  }

  private static int relayPort(JsonObject emailChannel) {
    JsonObject relay = emailChannel == null ? null
        : emailChannel.getJsonObject("settings", new JsonObject()).getJsonObject("relay");
    return relay == null ? 0 : relay.getInteger("port", 0);
  }

  private static int graphPort(JsonObject socialChannel) {
    String url = socialChannel == null ? null
        : socialChannel.getJsonObject("settings", new JsonObject()).getString("graphBaseUrl");
    try {
      int port = url == null ? -1 : java.net.URI.create(url).getPort();
      return Math.max(port, 0);
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  /**
   * The provider side of each demo channel: mail from the demo's customers is trusted (they reach
   * the listener directly) and replies go to the demo relay; calls come as Twilio callbacks;
   * social messages as Meta webhooks, replies to the demo Graph API, with two WhatsApp templates.
   */
  private JsonObject settings(ChannelSpec spec) {
    JsonObject s = new JsonObject().put("defaultRegion", "PL");
    return switch (spec.kind()) {
      case "email" -> s.put("address", "sklep@demo-shop.example").put("fromName", "Demo Shop")
          .put("trustAllSenders", true)
          .put("relay", new JsonObject().put("host", "127.0.0.1").put("port", providers.relayPort()).put("tls", "none"));
      case "chat" -> s.put("title", "Demo Shop help").put("allowedOrigins", new JsonArray().add(WidgetVisitors.ORIGIN));
      case "phone" -> s.put("provider", "twilio").put("authToken", io.switchboard.http.Ids.random(32));
      case "social" -> s.put("appSecret", io.switchboard.http.Ids.random(32))
          .put("verifyToken", io.switchboard.http.Ids.random(24)).put("accessToken", io.switchboard.http.Ids.random(40))
          .put("pageId", AdapterDoors.PAGE_ID).put("phoneNumberId", AdapterDoors.PHONE_NUMBER_ID)
          .put("graphBaseUrl", providers.graphBaseUrl())
          .put("templates", new JsonArray()
              .add(new JsonObject().put("name", "order_update").put("language", "pl")
                  .put("body", "Dzień dobry {{1}}! Your order {{2}} has news: {{3}}. Reply here with any questions."))
              .add(new JsonObject().put("name", "callback_request").put("language", "en_US")
                  .put("body", "Hello {{1}}, we tried to call you back about {{2}}. When suits you? Reply here.")));
      default -> s;
    };
  }

  private Future<ChannelKey> createChannel(String token, ChannelSpec spec, Map<String, String> teams) {
    JsonObject body = new JsonObject().put("kind", spec.kind()).put("name", spec.name())
        .put("teamId", spec.team() == null ? null : teams.get(spec.team()))
        .put("settings", settings(spec));
    return api.post("/api/v1/channels", token, body).map(created -> {
      JsonObject c = created.expect("creating the " + spec.kind() + " channel", 201).body();
      return new ChannelKey(c.getString("id"), spec.kind(), spec.name(), c.getString("apiKey"), c.getString("secret"),
          null);
    });
  }

  private Future<ChannelKey> reuseOrRotate(String token, JsonObject channel, JsonObject kept) {
    String id = channel.getString("id");
    // The chat secret never changes, and it is shown only once (reads show it masked): without the
    // kept copy, the demo's chat visitors are simply unverified.
    String secret = kept == null ? null : kept.getString("secret");
    String keptKey = kept == null ? null : kept.getString("apiKey");
    Future<Boolean> works = keptKey == null ? Future.succeededFuture(false) : keyWorks(keptKey);
    return works.compose(ok -> ok ? Future.succeededFuture(keptKey)
            : api.post("/api/v1/channels/" + id + "/keys", token, new JsonObject())
                .map(rotated -> rotated.expect("issuing a key for channel " + id, 201).body().getString("apiKey")))
        .map(key -> new ChannelKey(id, channel.getString("kind"), channel.getString("name"), key, secret, null));
  }

  /** A read-only adapter call: only a 401 says the key is unknown or revoked. */
  private Future<Boolean> keyWorks(String key) {
    return api.get("/api/v1/adapter/availability", key).map(a -> a.status() != 401);
  }

  private static JsonObject keysFile(String accountId, Map<String, ChannelKey> byKind) {
    JsonObject channels = new JsonObject();
    byKind.values().forEach(k -> channels.put(k.id(), new JsonObject().put("kind", k.kind()).put("name", k.name())
        .put("apiKey", k.apiKey()).put("secret", k.secret())));
    return new JsonObject().put("accountId", accountId).put("channels", channels);
  }

  private static List<JsonObject> items(Answer list) {
    List<JsonObject> out = new ArrayList<>();
    list.body().getJsonArray("items", new JsonArray()).forEach(o -> out.add((JsonObject) o));
    return out;
  }

  /** Runs the steps one after another (the demo is small; order keeps the output readable). */
  static <T> Future<Void> sequentially(List<T> items, Function<T, Future<?>> step) {
    Future<?> chain = Future.succeededFuture();
    for (T item : items) {
      chain = chain.compose(v -> step.apply(item));
    }
    return chain.mapEmpty();
  }
}
