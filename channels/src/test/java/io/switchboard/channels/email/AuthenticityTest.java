package io.switchboard.channels.email;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Email: a From address is vouched for only by a trusted Authentication-Results")
class AuthenticityTest {

  static final List<String> TRUSTED = List.of("mx.google.com");

  @Test
  void dmarcPassFromTrustedServer() {
    assertThat(Authenticity.verified(List.of("mx.google.com;\r\n       dkim=pass header.i=@example.com;"
        + " spf=pass smtp.mailfrom=ann@example.com; dmarc=pass (p=NONE) header.from=example.com"),
        "ann@example.com", TRUSTED, false)).isTrue();
  }

  @Test
  void alignedDkimIsEnough() {
    assertThat(Authenticity.verified(List.of("mx.google.com; dkim=pass header.d=mail.example.com; dmarc=none"),
        "ann@example.com", TRUSTED, false)).isTrue();
    // A signature by another domain vouches for that domain, not for the From.
    assertThat(Authenticity.verified(List.of("mx.google.com; dkim=pass header.d=attacker.example"),
        "ann@example.com", TRUSTED, false)).isFalse();
  }

  @Test
  void untrustedOrFailedOrLowerHeadersDoNotCount() {
    assertThat(Authenticity.verified(List.of("evil.example; dmarc=pass header.from=example.com"),
        "ann@example.com", TRUSTED, false)).isFalse();
    assertThat(Authenticity.verified(List.of("mx.google.com; dmarc=fail header.from=example.com"),
        "ann@example.com", TRUSTED, false)).isFalse();
    assertThat(Authenticity.verified(List.of("mx.google.com; dmarc=pass header.from=other.example"),
        "ann@example.com", TRUSTED, false)).isFalse();
    // The sender's own header below the nearest server's: only the topmost counts.
    assertThat(Authenticity.verified(List.of("mx.google.com; dmarc=fail header.from=example.com",
        "mx.google.com; dmarc=pass header.from=example.com"), "ann@example.com", TRUSTED, false)).isFalse();
    assertThat(Authenticity.verified(List.of(), "ann@example.com", TRUSTED, false)).isFalse();
  }

  @Test
  void trustAllSenders() {
    assertThat(Authenticity.verified(List.of(), "ann@example.com", List.of(), true)).isTrue();
  }
}
