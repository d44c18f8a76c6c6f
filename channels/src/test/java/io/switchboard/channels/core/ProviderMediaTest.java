package io.switchboard.channels.core;

import java.net.InetAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Provider media: which addresses count as public")
class ProviderMediaTest {

  @Test
  void privateLoopbackAndLinkLocalAreNotPublic() throws Exception {
    for (String a : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0",
        "100.64.0.1", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "224.0.0.1"}) {
      assertThat(ProviderMedia.isPublic(InetAddress.getByName(a))).as(a).isFalse();
    }
    for (String a : new String[] {"8.8.8.8", "157.240.1.1", "2a03:2880::1"}) {
      assertThat(ProviderMedia.isPublic(InetAddress.getByName(a))).as(a).isTrue();
    }
  }
}
