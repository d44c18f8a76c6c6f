package io.switchboard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LargeHistoryTest {

  @Test
  @DisplayName("the load account gets the messages asked for, two neighbour accounts a tenth each")
  void parts() {
    List<LargeHistory.Part> parts = LargeHistory.parts("acc_load", "run1", 5_000_000);
    assertThat(parts).extracting(LargeHistory.Part::accountId)
        .containsExactly("acc_load", "acc_h_run1_1", "acc_h_run1_2");
    assertThat(parts).extracting(LargeHistory.Part::messages).containsExactly(5_000_000L, 500_000L, 500_000L);
    assertThat(parts.get(0).conversations()).isEqualTo(250_000);
    assertThat(parts.get(0).contacts()).isEqualTo(83_333);
    // a history smaller than one conversation still has one conversation and one contact
    assertThat(LargeHistory.parts("a", "t", 7).get(0).conversations()).isEqualTo(1);
    assertThat(LargeHistory.parts("a", "t", 7).get(0).contacts()).isEqualTo(1);
  }

  @Test
  @DisplayName("a contact's name, address and number follow from its number, as the SQL writes them")
  void contacts() {
    int first = LargeHistory.FIRST_NAMES.size();
    assertThat(LargeHistory.name(0)).isEqualTo("Anna Nowak");
    assertThat(LargeHistory.name(first + 1)).isEqualTo("Maria Kowalski");
    // diacritics dropped and ł written as l, as translate() does in IDENTITIES
    long lukasz = LargeHistory.FIRST_NAMES.indexOf("Łukasz") + (long) first * LargeHistory.LAST_NAMES.indexOf("Wiśniewski");
    assertThat(LargeHistory.email(lukasz)).isEqualTo("lukasz.wisniewski." + lukasz + "@mail.example");
    assertThat(LargeHistory.phoneDigits(42)).isEqualTo("600000042").hasSize(9);
  }
}
