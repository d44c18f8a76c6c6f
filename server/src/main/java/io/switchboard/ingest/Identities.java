package io.switchboard.ingest;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import io.switchboard.http.Caller;
import io.switchboard.http.Check;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Rule 1's first half: normalizes the sender's identities and decides which of them the adapter
 * vouches for. Pure code, no I/O.
 */
public final class Identities {

  /** A normalized identity. parsed=false (an unreadable phone) never matches anything. */
  public record Identity(String kind, String value, String platform, boolean verified, boolean parsed) {

    /** The advisory-lock key that serializes concurrent messages about this identity. */
    String lockKey(String accountId) {
      return "identity:" + accountId + ":" + kind + ":" + value;
    }
  }

  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

  private Identities() {
  }

  /**
   * @param chatSecret the chat channel's secret for from.signature, or null
   */
  public static List<Identity> of(Caller.Channel channel, InboundMessage.From from, String chatSecret, Check check) {
    List<String> vouched = from.verified() == null ? List.of() : from.verified();
    for (int i = 0; i < vouched.size(); i++) {
      check.oneOf("from.verified[" + i + "]", vouched.get(i), List.of("email", "phone", "handle"));
    }
    // "unverified" wins over the channel's default (the contract): an email adapter sends it for a
    // sender whose From no trusted server authenticated.
    List<String> disowned = from.unverified() == null ? List.of() : from.unverified();
    for (int i = 0; i < disowned.size(); i++) {
      check.oneOf("from.unverified[" + i + "]", disowned.get(i), List.of("email", "phone", "handle"));
    }
    String kind = channel.kind();
    boolean store = kind.equals("store");
    boolean signed = kind.equals("chat") && from.email() != null && io.switchboard.channels.chat.VisitorSignature.valid(chatSecret, from.email(),
        from.signature());
    // A signature that does not check out is refused, not quietly downgraded to "unverified": the
    // shop's widget is misconfigured, or someone is trying another customer's email.
    check.that(!kind.equals("chat") || from.signature() == null || from.signature().isBlank() || signed,
        "from.signature", "is not HMAC-SHA256(channel secret, from.email) for this channel");
    List<Identity> out = new ArrayList<>();
    if (present(from.email())) {
      String email = from.email().trim().toLowerCase(Locale.ROOT);
      check.email("from.email", email).maxLength("from.email", email, 254);
      boolean verified = (store || kind.equals("email") || signed || vouched.contains("email"))
          && !disowned.contains("email");
      out.add(new Identity("email", email, null, verified, true));
    }
    if (present(from.phone())) {
      check.maxLength("from.phone", from.phone(), 64);
      boolean verified = (store || kind.equals("phone") || vouched.contains("phone")) && !disowned.contains("phone");
      out.add(phone(from.phone(), channel.defaultRegion(), verified));
    }
    if (present(from.handle())) {
      check.maxLength("from.handle", from.handle(), 256).maxLength("from.platform", from.platform(), 64);
      // A chat visitor id is minted by this channel's widget: it is scoped to the channel, so it can
      // only ever meet the same visitor again, and the channel vouches for its own sessions.
      String platform = kind.equals("chat") ? "chat:" + channel.channelId()
          : present(from.platform()) ? from.platform().trim().toLowerCase(Locale.ROOT) : kind;
      boolean verified = (store || kind.equals("social") || kind.equals("chat") || vouched.contains("handle"))
          && !disowned.contains("handle");
      out.add(new Identity("social", platform + ":" + from.handle().trim(), platform, verified, true));
    }
    if (out.isEmpty()) {
      check.that(false, "from", "needs at least one of email, phone, handle");
    } else if (out.stream().noneMatch(Identity::parsed)) {
      check.that(false, "from.phone", "is not a phone number that can be read, and it is the only identity");
    }
    return out;
  }

  /** The identity that names the channel's own kind (the one replies go to), if present. */
  public static Identity own(String channelKind, List<Identity> ids) {
    String wanted = switch (channelKind) {
      case "email", "store" -> "email";
      case "phone" -> "phone";
      default -> "social";
    };
    return ids.stream().filter(i -> i.kind().equals(wanted) && i.parsed()).findFirst()
        .orElse(ids.stream().filter(Identity::parsed).findFirst().orElse(null));
  }

  static Identity phone(String raw, String region, boolean verified) {
    try {
      Phonenumber.PhoneNumber number = PHONES.parse(raw.trim(), region == null ? "ZZ" : region);
      if (PHONES.isPossibleNumber(number)) {
        return new Identity("phone", PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.E164), null, verified, true);
      }
    } catch (NumberParseException e) {
      // kept as typed below
    }
    return new Identity("phone", raw.trim(), null, false, false);
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
