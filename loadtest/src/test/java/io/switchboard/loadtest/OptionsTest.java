package io.switchboard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.http.WebSocketClientOptions;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OptionsTest {

  @Test
  @DisplayName("by default: the team crowd listens, no deflate, the server is told not to compress, naive runs")
  void defaults() {
    Options o = Options.parse(new String[] {"--quick"});
    assertThat(o.audiences()).containsExactly(Audience.CROWD);
    assertThat(o.deflate()).isEqualTo(WsDeflate.OFF);
    assertThat(o.compareDeflate()).isFalse();
    assertThat(o.serverCompression()).isFalse();
    assertThat(o.scenarios()).contains("naive", "baselines", "ingest");
  }

  @Test
  @DisplayName("--audience takes team and numbers, in order, without repeats")
  void audiences() {
    assertThat(Options.parse(new String[] {"--audience", "20"}).audiences()).containsExactly(new Audience(20));
    assertThat(Options.parse(new String[] {"--audience", "team,20,team"}).audiences())
        .containsExactly(Audience.CROWD, new Audience(20));
    assertThat(Audience.parseList("20,team")).containsExactly(new Audience(20), Audience.CROWD);
    assertThat(new Audience(20).label()).isEqualTo("20 stream clients");
    assertThat(Audience.CROWD.key()).isEqualTo("team");
    assertThatThrownBy(() -> Options.parse(new String[] {"--audience", "many"})).hasMessageContaining("--audience");
    assertThatThrownBy(() -> Options.parse(new String[] {"--audience", "0"})).hasMessageContaining("at least one");
    assertThatThrownBy(() -> Options.parse(new String[] {"--audience"})).hasMessageContaining("needs a value");
  }

  @Test
  @DisplayName("--ws-deflate makes clients ask and the started server accept")
  void deflate() {
    Options o = Options.parse(new String[] {"--smoke", "--ws-deflate", "--ws-deflate-level", "3", "--ws-deflate-no-context"});
    assertThat(o.deflate()).isEqualTo(new WsDeflate(true, 3, true));
    assertThat(o.serverCompression()).isTrue();
    assertThatThrownBy(() -> Options.parse(new String[] {"--ws-deflate-level", "3"}))
        .hasMessageContaining("go with --ws-deflate");
    assertThatThrownBy(() -> Options.parse(new String[] {"--ws-deflate", "--ws-deflate-level", "12"}))
        .hasMessageContaining("1 to 9");
  }

  @Test
  @DisplayName("--compare-deflate alone: clients do not ask elsewhere, but the server must accept for the 'on' case")
  void compare() {
    Options o = Options.parse(new String[] {"--compare-deflate", "--only", "connections"});
    assertThat(o.deflate().on()).isFalse();
    assertThat(o.compareDeflate()).isTrue();
    assertThat(o.serverCompression()).isTrue();
    assertThat(o.scenarios()).containsExactly("connections");
    assertThat(List.of(o.deflate().withOn(false), o.deflate().withOn(true))).extracting(WsDeflate::on)
        .containsExactly(false, true);
  }

  @Test
  @DisplayName("the client options carry the deflate offer only when it is on")
  void clientOptions() {
    WebSocketClientOptions on = new WsDeflate(true, 4, true).applyTo(new WebSocketClientOptions());
    assertThat(on.getTryUsePerMessageCompression()).isTrue();
    assertThat(on.getCompressionLevel()).isEqualTo(4);
    assertThat(on.getCompressionRequestServerNoContext()).isTrue();
    WebSocketClientOptions off = WsDeflate.OFF.applyTo(new WebSocketClientOptions());
    assertThat(off.getTryUsePerMessageCompression()).isFalse();
    assertThat(off.getTryUsePerFrameCompression()).isFalse();
    assertThat(WsDeflate.ON.label()).isEqualTo("on (level 6)");
  }

  @Test
  @DisplayName("--only cluster picks scenario 6 alone, and --help names it")
  void cluster() {
    Options o = Options.parse(new String[] {"--quick", "--only", "cluster"});
    assertThat(o.scenarios()).containsExactly("cluster");
    assertThat(Options.ALL).contains("cluster");
    assertThatThrownBy(() -> Options.parse(new String[] {"--help"})).hasMessageContaining("cluster: scenario 6");
  }

  @Test
  @DisplayName("--only search with --history-messages sizes the large history; the plan's size otherwise")
  void history() {
    Options o = Options.parse(new String[] {"--quick", "--only", "search", "--history-messages", "5000000"});
    assertThat(o.scenarios()).containsExactly("search");
    assertThat(o.historyMessages()).isEqualTo(5_000_000);
    assertThat(Options.parse(new String[] {"--quick"}).historyMessages()).isZero();
    assertThatThrownBy(() -> Options.parse(new String[] {"--history-messages", "many"}))
        .hasMessageContaining("takes a number");
  }

  @Test
  @DisplayName("unknown options and --only names are refused")
  void refused() {
    assertThatThrownBy(() -> Options.parse(new String[] {"--deflate"})).hasMessageContaining("unknown option");
    assertThatThrownBy(() -> Options.parse(new String[] {"--only", "naive,nonsense"})).hasMessageContaining("--only");
  }
}
