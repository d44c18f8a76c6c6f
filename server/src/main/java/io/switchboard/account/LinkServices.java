package io.switchboard.account;

import io.switchboard.http.Authenticator;
import io.switchboard.http.RateLimiter;
import io.vertx.sqlclient.Pool;
import java.util.function.Supplier;

/**
 * What the flows of single-use links (invitations, password resets) use: people and their links,
 * password hashing, sessions, the relay, the public routes' limits and the public URL for links.
 */
public record LinkServices(Pool db, UserRepository users, AccountRepository accounts, UserLinks links,
    Passwords passwords, AuthRoutes sessions, Authenticator auth, StaffMail mail, RateLimiter limits,
    Supplier<String> publicUrl) {
}
