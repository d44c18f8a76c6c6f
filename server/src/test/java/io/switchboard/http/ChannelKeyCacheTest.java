package io.switchboard.http;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Channel-key cache: invalidation wins over a look-up in flight, and secrets stay out of logs")
class ChannelKeyCacheTest {

  private static ChannelKeyCache.Holder holder(String channelId, String accountId) {
    return new ChannelKeyCache.Holder(new Caller.Channel(channelId, accountId, "chat", null, "PL", 7),
        new ChatSecret("s3cret-value"));
  }

  @Test
  @DisplayName("a look-up that started before a change is not stored (it may have read the old row)")
  void staleLookUpIsDropped() {
    ChannelKeyCache cache = new ChannelKeyCache();
    long started = cache.generation();
    cache.channelChanged("ch_1"); // e.g. the key was revoked while the query ran
    cache.put("h1", holder("ch_1", "acc_1"), started);
    assertThat(cache.get("h1")).isNull();
    cache.put("h1", holder("ch_1", "acc_1"), cache.generation());
    assertThat(cache.get("h1")).isNotNull();
  }

  @Test
  @DisplayName("a channel change forgets that channel's keys; an account change forgets all its channels")
  void forgetsWhatChanged() {
    ChannelKeyCache cache = new ChannelKeyCache();
    cache.put("a", holder("ch_a", "acc_1"), cache.generation());
    cache.put("b", holder("ch_b", "acc_1"), cache.generation());
    cache.put("c", holder("ch_c", "acc_2"), cache.generation());
    cache.channelChanged("ch_a");
    assertThat(cache.get("a")).isNull();
    assertThat(cache.get("b")).isNotNull();
    cache.accountChanged("acc_1");
    assertThat(cache.get("b")).isNull();
    assertThat(cache.get("c")).isNotNull();
  }

  @Test
  @DisplayName("the chat secret is never printed with the caller")
  void secretHidden() {
    assertThat(holder("ch_1", "acc_1").toString()).doesNotContain("s3cret-value");
  }
}
