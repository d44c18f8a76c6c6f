package io.switchboard.channels.email;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An email channel's settings (shared/api.md, "Email"), read from GET /api/v1/adapter/channel.
 *
 * @param relay null when the channel has none (replies then go through SWITCHBOARD_SMTP_RELAY)
 * @param imap  null when the channel takes mail only through the SMTP listener
 */
public record EmailSettings(String address, String fromName, Relay relay, Imap imap, List<String> trustedAuthServIds,
    boolean trustAllSenders) {

  /** tls: "starttls", "tls" (implicit, port 465) or "none". */
  public record Relay(String host, int port, String username, String password, String tls) {

    /** smtp://user:pass@host:port (smtps:// for implicit TLS), as in SWITCHBOARD_SMTP_RELAY. */
    public static Relay fromUrl(String url) {
      URI u = URI.create(url);
      String user = null;
      String pass = null;
      if (u.getRawUserInfo() != null) {
        String[] up = u.getRawUserInfo().split(":", 2);
        user = URLDecoder.decode(up[0], StandardCharsets.UTF_8);
        pass = up.length > 1 ? URLDecoder.decode(up[1], StandardCharsets.UTF_8) : null;
      }
      boolean implicit = "smtps".equalsIgnoreCase(u.getScheme());
      int port = u.getPort() > 0 ? u.getPort() : implicit ? 465 : 587;
      String tls = implicit ? "tls" : port == 25 || "none".equals(query(u, "tls")) ? "none" : "starttls";
      if (query(u, "tls") != null) {
        tls = query(u, "tls");
      }
      return new Relay(u.getHost(), port, user, pass, tls);
    }

    /** The vertx-mail-client settings for this relay (the server's own mail uses them too). */
    public io.vertx.ext.mail.MailConfig mailConfig(String ownDomain) {
      io.vertx.ext.mail.MailConfig c = new io.vertx.ext.mail.MailConfig().setHostname(host).setPort(port)
          .setOwnHostname(ownDomain)
          .setConnectTimeout(15_000)
          .setMaxPoolSize(4)
          .setKeepAlive(true);
      switch (tls) {
        case "tls" -> c.setSsl(true).setStarttls(io.vertx.ext.mail.StartTLSOptions.DISABLED);
        case "none" -> c.setStarttls(io.vertx.ext.mail.StartTLSOptions.DISABLED);
        default -> c.setStarttls(io.vertx.ext.mail.StartTLSOptions.REQUIRED);
      }
      if (username != null && !username.isBlank()) {
        c.setLogin(io.vertx.ext.mail.LoginOption.REQUIRED).setUsername(username).setPassword(password);
      } else {
        c.setLogin(io.vertx.ext.mail.LoginOption.DISABLED);
      }
      return c;
    }

    private static String query(URI u, String name) {
      if (u.getQuery() == null) {
        return null;
      }
      for (String kv : u.getQuery().split("&")) {
        String[] p = kv.split("=", 2);
        if (p[0].equals(name) && p.length == 2) {
          return p[1];
        }
      }
      return null;
    }
  }

  public record Imap(String host, int port, String username, String password, String folder, boolean ssl) {
  }

  public static EmailSettings from(JsonObject s) {
    String address = s.getString("address");
    if (address == null || address.isBlank() || !address.contains("@")) {
      throw new IllegalArgumentException("an email channel needs settings.address");
    }
    JsonObject r = s.getJsonObject("relay");
    Relay relay = r == null || r.getString("host") == null ? null
        : new Relay(r.getString("host"), intOf(r.getValue("port"), 587), r.getString("username"),
            r.getString("password"), r.getString("tls", "starttls").toLowerCase(Locale.ROOT));
    JsonObject i = s.getJsonObject("imap");
    Imap imap = null;
    if (i != null && i.getString("host") != null) {
      int port = intOf(i.getValue("port"), 993);
      imap = new Imap(i.getString("host"), port, i.getString("username"), i.getString("password"),
          i.getString("folder", "INBOX"), i.getBoolean("ssl", port == 993));
    }
    List<String> trusted = new ArrayList<>();
    JsonArray t = s.getJsonArray("trustedAuthServIds");
    if (t != null) {
      t.forEach(v -> {
        if (v instanceof String id && !id.isBlank()) {
          trusted.add(id.trim().toLowerCase(Locale.ROOT));
        }
      });
    }
    return new EmailSettings(address.trim().toLowerCase(Locale.ROOT), s.getString("fromName"), relay, imap,
        List.copyOf(trusted), Boolean.TRUE.equals(s.getBoolean("trustAllSenders")));
  }

  /** The domain of the channel's address: the right side of the Message-IDs of its replies. */
  public String domain() {
    return address.substring(address.indexOf('@') + 1);
  }

  private static int intOf(Object v, int fallback) {
    if (v instanceof Number n) {
      return n.intValue();
    }
    if (v instanceof String str && !str.isBlank()) {
      return Integer.parseInt(str.trim());
    }
    return fallback;
  }
}
