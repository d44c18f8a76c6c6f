package io.switchboard.openapi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The OpenAPI 3.1 description of every route: the contract of shared/api.md plus the extras the
 * server has. Schemas are outlines (field names, types, enums, required fields), enough for a client
 * generator or a reader; the prose of the contract stays the reference for behaviour.
 * OpenApiTest fails when a mounted route is missing here.
 */
public final class OpenApiDocument {

  /** Path to method to operation; sorted paths keep the document easy to scan. */
  private final Map<String, Map<String, Operation>> paths = new TreeMap<>();

  private OpenApiDocument() {
  }

  /** The document for a server reachable at {@code serverUrl}. */
  public static JsonObject build(String serverUrl) {
    OpenApiDocument doc = new OpenApiDocument();
    doc.accounts();
    doc.channels();
    doc.inbound();
    doc.outbound();
    doc.conversations();
    doc.slaAndCsat();
    doc.stream();
    doc.operations();
    return new JsonObject()
        .put("openapi", "3.1.0")
        .put("info", new JsonObject()
            .put("title", "Switchboard API")
            .put("version", "1")
            .put("description", "Real-time omnichannel support console. Errors are application/problem+json "
                + "(RFC 9457); times are ISO-8601 UTC; ids are opaque strings; unknown request fields are ignored."))
        .put("servers", new JsonArray().add(new JsonObject().put("url", serverUrl)))
        .put("tags", tags())
        .put("paths", doc.renderPaths())
        .put("components", new JsonObject()
            .put("securitySchemes", securitySchemes())
            .put("responses", new JsonObject().put("Problem", new JsonObject()
                .put("description", "An error: 400 bad JSON, 401, 403, 404, 409, 413, 422 with field errors, "
                    + "429 or 503 with Retry-After")
                .put("content", new JsonObject().put("application/problem+json",
                    new JsonObject().put("schema", Schema.ref("Problem"))))))
            .put("schemas", Schemas.all()));
  }

