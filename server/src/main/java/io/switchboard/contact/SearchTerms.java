package io.switchboard.contact;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a search box query could name, read the way ingest normalizes identities (see
 * ingest/Identities): an email lower-cased, a phone number in E.164 (national numbers read with the
 * account's default region), a social handle without its "@". Pure code, no I/O.
 *
 * <p>Search ranks hits in tiers: 1 an identity equal to one of {@link #exactValues()} (or a social
 * handle equal to the query), 2 the contact's name, the subject or part of an identity, 3 the words
 * of a message; within a tier the most recently active first.
 */
public record SearchTerms(String text, String pattern, List<String> exactValues, String handle, String phoneDigits) {

  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
  /** Digits with the separators people type in phone numbers: "+48 601-234 567", "(601) 234.567". */
  private static final Pattern PHONE_LIKE = Pattern.compile("[+]?[0-9 ()./-]{6,40}");
  private static final Pattern HANDLE = Pattern.compile("@?[\\p{L}\\p{N}._-]{2,100}");

  /** Trigram indexes need three characters; shorter fragments of names or identities are not looked up. */
  public static final int MIN_FRAGMENT = 3;

  /** True when the query could be a phone number (the caller then needs the account's region). */
  public static boolean phoneLike(String q) {
    return q != null && PHONE_LIKE.matcher(q.trim()).matches() && digits(q).length() >= 6;
  }

  /**
   * @param q      the trimmed query, at most 200 characters
   * @param region the account's default region for national phone numbers, or null
   */
  public static SearchTerms of(String q, String region) {
    String text = q.trim();
    String lower = text.toLowerCase(Locale.ROOT);
    List<String> exact = new ArrayList<>();
    if (lower.indexOf('@') > 0) {
      exact.add(lower);
    }
    String phoneDigits = null;
    if (phoneLike(text)) {
      String e164 = e164(text, region);
      if (e164 != null) {
        exact.add(e164);
      }
      // Part of a number matches the stored E.164 value by its digits ("601 234" in +48601234567).
      phoneDigits = digits(text);
    }
    String handle = null;
    if (HANDLE.matcher(text).matches()) {
      handle = text.startsWith("@") ? text.substring(1) : text;
    }
    return new SearchTerms(text, "%" + escapeLike(lower) + "%", List.copyOf(exact), handle, phoneDigits);
  }

  /** Long enough for the trigram indexes of names, subjects and identity values. */
  public boolean fragment() {
    return text.length() >= MIN_FRAGMENT;
  }

  static String e164(String raw, String region) {
    try {
      String cleaned = raw.trim().startsWith("00") ? "+" + raw.trim().substring(2) : raw.trim();
      Phonenumber.PhoneNumber number = PHONES.parse(cleaned, region == null ? "ZZ" : region);
      return PHONES.isPossibleNumber(number) ? PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.E164) : null;
    } catch (NumberParseException e) {
      return null;
    }
  }

  static String digits(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c >= '0' && c <= '9') {
        out.append(c);
      }
    }
    return out.toString();
  }

  public static String escapeLike(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  /**
   * A short piece of text around the first place one of the query's words occurs (case-insensitive),
   * for the console to show and highlight; the start of the text when none is found.
   */
  public static String snippet(String text, String q, int width) {
    if (text == null) {
      return null;
    }
    String flat = text.replaceAll("\\s+", " ").trim();
    String lower = flat.toLowerCase(Locale.ROOT);
    int at = -1;
    for (String word : q.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (!word.isEmpty()) {
        int i = lower.indexOf(word);
        if (i >= 0 && (at < 0 || i < at)) {
          at = i;
        }
      }
    }
    if (flat.length() <= width) {
      return flat;
    }
    int start = at < 0 ? 0 : Math.max(0, Math.min(at - width / 3, flat.length() - width));
    String cut = flat.substring(start, Math.min(flat.length(), start + width));
    return (start > 0 ? "…" : "") + cut + (start + width < flat.length() ? "…" : "");
  }
}
