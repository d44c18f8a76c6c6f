package io.switchboard.channels.core;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fetches a file a provider names (a call recording, a photo a customer sent) from the provider's
 * own hosts only. A URL in a webhook is attacker-chosen once a signature leaks or a provider is
 * misconfigured, so each hop (redirects included, at most 3) must be https to a host on the
 * provider's allow-list that resolves to a public address, and the connection goes to the address
 * that was checked (no second DNS answer in between). Hosts listed in SWITCHBOARD_PROVIDER_MEDIA_HOSTS
 * (host or host:port, comma-separated) are trusted as they are, plain http and local addresses
 * included: that is how tests point at a local fake provider.
 */
public final class ProviderMedia {

  /** The core takes attachments up to 25 MiB. */
  public static final int MAX_BYTES = 25 * 1024 * 1024;
  static final int MAX_REDIRECTS = 3;
  static final long TIMEOUT_MS = 30_000;

  /** A fetched file. */
  public record Media(Buffer bytes, String contentType, String filename) {
  }

  /** A URL the rules refuse (not the provider's host, a private address, too large). */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message);
    }
  }

  private final Vertx vertx;
  private final HttpClient client;
  private final List<String> providerHosts;
  private final List<String> trusted;

  /**
   * @param providerHosts the provider's hosts: "api.twilio.com" is that host, ".fbcdn.net" any host below it
   */
  public ProviderMedia(Vertx vertx, HostSettings host, List<String> providerHosts) {
    this.vertx = vertx;
    this.providerHosts = providerHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    this.trusted = trustedHosts(host.env());
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000).setIdleTimeout(60)
        .setVerifyHost(true));
  }

  static List<String> trustedHosts(Map<String, String> env) {
    String v = env.getOrDefault("SWITCHBOARD_PROVIDER_MEDIA_HOSTS", "");
    return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .map(s -> s.toLowerCase(Locale.ROOT)).toList();
  }

  /**
   * GETs the URL, following redirects under the same rules.
   *
   * @param headers sent to the first host only (credentials never follow a redirect elsewhere)
   */
  public Future<Media> fetch(String url, Map<String, String> headers) {
    return hop(url, headers, null, 0);
  }

  private Future<Media> hop(String url, Map<String, String> headers, String firstHost, int redirects) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new Refused("not a URL"));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String hostName = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
    if (hostName == null || !(scheme.equals("https") || scheme.equals("http"))) {
      return Future.failedFuture(new Refused("not an http(s) URL"));
    }
    int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    boolean isTrusted = trusted.contains(hostName) || trusted.contains(hostName + ":" + port);
    if (!isTrusted) {
      if (!scheme.equals("https")) {
        return Future.failedFuture(new Refused("provider media must be fetched over https"));
      }
      if (!providerHost(hostName)) {
        return Future.failedFuture(new Refused("host " + hostName + " is not one of the provider's"));
      }
    }
    String first = firstHost == null ? hostName : firstHost;
    Map<String, String> sent = hostName.equals(first) ? headers : Map.of();
    return resolve(hostName, isTrusted).compose(address -> request(uri, scheme, hostName, port, address, sent))
        .compose(r -> {
          if (r.redirect() != null) {
            if (redirects >= MAX_REDIRECTS) {
              return Future.failedFuture(new Refused("too many redirects"));
            }
            return hop(uri.resolve(r.redirect()).toString(), headers, first, redirects + 1);
          }
          return Future.succeededFuture(new Media(r.body(), r.contentType(), filename(uri)));
        });
  }

  private boolean providerHost(String host) {
    for (String h : providerHosts) {
      if (h.startsWith(".") ? host.endsWith(h) && host.length() > h.length() : host.equals(h)) {
        return true;
      }
    }
    return false;
  }

  /** The address to connect to; every address the name has must be public unless the host is trusted. */
  private Future<InetAddress> resolve(String host, boolean isTrusted) {
    return vertx.executeBlocking(() -> {
      InetAddress[] all = InetAddress.getAllByName(host);
      if (!isTrusted) {
        for (InetAddress a : all) {
          if (!isPublic(a)) {
            throw new Refused("host " + host + " resolves to a non-public address");
          }
        }
      }
      return all[0];
    }, false);
  }

  /** Not loopback, private, link-local, unique-local, carrier-grade NAT, multicast or unspecified. */
  static boolean isPublic(InetAddress a) {
    if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return first != 0 && !(first == 100 && second >= 64 && second < 128) && !(first == 192 && second == 0)
          && !(first == 198 && (second == 18 || second == 19)) && first < 224;
    }
    if (a instanceof Inet6Address) {
      int first = b[0] & 0xff;
      if ((first & 0xfe) == 0xfc) {
        return false; // fc00::/7
      }
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
        try {
          return isPublic(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)));
        } catch (java.net.UnknownHostException e) {
          return false;
        }
      }
    }
    return true;
  }

  private record Answer(String redirect, Buffer body, String contentType) {
  }

  private Future<Answer> request(URI uri, String scheme, String host, int port, InetAddress address,
      Map<String, String> headers) {
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port)
        .setURI(path).setSsl(scheme.equals("https")).setTimeout(TIMEOUT_MS).setFollowRedirects(false)
        .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()));
    headers.forEach(options::addHeader);
    Promise<Answer> done = Promise.promise();
    client.request(options).compose(req -> req.send().onSuccess(resp -> {
      int status = resp.statusCode();
      if (status >= 300 && status < 400 && resp.getHeader("Location") != null) {
        done.tryComplete(new Answer(resp.getHeader("Location"), null, null));
        req.reset();
        return;
      }
      if (status != 200) {
        done.tryFail(new IllegalStateException("the provider answered " + status + " for its media"));
        req.reset();
        return;
      }
      String length = resp.getHeader("Content-Length");
      if (length != null && length.matches("\\d{1,12}") && Long.parseLong(length) > MAX_BYTES) {
        done.tryFail(new Refused("the file is larger than " + MAX_BYTES + " bytes"));
        req.reset();
        return;
      }
      Buffer body = Buffer.buffer();
      resp.handler(chunk -> {
        if (body.length() + chunk.length() > MAX_BYTES) {
          done.tryFail(new Refused("the file is larger than " + MAX_BYTES + " bytes"));
          req.reset();
          return;
        }
        body.appendBuffer(chunk);
      });
      resp.exceptionHandler(done::tryFail);
      resp.endHandler(v -> done.tryComplete(new Answer(null, body, resp.getHeader("Content-Type"))));
    })).onFailure(done::tryFail);
    return done.future();
  }

  private static String filename(URI uri) {
    String p = uri.getPath() == null ? "" : uri.getPath();
    String last = p.substring(p.lastIndexOf('/') + 1);
    return last.isBlank() || last.length() > 100 ? null : last;
  }

  public Future<Void> close() {
    return client.close();
  }

  /** Every host of a provider list, for logs and docs. */
  public List<String> hosts() {
    return new ArrayList<>(providerHosts);
  }
}