  private Operation op(String method, String path, String tag, String summary) {
    Operation op = new Operation(path, tag, summary);
    paths.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, op);
    return op;
  }

  private JsonObject renderPaths() {
    JsonObject out = new JsonObject();
    paths.forEach((path, methods) -> {
      JsonObject item = new JsonObject();
      methods.forEach((method, op) -> item.put(method, op.toJson()));
      out.put(path, item);
    });
    return out;
  }

  private void accounts() {
    op("post", "/api/v1/accounts", "Accounts", "Create an account with its first admin (operator)")
        .security("platformKey").body("CreateAccount").answers(201, "Created", "CreatedAccount");
    op("post", "/api/v1/auth/login", "Accounts", "Sign in").open().body("Login").answers(200, "A session", "Session");
    op("post", "/api/v1/auth/refresh", "Accounts", "Exchange a refresh token (single use) for a new session")
        .open().body("Refresh").answers(200, "A session", "Session");
    op("post", "/api/v1/auth/password", "Accounts", "Change one's password; earlier tokens stop working")
        .role("agent").body("ChangePassword").answers(200, "A new session", "Session");
    op("get", "/api/v1/auth/me", "Accounts", "The signed-in user").role("agent").answers(200, "The user", "User");
    op("get", "/api/v1/account", "Accounts", "The account's settings").role("agent")
        .answers(200, "The account", "Account");
    op("patch", "/api/v1/account", "Accounts", "Change the account's settings").role("admin")
        .body("AccountPatch").answers(200, "The account", "Account");
    op("get", "/api/v1/users", "Accounts", "People of the account").role("agent")
        .answers(200, "The people", "UserList");
    op("post", "/api/v1/users", "Accounts", "Add a person").role("admin").body("CreateUser")
        .answers(201, "Created", "User");
    op("patch", "/api/v1/users/{id}", "Accounts", "Change a person's role, teams, skills, capacity or disable them")
        .role("admin").body("UserPatch").answers(200, "The person", "User");
    op("get", "/api/v1/teams", "Accounts", "Teams of the account").role("agent").answers(200, "The teams", "TeamList");
    op("post", "/api/v1/teams", "Accounts", "Create a team").role("admin").body("TeamBody")
        .answers(201, "Created", "Team");
    op("patch", "/api/v1/teams/{id}", "Accounts", "Rename a team").role("admin").body("TeamBody")
        .answers(200, "The team", "Team");
    op("delete", "/api/v1/teams/{id}", "Accounts", "Delete a team nothing sends work to any more").role("admin")
        .describe("409 while a channel, an unresolved conversation or an SLA escalation step names the team.")
        .answers(204, "Deleted", null);
    op("put", "/api/v1/teams/{id}/members/{userId}", "Accounts", "Add a person to a team (again is harmless)")
        .role("admin").answers(200, "The team", "Team");
    op("delete", "/api/v1/teams/{id}/members/{userId}", "Accounts", "Remove a person from a team").role("admin")
        .answers(200, "The team", "Team");
    op("post", "/api/v1/invitations", "Accounts", "Invite a person by email").role("admin").body("Invite")
        .describe("Creates the person with status invited and mails a single-use link valid 24 hours through "
            + "SWITCHBOARD_SMTP_RELAY. Without a relay, or when it refuses, mailed is false and acceptUrl holds the "
            + "link for the admin to pass on.")
        .answers(201, "Invited", "Invited");
    op("post", "/api/v1/users/{id}/invitation", "Accounts", "Send an invited person a new link (earlier ones stop "
        + "working)").role("admin").answers(201, "Invited", "Invited");
    op("post", "/api/v1/invitations/{token}/accept", "Accounts", "Accept an invitation: set name and password")
        .open().body("AcceptInvitation")
        .describe("The token from the link is the credential. 404 for an unknown link, 410 for a used, replaced or "
            + "expired one.")
        .answers(200, "A session, as from sign-in", "Session");
    op("post", "/api/v1/auth/password-reset", "Accounts", "Ask for a password reset link by email").open()
        .body("PasswordResetRequest")
        .describe("Always 202, whether or not the address belongs to someone; an active person gets a single-use "
            + "link valid 24 hours through SWITCHBOARD_SMTP_RELAY. Rate limited per address and per email.")
        .answers(202, "Accepted", null);
    op("post", "/api/v1/users/{id}/password-reset", "Accounts", "Make a password reset link for an active person")
        .role("admin").answers(201, "Mailed, or the link to pass on (acceptUrl)", "Invited");
    op("post", "/api/v1/password-resets/{token}", "Accounts", "Set a new password with a reset link").open()
        .body("NewPassword")
        .describe("Every earlier session of the person ends. 404 for an unknown link, 410 for a used or expired one.")
        .answers(200, "A session, as from sign-in", "Session");
    op("get", "/reset", "Accounts", "The page to ask for a password reset link").open()
        .answers(200, "An HTML page", "text/html", Schema.type("string"));
    op("get", "/reset/{token}", "Accounts", "The page of a reset link (choose a new password)").open()
        .answers(200, "An HTML page", "text/html", Schema.type("string"))
        .answers(410, "A page saying the link was used or has expired", "text/html", Schema.type("string"));
    op("get", "/invite/{token}", "Accounts", "The invitee's page (set name and password)").open()
        .answers(200, "An HTML page", "text/html", Schema.type("string"))
        .answers(410, "A page saying the link was used or has expired", "text/html", Schema.type("string"));
  }

  private void channels() {
    op("post", "/api/v1/channels", "Channels", "Create a channel; its key is shown once").role("admin")
        .body("CreateChannel").answers(201, "Created, with the key", "KeyIssued");
    op("get", "/api/v1/channels", "Channels", "Channels of the account (admins also see key ids and secrets)")
        .role("agent").answers(200, "The channels", "ChannelList");
    op("patch", "/api/v1/channels/{id}", "Channels",
        "Rename a channel or replace its settings (a secret left out or sent masked keeps its value)").role("admin")
        .body("EditChannel").answers(200, "The channel, secrets masked", "Channel");
    op("post", "/api/v1/channels/{id}/keys", "Channels", "Issue a new key; the old one works until revoked")
        .role("admin").answers(201, "The new key", "KeyIssued");
    op("delete", "/api/v1/channels/{id}/keys/{keyId}", "Channels", "Revoke a key").role("admin")
        .answers(204, "Revoked", null);
  }

  private void inbound() {
    op("post", "/api/v1/attachments", "Inbound", "Upload an attachment (raw bytes, at most 25 MiB)")
        .userOrChannel().header("X-Filename", "the file's name", true)
        .body("application/octet-stream", Schema.type("binary"))
        .answers(201, "Stored", "Attachment");
    op("get", "/api/v1/attachments/{id}", "Inbound", "Download an attachment of the account").userOrChannel()
        .answers(200, "The bytes, with their Content-Type", "application/octet-stream", Schema.type("binary"));
    op("post", "/api/v1/inbound", "Inbound", "Post a customer message (adapters)").security("channelKey")
        .describe("Answers once the message is committed. The same externalId on the same channel again answers "
            + "200 with the first answer and duplicate: true.")
        .body("Inbound")
        .answers(202, "Accepted", "InboundAccepted")
        .answers(200, "A repeat of an earlier externalId", "InboundAccepted");
  }

  private void outbound() {
    op("get", "/api/v1/outbound", "Outbound", "Long-poll for items to deliver (adapters)").security("channelKey")
        .query("wait", "integer", "seconds to wait for an item, at most 25")
        .answers(200, "Leased items", "OutboundBatch");
    op("post", "/api/v1/outbound/{id}/ack", "Outbound", "Acknowledge a delivery attempt").security("channelKey")
        .body("Ack").answers(204, "Recorded (a repeat with the same status too)", null);
    op("post", "/api/v1/outbound/status", "Outbound", "Report a later provider status").security("channelKey")
        .body("ProviderStatus").answers(204, "Recorded", null);
    op("get", "/api/v1/adapter/threads/{threadKey}/messages", "Outbound", "A chat thread's public history (widget)")
        .security("channelKey").answers(200, "The messages", "MessageList");
    op("post", "/api/v1/adapter/threads/{threadKey}/typing", "Outbound",
        "A chat visitor is typing: shown live to the agents who see the thread's conversation (nothing stored)")
        .security("channelKey").answers(204, "Shown", null);
    op("get", "/api/v1/adapter/availability", "Outbound", "Whether agents are online and in business hours")
        .security("channelKey").answers(200, "Availability", "Availability");
    op("get", "/api/v1/adapter/channel", "Outbound",
        "The calling adapter's channel with its provider secrets decrypted (the only place they are read back)")
        .security("channelKey").answers(200, "The channel {id, accountId, kind, name, teamId, settings}", null);
  }

  private void conversations() {
    op("get", "/api/v1/conversations", "Conversations", "List conversations the caller may see").role("agent")
        .withSeq()
        .query("status", "open|pending|snoozed|resolved", "filter by status")
        .query("assignee", "string", "me, unassigned, any or a user id")
        .query("teamId", "string", "filter by team")
        .query("channel", "email|chat|phone|social|store", "filter by channel kind")
        .query("q", "string", "search: identities (email, phone in any format, handle), names, subjects and "
            + "message words, across statuses unless status is given; ranked: exact identity, then name or subject, "
            + "then message text, each newest first; items carry match")
        .query("limit", "integer", "page size, default 50")
        .query("cursor", "string", "nextCursor of the previous page")
        .answers(200, "A page", "ConversationPage");
    op("post", "/api/v1/conversations", "Conversations", "Start a conversation from the agent side").role("agent")
        .body("StartConversation").answers(201, "Created", "ConversationDetail");
    op("get", "/api/v1/conversations/{id}", "Conversations", "A conversation with its contact and newest messages")
        .role("agent").withSeq()
        .query("beforeCursor", "string", "page back through older messages")
        .answers(200, "The conversation", "ConversationDetail");
    op("patch", "/api/v1/conversations/{id}", "Conversations",
        "Change status, assignee, team, priority, tags, snooze or subject")
        .role("agent").body("ConversationPatch").answers(200, "The conversation", "Conversation");
    op("post", "/api/v1/conversations/{id}/messages", "Conversations", "Reply, or write an internal note")
        .role("agent").body("Reply")
        .describe("409 (with the message) when an inbound message, or another agent's public reply, newer than "
            + "afterMessageId exists.")
        .answers(201, "The message", "Message")
        .answers(200, "A retry with a known clientId", "Message");
    op("post", "/api/v1/conversations/{id}/read", "Conversations", "Mark as read for the caller").role("agent")
        .answers(204, "Marked", null);
    op("post", "/api/v1/conversations/{id}/merge", "Conversations", "Merge another conversation into this one")
        .role("agent").body("Merge").answers(200, "The surviving conversation", "Conversation");
    op("get", "/api/v1/conversations/{id}/reply-options", "Conversations",
        "Channels that can carry a written reply to the contact, rule 3's default, and the phone to log a call with")
        .role("agent").answers(200, "The options", "ReplyOptions");
    op("post", "/api/v1/conversations/{id}/split", "Conversations", "Move chosen messages into a new conversation")
        .role("agent").body("Split").answers(201, "The new conversation with its messages", "ConversationDetail");
    op("get", "/api/v1/contacts", "Contacts", "Search contacts by name or identity, exact identities first").role("agent").withSeq()
        .query("q", "string", "text to look for (at most 200 characters)")
        .query("limit", "integer", "page size, 1 to 100, default 50")
        .query("cursor", "string", "nextCursor of the previous page")
        .answers(200, "A page", "ContactPage");
    op("get", "/api/v1/contacts/{id}", "Contacts", "A contact with identities, suggested merges, conversations, "
        + "orders and returns").role("agent").withSeq().answers(200, "The contact", "ContactDetail");
    op("post", "/api/v1/contacts/{id}/merge", "Contacts", "Merge another contact into this one").role("agent")
        .body("Merge").answers(200, "The surviving contact", "ContactDetail");
  }

  private void slaAndCsat() {
    op("put", "/api/v1/sla-policies/{id}", "SLA", "Create or replace an SLA policy").role("admin")
        .body("SlaPolicy").answers(200, "The policy", "SlaPolicy");
    op("put", "/api/v1/business-hours/{id}", "SLA", "Create or replace business hours").role("admin")
        .body("BusinessHours").answers(200, "The business hours", "BusinessHours");
    op("get", "/api/v1/sla-policies", "SLA", "The account's SLA policies, in the order they are tried")
        .role("supervisor").answers(200, "{items:[SlaPolicy]}", "SlaPolicy");
    op("get", "/api/v1/sla-policies/{id}", "SLA", "One SLA policy").role("supervisor")
        .answers(200, "The policy", "SlaPolicy");
    op("delete", "/api/v1/sla-policies/{id}", "SLA", "Delete an SLA policy").role("admin")
        .answers(204, "Deleted", null);
    op("get", "/api/v1/business-hours", "SLA", "The account's business hours").role("supervisor")
        .answers(200, "{items:[BusinessHours]}", "BusinessHours");
    op("delete", "/api/v1/business-hours/{id}", "SLA", "Delete business hours no policy uses (409 otherwise)")
        .role("admin").answers(204, "Deleted", null);
    op("get", "/csat/{token}", "CSAT", "The public survey page (a ?rating only pre-selects)").open()
        .query("rating", "integer", "pre-selected rating 1..5")
        .answers(200, "An HTML page", "text/html", Schema.type("string"));
    op("post", "/api/v1/csat/{token}", "CSAT", "Record the customer's rating (once)").open().body("CsatAnswer")
        .answers(201, "Recorded", null).answers(204, "Recorded", null);
    op("get", "/api/v1/reports/summary", "Reports", "Response times, SLA attainment, CSAT and volumes")
        .role("supervisor")
        .query("from", "date-time", "start of the period")
        .query("to", "date-time", "end of the period")
        .query("groupBy", "channel|agent|team|day", "grouping")
        .answers(200, "The report (Accept: text/csv gives CSV)", "Report");
    op("get", "/api/v1/reports/intraday", "Reports", "One local day per channel and hour: new conversations, "
        + "targets met and missed, SLA attainment, breaches").role("supervisor")
        .query("date", "date", "the account's local day (default: today)")
        .answers(200, "Arrays of 24 local hours per channel", "Intraday");
  }

  private void stream() {
    op("post", "/api/v1/stream/tickets", "Stream", "A single-use ticket for the WebSocket").role("agent")
        .answers(201, "The ticket", "StreamTicket").answers(200, "The ticket", "StreamTicket");
    op("get", "/api/v1/stream", "Stream", "The live stream (WebSocket)").open()
        .describe("Upgrade to a WebSocket (no query string). First frame {type: auth, ticket, since}; then durable "
            + "events {seq, type, at, conversationId, data} in seq order and ephemeral ones without seq. A foreign "
            + "Origin gets 403. Close codes: 4401, 4403, 4408, 4012.")
        .answers(101, "Switching protocols", null);
  }

  private void operations() {
    op("get", "/health/live", "Operations", "The process is up").open().answers(200, "Up", "Health");
    op("get", "/health/ready", "Operations", "PostgreSQL answers (degraded when Redis or the cluster does not)")
        .open().answers(200, "Ready", "Health").answers(503, "Not ready", "Health");
    op("get", "/metrics", "Operations", "Prometheus metrics").open()
        .answers(200, "Prometheus text format", "text/plain", Schema.type("string"));
    op("get", "/api/v1/openapi.json", "Operations", "This document").open()
        .answers(200, "OpenAPI 3.1", "object");
  }

  private static JsonArray tags() {
    JsonArray tags = new JsonArray();
    for (String t : new String[] {"Accounts", "Channels", "Inbound", "Outbound", "Conversations", "Contacts", "SLA",
        "CSAT", "Reports", "Stream", "Operations"}) {
      tags.add(new JsonObject().put("name", t));
    }
    return tags;
  }

  private static JsonObject securitySchemes() {
    return new JsonObject()
        .put("userToken", new JsonObject().put("type", "http").put("scheme", "bearer").put("bearerFormat", "JWT")
            .put("description", "a person's access token from POST /api/v1/auth/login"))
        .put("channelKey", new JsonObject().put("type", "http").put("scheme", "bearer")
            .put("description", "a channel adapter's key (sbk_...); it acts only on its own channel"))
        .put("platformKey", new JsonObject().put("type", "http").put("scheme", "bearer")
            .put("description", "the operator key from SWITCHBOARD_PLATFORM_KEY"));
  }

}
