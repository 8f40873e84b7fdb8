package io.hull.customerio.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.http.RequestRejectedException;
import io.hull.customerio.hull.UserClaims;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Reads a Customer.io webhook (reporting format with {@code object_type}/{@code metric}, or the legacy email
 * activity format with {@code event_type}) and turns it into a Hull track call. Properties keep
 * Customer.io's field names; only {@code subject}, {@code href} and {@code failure_message} get the
 * clearer names {@code email_subject}, {@code link_url} and {@code reason}.
 */
@Component("webhookEventMapper")
public class WebhookEventMapper {

    /** The {@code event_id} of Customer.io's "Send Test" delivery (as Hull's original Node connector recognised it). */
    static final String TEST_DELIVERY_EVENT_ID = "abc123";

    /** {@code data} fields copied as they are, with their JSON types. */
    private static final List<String> COPIED = List.of(
            "delivery_id", "campaign_id", "action_id", "broadcast_id", "newsletter_id", "transactional_message_id",
            "journey_id", "trigger_id", "parent_action_id", "template_id", "email_id", "customer_id",
            "email_address", "campaign_name", "recipient", "recipients", "link_id");
    private static final Map<String, String> RENAMED = Map.of(
            "subject", "email_subject",
            "href", "link_url",
            "failure_message", "reason");

    private final ObjectMapper json;
    private final WebhookEventNames names;
    private final WebhookIdentity identity;

    public WebhookEventMapper(ObjectMapper json, WebhookEventNames names, WebhookIdentity identity) {
        this.json = json;
        this.names = names;
        this.identity = identity;
    }

    public JsonNode parse(byte[] body) {
        JsonNode root;
        try {
            root = body == null || body.length == 0 ? null : json.readTree(body);
        } catch (JsonProcessingException e) {
            throw RequestRejectedException.badRequest("invalid_json", "body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw RequestRejectedException.badRequest("invalid_json", "body cannot be read as JSON");
        }
        if (root == null || !root.isObject()) {
            throw RequestRejectedException.badRequest("invalid_body", "body must be a JSON object");
        }
        return root;
    }

    public boolean isTestDelivery(JsonNode webhook) {
        return TEST_DELIVERY_EVENT_ID.equals(webhook.path("event_id").asText());
    }

    /** No identifier of a Hull user in the webhook: nothing can be tracked (a bean, not simple's == on every webhook). */
    public boolean hasNoUser(HullTrackEvent event) {
        return !event.hasClaims();
    }

    public HullTrackEvent map(JsonNode webhook) {
        JsonNode data = webhook.path("data").isObject() ? webhook.path("data") : json.createObjectNode();
        String objectType;
        String metric;
        String name;
        String eventType = WebhookIdentity.text(webhook.path("event_type"));
        if (WebhookIdentity.text(webhook.path("object_type")) == null && eventType != null) {
            String[] split = names.splitLegacy(eventType);
            objectType = split[0];
            metric = split[1];
            name = names.legacyName(eventType);
        } else {
            objectType = orUnknown(WebhookIdentity.text(webhook.path("object_type")));
            metric = orUnknown(WebhookIdentity.text(webhook.path("metric")));
            name = names.name(objectType, metric);
        }

        Map<String, Object> properties = new LinkedHashMap<>();
        for (String field : COPIED) {
            copy(data, field, field, properties);
        }
        RENAMED.forEach((from, to) -> copy(data, from, to, properties));
        properties.put("object_type", objectType);
        properties.put("metric", metric);
        if (eventType != null) {
            properties.put("event_type", eventType);
        }

        String eventId = WebhookIdentity.text(webhook.path("event_id"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", name);
        body.put("properties", properties);
        if (eventId != null) {
            body.put("event_id", eventId);
        }
        body.put("created_at", createdAt(webhook.path("timestamp")));
        body.put("source", "customerio");
        // Hull would otherwise geolocate the connector's address as the user's.
        body.put("ip", "0");

        UserClaims claims = identity.claims(data, objectType);
        return new HullTrackEvent(name, eventId, claims, body);
    }

    private void copy(JsonNode data, String from, String to, Map<String, Object> properties) {
        JsonNode value = data.get(from);
        if (value != null && !value.isNull()) {
            properties.put(to, json.convertValue(value, Object.class));
        }
    }

    /** Unix seconds → ISO-8601; without a usable timestamp, when the webhook arrived. */
    private static String createdAt(JsonNode timestamp) {
        if (timestamp.isNumber() || (timestamp.isTextual() && timestamp.asText().matches("\\d{1,12}"))) {
            return Instant.ofEpochSecond(timestamp.asLong()).toString();
        }
        return Instant.now().toString();
    }

    private static String orUnknown(String value) {
        return value == null ? "unknown" : value;
    }
}
