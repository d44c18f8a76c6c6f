package io.switchboard.channels.chat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The open widget sockets of one channel, by visitor. A visitor is a chat session: a 256-bit
 * random secret the widget keeps in the shop page's localStorage, used as the thread key (whoever
 * holds it reads the thread, so it is never an email or anything guessable). Towards the core the
 * visitor is named by a hash of it (from.handle), so the secret never shows in the console.
 */
final class Visitors {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern SESSION = Pattern.compile("[A-Za-z0-9_-]{43}");

  private final Map<String, Set<VisitorSocket>> sockets = new ConcurrentHashMap<>();
  private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
  private final int maxSockets;
  private final int maxPerAddress;

  Visitors(int maxSockets, int maxPerAddress) {
    this.maxSockets = maxSockets;
    this.maxPerAddress = maxPerAddress;
  }

  static String newSession() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Only a session in the shape this adapter mints: a visitor cannot pick a short or shared one. */
  static boolean wellFormed(String session) {
    return session != null && SESSION.matcher(session).matches();
  }

  /** The visitor's handle towards the core: not the secret itself. */
  static String handle(String session) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(session.getBytes(StandardCharsets.US_ASCII));
      return "v" + HexFormat.of().formatHex(h, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Takes a place for a new socket from this address; false when the channel or the address is full. */
  synchronized boolean admit(String address) {
    int total = perAddress.values().stream().mapToInt(Integer::intValue).sum();
    int mine = perAddress.getOrDefault(address, 0);
    if (total >= maxSockets || mine >= maxPerAddress) {
      return false;
    }
    perAddress.put(address, mine + 1);
    return true;
  }

  synchronized void release(String address) {
    perAddress.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
  }

  void join(String handle, VisitorSocket socket) {
    sockets.computeIfAbsent(handle, k -> ConcurrentHashMap.newKeySet()).add(socket);
  }

  void leave(String handle, VisitorSocket socket) {
    sockets.computeIfPresent(handle, (k, set) -> {
      set.remove(socket);
      return set.isEmpty() ? null : set;
    });
  }

  Set<VisitorSocket> of(String handle) {
    Set<VisitorSocket> s = handle == null ? null : sockets.get(handle);
    return s == null ? Set.of() : Set.copyOf(s);
  }

  Set<VisitorSocket> all() {
    Set<VisitorSocket> out = ConcurrentHashMap.newKeySet();
    sockets.values().forEach(out::addAll);
    return out;
  }
}
