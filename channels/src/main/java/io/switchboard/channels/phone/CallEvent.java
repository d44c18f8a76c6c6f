package io.switchboard.channels.phone;

import java.time.Instant;
import java.util.Map;

/**
 * One provider event of a call, whichever provider sent it: what becomes the inbound message's
 * {@code call}. A null outcome means the event says nothing yet (ringing): it is not posted.
 *
 * @param externalId   a stable id of this event at the provider: its retry is the same message
 * @param customer     the customer's number (the caller of an inbound call, the callee of an outbound one)
 * @param recordingUrl fetched from the provider's hosts only, then uploaded
 * @param recordingHeaders sent with the recording download (Twilio's basic auth), never to another host
 */
record CallEvent(String externalId, String callId, String direction, String outcome, Integer durationSec,
    String customer, String callerName, String agentEmail, String recordingUrl, Map<String, String> recordingHeaders,
    String transcript, Instant sentAt) {
}
