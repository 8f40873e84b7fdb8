package io.hull.customerio.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.hull.customerio.errors.JsonLocations;
import io.hull.customerio.http.RequestRejectedException;
import io.hull.customerio.hull.UserClaims;
import io.hull.customerio.input.InputRules;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Reads a Customer.io webhook (reporting format with {@code object_type}/{@code metric}, or the legacy email
 * activity format with {@code event_type}) and turns it into a Hull track call. Properties keep
 * Customer.io's field names; only {@code subject}, {@code href} and {@code failure_message} get the
 * clearer names {@code email_subject}, {@code link_url} and {@code reason}.
 * <p>
 * What an authenticated webhook must hold to be forwarded (docs/security.md, "What a request must hold"): names
 * ({@code object_type}, {@code metric}, {@code event_type}) of letters, digits and {@code _}, at most
 * {@value #MAX_NAME_LENGTH} long, and a user ({@link WebhookIdentity}). One that does not is answered 200 (sent again,
 * it would fail the same way) and logged {@code incoming.event.error} with the reason. A {@code timestamp} that is not
 * unix seconds from 1970 to 9999 is ignored (the time it arrived, noted in the log line), as a missing one is. An {@code event_id} that is not a usable
 * string is replaced by one derived from the webhook's content, so Hull can still drop repeats.
 */
@Component("webhookEventMapper")
public class WebhookEventMapper {

    /** The {@code event_id} of Customer.io's "Send Test" delivery (as Hull's original Node connector recognised it). */
    static final String TEST_DELIVERY_EVENT_ID = "abc123";

