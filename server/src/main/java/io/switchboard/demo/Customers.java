package io.switchboard.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * The demo shop's customers: Polish names, +48 numbers and a social account each. Many of them
 * reach the shop on more than one channel with the same email or phone, which is what lets the
 * server join their messages into one conversation.
 */
final class Customers {

  /** platform/handle: the social account; a WhatsApp handle is the wa_id, the number's digits. */
  record Customer(String name, String email, String phone, String platform, String handle) {

    String firstName() {
      return name.substring(0, name.indexOf(' '));
    }

    /** The number as a Polish caller id shows it, without the country code: "600 123 456". */
    String nationalPhone() {
      return phone.substring(4);
    }
  }

  private static final String[][] NAMES = {
      {"Anna", "Kowalska"}, {"Tomasz", "Nowak"}, {"Magdalena", "Wójcik"}, {"Paweł", "Kamiński"},
      {"Agnieszka", "Lewandowska"}, {"Michał", "Zieliński"}, {"Joanna", "Szymańska"}, {"Krzysztof", "Woźniak"},
      {"Monika", "Dąbrowska"}, {"Łukasz", "Kozłowski"}, {"Ewa", "Jankowska"}, {"Jakub", "Mazur"},
      {"Karolina", "Kwiatkowska"}, {"Marcin", "Krawczyk"}, {"Natalia", "Piotrowska"}, {"Bartosz", "Grabowski"},
      {"Aleksandra", "Pawłowska"}, {"Grzegorz", "Michalski"}, {"Zofia", "Król"}, {"Wojciech", "Wieczorek"},
      {"Małgorzata", "Jabłońska"}, {"Adam", "Wróbel"}, {"Dominika", "Majewska"}, {"Rafał", "Olszewski"},
      {"Beata", "Stępień"}, {"Szymon", "Malinowski"}, {"Weronika", "Jaworska"}, {"Kamil", "Adamczyk"},
      {"Iwona", "Dudek"}, {"Mateusz", "Nowicki"}, {"Alicja", "Pietrzak"}, {"Dawid", "Górski"}};

  private static final String[] MAIL_DOMAINS = {"wp.example", "onet.example", "gmail.example", "interia.example",
      "o2.example"};
  private static final String[] MOBILE_PREFIXES = {"501", "502", "503", "509", "510", "512", "530", "535", "570",
      "571", "600", "601", "602", "603", "604", "605", "606", "607", "608", "609", "660", "661", "662", "663", "664",
      "665", "690", "691", "692", "693", "694", "695", "720", "721"};
  private static final String[] PLATFORMS = {"messenger", "instagram", "whatsapp"};

  private Customers() {
  }

  static List<Customer> all() {
    List<Customer> out = new ArrayList<>();
    for (int i = 0; i < NAMES.length; i++) {
      String first = NAMES[i][0];
      String last = NAMES[i][1];
      String email = ascii(first) + "." + ascii(last) + "@" + MAIL_DOMAINS[i % MAIL_DOMAINS.length];
      // a distinct mobile prefix per customer, so numbers never repeat and all are valid Polish mobiles
      String phone = String.format("+48 %s %03d %03d", MOBILE_PREFIXES[i % MOBILE_PREFIXES.length],
          100 + i * 23 % 900, 200 + i * 37 % 800);
      String platform = PLATFORMS[i % PLATFORMS.length];
      String handle = switch (platform) {
        case "whatsapp" -> phone.replaceAll("[^0-9]", "");
        case "instagram" -> String.valueOf(17841400000000000L + i * 7919L);
        default -> String.valueOf(5839201100000L + i * 104729L);
      };
      out.add(new Customer(first + " " + last, email, phone, platform, handle));
    }
    return List.copyOf(out);
  }

  /** Polish letters to their plain Latin base, as people write them in email addresses. */
  static String ascii(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toLowerCase().toCharArray()) {
      b.append(switch (c) {
        case 'ą' -> 'a';
        case 'ć' -> 'c';
        case 'ę' -> 'e';
        case 'ł' -> 'l';
        case 'ń' -> 'n';
        case 'ó' -> 'o';
        case 'ś' -> 's';
        case 'ź', 'ż' -> 'z';
        default -> c;
      });
    }
    return b.toString();
  }
}
