package io.switchboard.http;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/** Collects field errors of one request and fails with a single 422 listing all of them. */
public final class Check {

  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
  private final List<Problem.FieldError> errors = new ArrayList<>();

  public Check required(String field, Object value) {
    if (value == null || value instanceof String s && s.isBlank()) {
      errors.add(new Problem.FieldError(field, "is required"));
    }
    return this;
  }

  public Check maxLength(String field, String value, int max) {
    if (value != null && value.length() > max) {
      errors.add(new Problem.FieldError(field, "must be at most " + max + " characters"));
    }
    return this;
  }

  public Check email(String field, String value) {
    if (value != null && !value.isBlank() && !EMAIL.matcher(value.trim()).matches()) {
      errors.add(new Problem.FieldError(field, "is not an email address"));
    }
    return this;
  }

  public Check oneOf(String field, String value, Collection<String> allowed) {
    if (value != null && !allowed.contains(value)) {
      errors.add(new Problem.FieldError(field, "must be one of " + String.join(", ", allowed)));
    }
    return this;
  }

  public Check that(boolean ok, String field, String message) {
    if (!ok) {
      errors.add(new Problem.FieldError(field, message));
    }
    return this;
  }

  public boolean ok() {
    return errors.isEmpty();
  }

  public void done() {
    if (!errors.isEmpty()) {
      throw Problem.invalid(errors);
    }
  }
}