    /**
     * {@code data} fields copied as they are, with their JSON types: every field Customer.io documents for a
     * reporting webhook's object type and metric (docs/webhooks.md, "Properties"), and the legacy format's.
     */
    private static final List<String> COPIED = List.of(
            "delivery_id", "campaign_id", "action_id", "broadcast_id", "newsletter_id", "transactional_message_id",
            "journey_id", "trigger_id", "trigger_event_id", "parent_action_id", "content_id", "inbound_event_id",
            "template_id", "email_id", "message_id", "message_name", "customer_id", "email_address", "campaign_name",
            "recipient", "recipients", "to", "link_id", "tracked_response", "machine", "prefetched", "proxied",
            "synthetic", "content", "headers");
    /** A push's device, from {@code data} or else its first recipient: a token, not an id held to the id rule. */
    private static final List<String> DEVICE_FIELDS = List.of("device_id", "device_platform");
    private static final Map<String, String> RENAMED = Map.of(
            "subject", "email_subject",
            "href", "link_url",
            "failure_message", "reason");
    static final int MAX_NAME_LENGTH = 64;
    /** The fields that name a person, held to the identifier rule. */
    private static final Set<String> PERSON_FIELDS = Set.of("customer_id", "email_address", "recipient");
    static final int MAX_PROPERTY_LENGTH = 2000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1," + MAX_NAME_LENGTH + "}");

    private final ObjectMapper json;
    /** One value, and nothing after it: content after the object (a second object) is refused. */
    private final ObjectReader trees;
    private final WebhookEventNames names;
    private final WebhookIdentity identity;

    public WebhookEventMapper(ObjectMapper json, WebhookEventNames names, WebhookIdentity identity) {
        this.json = json;
        this.trees = json.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.names = names;
        this.identity = identity;
    }

    /** One JSON object and nothing after it; the reason of a refusal says where, never what was there. */
    public JsonNode parse(byte[] body) {
        JsonNode root;
        try {
            root = body == null || body.length == 0 ? null : trees.readValue(body);
        } catch (MismatchedInputException e) {
            throw RequestRejectedException.badRequest("invalid_json", "body has more content after its JSON value" + JsonLocations.of(e));
        } catch (JsonProcessingException e) {
            throw RequestRejectedException.badRequest("invalid_json", "body is not valid JSON" + JsonLocations.of(e));
        } catch (IOException e) {
            throw RequestRejectedException.badRequest("invalid_json", "body cannot be read as JSON");
        }
        if (root == null || !root.isObject()) {
            throw RequestRejectedException.badRequest("invalid_body", "body must be a JSON object");
        }
        return root;
    }

    public boolean isTestDelivery(JsonNode webhook) {
        return TEST_DELIVERY_EVENT_ID.equals(webhook.path("event_id").textValue());
    }

    /** Cannot be forwarded, whatever is tried: see {@link HullTrackEvent#problem()} (a bean, not simple's == on every webhook). */
    public boolean cannotBeForwarded(HullTrackEvent event) {
        return !event.forwardable();
    }

    public HullTrackEvent map(JsonNode webhook) {
        JsonNode data = webhook.path("data").isObject() ? webhook.path("data") : json.createObjectNode();
        List<String> problems = new ArrayList<>();
        String objectType;
        String metric;
        String name;
        String eventType = name(webhook, "event_type", problems);
        if (webhook.get("object_type") == null && eventType != null) {
            String[] split = names.splitLegacy(eventType);
            objectType = split[0];
            metric = split[1];
            name = names.legacyName(eventType);
        } else {
            objectType = name(webhook, "object_type", problems);
            metric = name(webhook, "metric", problems);
            if (objectType == null || metric == null) {
                problems.add("it has no object_type and metric (nor a legacy event_type) to name the event by");
            }
            name = objectType == null || metric == null ? "Unnamed Customer.io Event" : names.name(objectType, metric);
        }

        Map<String, Object> properties = new LinkedHashMap<>();
        for (String field : COPIED) {
            copy(data, field, field, properties);
        }
        RENAMED.forEach((from, to) -> copy(data, from, to, properties));
        copyDeviceFields(data, properties);
        properties.put("object_type", objectType);
        properties.put("metric", metric);
        if (eventType != null) {
            properties.put("event_type", eventType);
        }

        String eventId = WebhookIdentity.identifier(webhook.path("event_id"));
        boolean derived = eventId == null;
        if (derived) {
            eventId = derivedEventId(webhook);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", name);
        body.put("properties", properties);
        body.put("event_id", eventId);
        List<String> notes = new ArrayList<>();
        String createdAt = createdAt(webhook.get("timestamp"), notes);
        body.put("created_at", createdAt);
        body.put("source", "customerio");
        // Hull would otherwise geolocate the connector's address as the user's.
        body.put("ip", "0");

        UserClaims claims = identity.claims(data, objectType);
        if (claims.isEmpty()) {
            problems.add("the webhook names no user: no usable customer id, email address or cio_id (a string of at most "
                    + WebhookIdentity.MAX_IDENTIFIER_BYTES + " bytes without control characters)");
        }
        return new HullTrackEvent(name, eventId, derived, claims, body, problems.isEmpty() ? null : String.join("; ", problems),
                stateTraits(objectType, metric, data, createdAt), notes.isEmpty() ? null : String.join("; ", notes));
    }

    /** The most topics of one preferences change written as traits: a larger list is cut (each is one trait in Hull). */
    static final int MAX_TOPICS = 100;
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9_]{1," + MAX_NAME_LENGTH + "}");

    /**
     * What the webhook says of the person's subscription or deliverability, as {@code customerio/*} traits written with
     * its track call: Hull's segments and other connectors filter on traits, not on events. {@code at}: the webhook's
     * time. {@code null}: nothing to write.
     */
    Map<String, Object> stateTraits(String objectType, String metric, JsonNode data, String at) {
        if (objectType == null || metric == null) {
            return null;
        }
        Map<String, Object> traits = new LinkedHashMap<>();
        switch (objectType + "." + metric) {
            case "customer.subscribed" -> {
                traits.put("customerio/unsubscribed", false);
                traits.put("customerio/unsubscribed_at", null);
            }
            case "customer.unsubscribed" -> {
                traits.put("customerio/unsubscribed", true);
                traits.put("customerio/unsubscribed_at", at);
            }
            case "customer.cio_subscription_preferences_changed" -> {
                topics(data).forEach((topic, subscribed) -> traits.put("customerio/" + topic, subscribed));
                traits.put("customerio/subscription_preferences_changed_at", at);
            }
            case "email.bounced", "email.spammed", "email.dropped" -> traits.put("customerio/email_" + metric + "_at", at);
            default -> {
                return null;
            }
        }
        return traits;
    }

    /** {@code data.content}: a JSON string {@code {"topics":{"topic_1":true,...}}}; the topics named as names may be. */
    private Map<String, Boolean> topics(JsonNode data) {
        Map<String, Boolean> topics = new LinkedHashMap<>();
        JsonNode content = data.path("content");
        JsonNode parsed;
        try {
            parsed = content.isTextual() ? json.readTree(content.textValue()) : content;
        } catch (JsonProcessingException e) {
            return topics;
        }
        for (Map.Entry<String, JsonNode> topic : parsed.path("topics").properties()) {
            if (topics.size() < MAX_TOPICS && TOPIC.matcher(topic.getKey()).matches() && topic.getValue().isBoolean()) {
                topics.put(topic.getKey(), topic.getValue().booleanValue());
            }
        }
        return topics;
    }

    /** A name of letters, digits and {@code _}; {@code null} (with the problem noted) for anything else, present. */
    private static String name(JsonNode webhook, String field, List<String> problems) {
        JsonNode value = webhook.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual() && NAME.matcher(value.textValue()).matches()) {
            return value.textValue();
        }
        problems.add(field + " must be a name of letters, digits and '_', at most " + MAX_NAME_LENGTH + " long");
        return null;
    }

    /**
     * Stable for the same webhook, in both transports (the kafka mode maps the bytes as received again): the
     * SHA-256 of the webhook as JSON, its first 128 bits in hex behind {@code cio-}.
     */
    private String derivedEventId(JsonNode webhook) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.writeValueAsBytes(webhook));
            return "cio-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot derive an event id", e);
        }
    }

    /**
     * One {@code data} field as a property, held to the rules of docs/security.md, "What a request must hold": what names a
     * person ({@code customer_id}, {@code email_address}, {@code recipient}) and any other {@code *_id} given as text
     * follow the identifier rule; other text is cut at {@value #MAX_PROPERTY_LENGTH} characters; a list or object
     * longer than that as JSON is left out. Numbers and booleans go as they are.
     */
    private void copy(JsonNode data, String from, String to, Map<String, Object> properties) {
        JsonNode value = data.get(from);
        if (value == null || value.isNull()) {
            return;
        }
        if (value.isTextual() && (PERSON_FIELDS.contains(from) || from.endsWith("_id"))) {
            String identifier = WebhookIdentity.identifier(value);
            if (identifier != null) {
                properties.put(to, identifier);
            }
        } else if (value.isTextual()) {
            copyText(data, from, to, properties);
        } else if (!value.isContainerNode()) {
            properties.put(to, json.convertValue(value, Object.class));
        } else if (value.toString().length() <= MAX_PROPERTY_LENGTH) {
            properties.put(to, json.convertValue(value, Object.class));
        }
    }

    /**
     * A push names its devices in {@code recipients}; Hull's track call takes the first one's {@code device_id} and
     * {@code device_platform} (as both peers do) unless {@code data} names them itself, and its
     * {@code failure_message} as {@code reason} when the webhook has none of its own.
     */
    private void copyDeviceFields(JsonNode data, Map<String, Object> properties) {
        JsonNode first = data.path("recipients").path(0);
        for (String field : DEVICE_FIELDS) {
            copyText(data.has(field) ? data : first, field, field, properties);
        }
        if (!properties.containsKey("reason")) {
            copyText(first, "failure_message", "reason", properties);
        }
    }

    private static void copyText(JsonNode from, String field, String to, Map<String, Object> properties) {
        JsonNode value = from.get(field);
        if (value != null && value.isTextual()) {
            String text = value.textValue();
            properties.put(to, text.length() <= MAX_PROPERTY_LENGTH ? text : text.substring(0, MAX_PROPERTY_LENGTH));
        }
    }

    /**
     * Unix seconds (a JSON integer, or a string of digits) → ISO-8601; without a timestamp, when the webhook
     * arrived. A timestamp that is no such time is ignored, noted in the log line: the event still reaches Hull, at
     * its time of arrival (as RudderStack does; Hull's own connector never read the timestamp).
     */
    private static String createdAt(JsonNode timestamp, List<String> notes) {
        if (timestamp == null || timestamp.isNull()) {
            return Instant.now().toString();
        }
        Long seconds = InputRules.unixSeconds(timestamp);
        if (seconds == null) {
            notes.add("timestamp ignored (not unix seconds between 1970 and 9999): created_at is its time of arrival");
            return Instant.now().toString();
        }
        return Instant.ofEpochSecond(seconds).toString();
    }
}
