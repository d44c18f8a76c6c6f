package io.switchboard.openapi;

import static io.switchboard.openapi.Schema.object;
import static io.switchboard.openapi.Schema.type;

import io.vertx.core.json.JsonObject;

/** The component schemas: the JSON shapes of shared/api.md, in outline (see {@link Schema}). */
final class Schemas {

  private static final String KIND = "email|chat|phone|social|store";
  private static final String STATUS = "open|pending|snoozed|resolved";
  private static final String PRIORITY = "low|normal|high|urgent";

  private Schemas() {
  }

  static JsonObject all() {
    JsonObject s = new JsonObject();
    s.put("Problem", object("type!:string", "title!:string", "status!:integer", "detail:string",
        "errors:[FieldError]"));
    s.put("FieldError", object("field!:string", "message!:string"));
    s.put("Items", object("items!:[object]"));

    // accounts, people, auth
    s.put("CreateAccount", object("name!:string", "timezone:string", "defaultRegion:string", "admin!:NewAdmin"));
    s.put("NewAdmin", object("email!:string", "name!:string", "password!:string"));
    s.put("CreatedAccount", object("id!:string", "name!:string", "adminId!:string"));
    s.put("Login", object("email!:string", "password!:string"));
    s.put("Refresh", object("refreshToken!:string"));
    s.put("ChangePassword", object("current!:string", "new!:string"));
    s.put("Session", object("token!:string", "expiresAt!:date-time", "refreshToken!:string", "user!:User"));
    s.put("User", object("id!:string", "name!:string", "email!:string", "role!:agent|supervisor|admin",
        "accountId!:string", "teamIds:[string]", "skills:[string]", "capacity:integer", "disabled:boolean",
        "status!:active|invited|disabled", "lastSeenAt:date-time"));
    s.put("Invite", object("email!:string", "name:string", "role!:agent|supervisor|admin", "teamIds:[string]"));
    s.put("Invited", object("user!:User", "mailed!:boolean", "acceptUrl:string", "expiresAt!:date-time"));
    s.put("AcceptInvitation", object("name!:string", "password!:string"));
    s.put("PasswordResetRequest", object("email!:string"));
    s.put("NewPassword", object("password!:string"));
    s.put("UserList", object("items!:[User]"));
    s.put("CreateUser", object("email!:string", "name!:string", "password!:string", "role!:agent|supervisor|admin",
        "teamIds:[string]", "skills:[string]", "capacity:integer"));
    s.put("UserPatch", object("name:string", "role:agent|supervisor|admin", "teamIds:[string]", "skills:[string]",
        "capacity:integer", "disabled:boolean"));
    s.put("Team", object("id!:string", "name!:string", "memberIds:[string]"));
    s.put("TeamList", object("items!:[Team]"));
    s.put("TeamBody", object("name!:string"));
    s.put("Account", object("id!:string", "name!:string", "timezone!:string", "defaultRegion:string",
        "reopenWindowDays!:integer", "notifications:object"));
    s.put("AccountPatch", object("name:string", "timezone:string", "defaultRegion:string",
        "reopenWindowDays:integer", "notifications:object"));

    // channels
    s.put("CreateChannel", object("kind!:" + KIND, "name!:string", "teamId:string", "settings:object"));
    s.put("KeyIssued", object("id!:string", "kind!:" + KIND, "name!:string", "apiKey!:string", "keyId:string",
        "secret:string"));
    s.put("Channel", object("id!:string", "kind!:" + KIND, "name!:string", "teamId:string", "settings:object",
        "createdAt:date-time", "keys:[ChannelKey]"));
    s.put("EditChannel", object("name:string", "settings:object"));
    s.put("ChannelKey", object("keyId!:string", "createdAt:date-time", "revokedAt:date-time"));
    s.put("ChannelList", object("items!:[Channel]"));

    // inbound
    s.put("Attachment", object("id!:string", "name!:string", "contentType!:string", "size!:integer"));
    s.put("AttachmentRef", object("id!:string"));
    s.put("From", object("name:string", "email:string", "phone:string", "handle:string", "platform:string",
        "verified:[email|phone]", "signature:string", "unverified:[email|phone|handle]"));
    s.put("Call", object("callId:string", "direction!:inbound|outbound", "outcome!:answered|missed|voicemail",
        "durationSec:integer",
        "recordingAttachmentId:string", "transcript:string", "agentEmail:string"));
    s.put("Inbound", object("externalId!:string", "from!:From", "threadKey:string", "subject:string",
        "text:string", "html:string", "sentAt:date-time", "attachments:[AttachmentRef]", "call:Call",
        "autoSubmitted:boolean", "public:boolean"));
    s.put("InboundAccepted", object("messageId!:string", "conversationId!:string", "contactId!:string",
        "duplicate!:boolean"));

    // outbound
    s.put("OutboundItem", object("id!:string", "leaseId!:string", "messageId:string", "conversationId!:string",
        "to:object", "subject:string", "text:string", "html:string", "attachments:[Attachment]",
        "inReplyTo:string", "references:[string]", "attempt!:integer", "kind!:message|typing", "public:boolean",
        "template:object"));
    s.put("OutboundBatch", object("items!:[OutboundItem]"));
    s.put("Ack", object("leaseId!:string", "status!:sent|failed", "externalId:string", "error:string",
        "retryable:boolean"));
    s.put("ProviderStatus", object("externalId!:string", "status!:delivered|read|failed"));
    s.put("Availability", object("agentsOnline!:integer", "inBusinessHours!:boolean", "nextOpenAt:date-time"));

    // conversations and contacts
    s.put("Author", object("type!:contact|user|system|bot", "id:string", "name:string"));
    s.put("Message", object("id!:string", "conversationId!:string", "direction!:inbound|outbound|note",
        "channel:" + KIND, "channelId:string", "author!:Author", "subject:string", "text:string", "html:string",
        "attachments:[Attachment]", "call:Call", "public:boolean", "autoSubmitted:boolean", "createdAt!:date-time",
        "sentAt:date-time", "deliveryStatus:queued|sent|delivered|read|failed", "clientId:string",
        "threadKey:string"));
    s.put("MessageList", object("items!:[Message]"));
    s.put("Sla", object("policyId:string", "firstResponseDueAt:date-time", "nextResponseDueAt:date-time",
        "resolutionDueAt:date-time", "firstResponseAt:date-time", "breaches:[SlaBreach]"));
    s.put("SlaBreach", object("metric!:firstResponse|nextResponse|resolution", "at!:date-time"));
    s.put("Csat", object("rating:integer", "comment:string", "sentAt:date-time", "answeredAt:date-time"));
    s.put("Conversation", object("id!:string", "status!:" + STATUS, "priority!:" + PRIORITY, "subject:string",
        "contactId!:string", "contactName:string", "channels!:[" + KIND + "]", "assigneeId:string", "teamId:string",
        "tags!:[string]", "createdAt!:date-time", "lastMessageAt!:date-time", "snoozeUntil:date-time",
        "unread:boolean", "sla:Sla", "csat:Csat", "match:SearchMatch", "needsCallback:boolean"));
    // In search answers only: what q matched (email, phone, social, name, subject or text) and a snippet to highlight.
    s.put("SearchMatch", object("field!:email|phone|social|name|subject|text", "text:string", "messageId:string"));
    s.put("ConversationPage", object("items!:[Conversation]", "nextCursor:string"));
    s.put("ConversationDetail", new JsonObject().put("allOf", new io.vertx.core.json.JsonArray()
        .add(type("Conversation"))
        .add(object("contact:Contact", "messages:[Message]", "beforeCursor:string", "returns:[Return]"))));
    s.put("StartConversation", object("contactId!:string", "channelId!:string", "subject:string", "text!:string"));
    s.put("ConversationPatch", object("status:" + STATUS, "assigneeId:string", "teamId:string",
        "priority:" + PRIORITY, "tags:[string]", "snoozeUntil:date-time", "subject:string"));
    s.put("ReplyOption", object("id!:string", "kind!:email|chat|social", "name:string", "to:string",
        "platform:string", "windowClosesAt:date-time", "templates:[WhatsAppTemplate]"));
    s.put("WhatsAppTemplate", object("name!:string", "language!:string", "body!:string"));
    s.put("ReplyOptions", object("defaultChannelId:string", "channels!:[ReplyOption]", "phone:string"));
    s.put("Split", object("messageIds!:[string]", "subject:string"));
    s.put("Reply", object("text:string", "html:string", "attachments:[AttachmentRef]", "private:boolean",
        "channelId:string", "afterMessageId:string", "clientId:string", "public:boolean", "template:object",
        "call:LoggedCall"));
    s.put("LoggedCall", object("direction:inbound|outbound", "outcome!:answered|missed|voicemail",
        "durationSec:integer"));
    s.put("Merge", object("otherId!:string"));
    s.put("Identity", object("kind!:email|phone|social", "value!:string", "platform:string", "verified!:boolean"));
    s.put("Contact", object("id!:string", "name:string", "identities:[Identity]", "match:SearchMatch"));
    s.put("ContactPage", object("items!:[Contact]", "nextCursor:string"));
    s.put("SuggestedMerge", object("id!:string", "otherId!:string", "reason:string", "identity:Identity"));
    s.put("ContactDetail", new JsonObject().put("allOf", new io.vertx.core.json.JsonArray()
        .add(type("Contact"))
        .add(object("suggestedMerges:[SuggestedMerge]", "conversations:[Conversation]", "orders:[Order]",
            "returns:[Return]"))));

    // SLA, CSAT, reports
    s.put("SlaPolicy", object("id:string", "name!:string", "match:object", "firstResponseMinutes:integer",
        "nextResponseMinutes:integer", "resolutionMinutes:integer", "businessHoursId:string",
        "warnBeforeMinutes:integer", "escalation:[object]"));
    s.put("BusinessHours", object("id:string", "timezone!:string", "weekly!:object", "holidays:[date]"));
    s.put("CsatAnswer", object("rating!:integer", "comment:string"));
    s.put("Report", object("from:date-time", "to:date-time", "groupBy:channel|agent|team|day", "rows:[object]",
        "totals:object"));
    s.put("Intraday", object("date:date", "timezone:string", "channels:[object]"));

    // commerce
    s.put("Shipment", object("carrier!:string", "trackingNumber:string", "trackingUrl:string",
        "status!:label_created|in_transit|out_for_delivery|delivered|exception", "updatedAt:date-time"));
    s.put("OrderItem", object("sku!:string", "name:string", "qty!:integer"));
    s.put("Order", object("id:string", "externalId:string", "customer!:object",
        "status!:placed|paid|packed|shipped|delivered|cancelled", "placedAt:date-time", "total:string",
        "currency:string", "items:[OrderItem]", "shipments:[Shipment]", "contactId:string"));
    s.put("CreateReturn", object("orderId!:string", "items!:[ReturnItem]", "reason:string",
        "kind!:return|complaint"));
    s.put("ReturnItem", object("sku!:string", "qty!:integer"));
    s.put("Return", object("id!:string", "orderId!:string", "kind!:return|complaint",
        "status!:requested|approved|received|refunded|rejected", "items:[ReturnItem]", "reason:string",
        "createdAt:date-time"));
    s.put("ReturnPatch", object("status!:requested|approved|received|refunded|rejected", "note:string"));

    // stream and operations
    s.put("StreamTicket", object("ticket!:string", "expiresIn!:integer"));
    s.put("Event", object("seq!:integer", "type!:string", "at!:date-time", "conversationId:string",
        "data!:object"));
    s.put("Health", object("status!:up|degraded|down", "postgres:string", "redis:string", "node:string"));
    return s;
  }
}
