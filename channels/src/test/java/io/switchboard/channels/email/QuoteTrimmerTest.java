package io.switchboard.channels.email;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Email: quoted replies are trimmed for the timeline")
class QuoteTrimmerTest {

  @Test
  void englishAttribution() {
    assertThat(QuoteTrimmer.trim("Thanks, it arrived.\n\nOn Mon, 3 Nov 2025 at 10:00, Shop <help@shop.example> wrote:\n> Your parcel left today\n"))
        .isEqualTo("Thanks, it arrived.");
  }

  @Test
  void polishAttribution() {
    assertThat(QuoteTrimmer.trim("Dziękuję!\n\nW dniu 3.11.2025 o 10:00, Sklep <help@shop.example> pisze:\n> Paczka wyszła\n"))
        .isEqualTo("Dziękuję!");
  }

  @Test
  void outlookHeaderBlock() {
    assertThat(QuoteTrimmer.trim("Still nothing.\r\n\r\n-----Original Message-----\r\nFrom: Shop\r\nSent: Monday\r\n\r\nold text"))
        .isEqualTo("Still nothing.");
    assertThat(QuoteTrimmer.trim("Still nothing.\n\nFrom: Shop <help@shop.example>\nSent: Monday, 3 November\nTo: Ann\n\nold"))
        .isEqualTo("Still nothing.");
  }

  @Test
  void inlineQuotesAnsweredBelowAreKept() {
    String interleaved = "> Which size?\nM, please.\n> Which colour?\nBlue.";
    assertThat(QuoteTrimmer.trim(interleaved)).isEqualTo(interleaved);
  }

  @Test
  void allQuoteIsKeptWhole() {
    assertThat(QuoteTrimmer.trim("> only a quote\n> here")).isEqualTo("> only a quote\n> here");
  }
}
