package io.switchboard.http;

import java.util.List;

/**
 * A failure that becomes an RFC 9457 problem+json answer. Code fails with one of these and the
 * root failure handler ({@link ProblemHandler}) writes it; nothing else writes error bodies.
 */
public final class Problem extends RuntimeException {

  public record FieldError(String field, String message) {
  }

  private final int status;
  private final String title;
  private final List<FieldError> errors;
  private final transient Object extension;
  private final Integer retryAfter;

  private Problem(int status, String title, String detail, List<FieldError> errors, Object extension,
      Integer retryAfter) {
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
    this.errors = errors;
    this.extension = extension;
    this.retryAfter = retryAfter;
  }

  public static Problem of(int status, String title, String detail) {
    return new Problem(status, title, detail, List.of(), null, null);
  }

  public static Problem badJson(String detail) {
    return of(400, "Malformed request", detail);
  }

  public static Problem invalid(String field, String message) {
    return invalid(List.of(new FieldError(field, message)));
  }

  public static Problem invalid(List<FieldError> errors) {
    String detail = errors.size() == 1
        ? errors.get(0).field() + ": " + errors.get(0).message()
        : errors.size() + " fields are invalid";
    return new Problem(422, "Validation failed", detail, List.copyOf(errors), null, null);
  }

  /** A 422 whose detail speaks to the user (the console shows it as is), with the field it is about. */
  public static Problem invalidSaying(String detail, String field, String message) {
    return new Problem(422, "Validation failed", detail, List.of(new FieldError(field, message)), null, null);
  }

  public static Problem unauthorized(String detail) {
    return of(401, "Unauthorized", detail);
  }

  public static Problem forbidden() {
    return of(403, "Forbidden", "your role may not use this endpoint");
  }

  public static Problem notFound(String what) {
    return of(404, "Not found", what + " not found");
  }

  /** No route matches the method and path (not "this object does not exist", which is {@link #notFound}). */
  public static Problem noRoute() {
    return of(404, NO_ROUTE, "no route matches this method and path");
  }

  /** The title of {@link #noRoute()}: how a client tells an unknown route from an unknown object. */
  public static final String NO_ROUTE = "No such route";

  public static Problem conflict(String detail) {
    return of(409, "Conflict", detail);
  }

  /** A 409 that carries an object the client must see (for example the message it missed). */
  public static Problem conflict(String detail, Object extension) {
    return new Problem(409, "Conflict", detail, List.of(), extension, null);
  }

  public static Problem gone(String detail) {
    return of(410, "Gone", detail);
  }

  public static Problem tooLarge(String detail) {
    return of(413, "Payload too large", detail);
  }

  public static Problem tooMany(int retryAfterSeconds) {
    return new Problem(429, "Too many requests", "slow down", List.of(), null, retryAfterSeconds);
  }

  public static Problem unavailable(String detail, int retryAfterSeconds) {
    return new Problem(503, "Service unavailable", detail, List.of(), null, retryAfterSeconds);
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  public List<FieldError> errors() {
    return errors;
  }

  /** Extra members merged into the problem body (e.g. {"message": {...}}), or null. */
  public Object extension() {
    return extension;
  }

  public Integer retryAfter() {
    return retryAfter;
  }
}
