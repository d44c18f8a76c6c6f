package io.switchboard.channels.phone;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A phone channel's settings (shared/api.md, "Phone").
 *
 * @param provider       "twilio" or "cti" (both endpoints are served; this says which the admin set up)
 * @param authToken      the Twilio account's auth token: the key of X-Twilio-Signature and of recording downloads
 * @param secret         the channel's signing secret: the key of the CTI events' X-Switchboard-Signature
 * @param recordingHosts the hosts a CTI system's recordingUrl may name (its PBX); none by default
 */
public record PhoneSettings(String provider, String authToken, String secret, List<String> recordingHosts) {

  public static PhoneSettings from(JsonObject s) {
    List<String> hosts = new ArrayList<>();
    JsonArray h = s.getJsonArray("recordingHosts");
    if (h != null) {
      h.forEach(v -> {
        if (v instanceof String host && !host.isBlank()) {
          hosts.add(host.trim());
        }
      });
    }
    return new PhoneSettings(s.getString("provider", "twilio"), blankToNull(s.getString("authToken")),
        blankToNull(s.getString("secret")), List.copyOf(hosts));
  }

  private static String blankToNull(String v) {
    return v == null || v.isBlank() ? null : v;
  }
}
