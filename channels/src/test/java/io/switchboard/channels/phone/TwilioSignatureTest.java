package io.switchboard.channels.phone;

import io.vertx.core.json.JsonObject;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Twilio request validation against Twilio's published vectors")
class TwilioSignatureTest {

  @Test
  @DisplayName("every vector of twilio-java's RequestValidatorTest validates (or fails) as published")
  void publishedVectors() {
    var vectors = ProviderFixtures.json("twilio", "twilio-java_request-validator_vectors.json").getJsonArray("vectors");
    assertThat(vectors).hasSize(3);
    for (int i = 0; i < vectors.size(); i++) {
      JsonObject v = vectors.getJsonObject(i);
      List<Map.Entry<String, String>> params = new ArrayList<>();
      v.getJsonObject("params").forEach(e -> params.add(new AbstractMap.SimpleEntry<>(e.getKey(), (String) e.getValue())));
      boolean valid = TwilioSignature.valid(v.getString("auth_token"), v.getString("url"), params,
          v.getString("x_twilio_signature"));
      assertThat(valid).as(v.getString("test")).isEqualTo(v.getBoolean("valid"));
      if (v.getBoolean("valid")) {
        assertThat(TwilioSignature.compute(v.getString("auth_token"), v.getString("url"), params))
            .isEqualTo(v.getString("x_twilio_signature"));
      }
    }
  }

  @Test
  @DisplayName("a changed parameter, another token, another URL or no header fail")
  void tamperingFails() {
    List<Map.Entry<String, String>> params = List.of(new AbstractMap.SimpleEntry<>("CallSid", "CA1"),
        new AbstractMap.SimpleEntry<>("From", "+48600100200"));
    String url = "https://support.shop.example/channels/ch_1/twilio/voice";
    String sig = TwilioSignature.compute("tok", url, params);
    assertThat(TwilioSignature.valid("tok", url, params, sig)).isTrue();
    assertThat(TwilioSignature.valid("tok", url, List.of(params.get(0),
        new AbstractMap.SimpleEntry<>("From", "+48600100201")), sig)).isFalse();
    assertThat(TwilioSignature.valid("other", url, params, sig)).isFalse();
    assertThat(TwilioSignature.valid("tok", "http://127.0.0.1:8080/channels/ch_1/twilio/voice", params, sig)).isFalse();
    assertThat(TwilioSignature.valid("tok", url, params, null)).isFalse();
    assertThat(TwilioSignature.valid(null, url, params, sig)).isFalse();
    // Twilio may sign https URLs with the default port written out.
    assertThat(TwilioSignature.valid("tok", url, params,
        TwilioSignature.compute("tok", "https://support.shop.example:443/channels/ch_1/twilio/voice", params))).isTrue();
  }
}
