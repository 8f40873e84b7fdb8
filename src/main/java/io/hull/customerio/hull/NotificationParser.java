package io.hull.customerio.hull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.http.RequestRejectedException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/** Reads the raw smart-notifier body into a {@link HullNotification}, refusing what is not one (400/413). */
@Component("notificationParser")
public class NotificationParser {

    private final ObjectMapper json;

    public NotificationParser(ObjectMapper json, ConnectorProperties connector) {
        long maxBytes = connector.getMaxNotificationSize().toBytes();
        // Jackson refuses strings over 20 M characters by default; a notification may legitimately
        // hold one as long as the body limit allows.
        this.json = json.copy();
        this.json.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxBytes)).build());
    }

    public HullNotification parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw RequestRejectedException.badRequest("invalid_body", "body is empty");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw RequestRejectedException.badRequest("invalid_json", "body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw RequestRejectedException.badRequest("invalid_json", "body cannot be read as JSON");
        }
        if (root == null || !root.isObject()) {
            throw RequestRejectedException.badRequest("invalid_body", "body must be a JSON object");
        }
        JsonNode configuration = root.get("configuration");
        if (configuration == null || !configuration.isObject()) {
            throw RequestRejectedException.badRequest("missing_configuration", "body has no configuration object");
        }
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray()) {
            throw RequestRejectedException.badRequest("invalid_messages", "messages must be a list");
        }
        List<JsonNode> list = new ArrayList<>(messages.size());
        for (JsonNode message : messages) {
            if (!message.isObject()) {
                throw RequestRejectedException.badRequest("invalid_messages", "every message must be a JSON object");
            }
            list.add(message);
        }
        HullCredentials credentials = new HullCredentials(
                configuration.path("organization").asText(null),
                configuration.path("id").asText(null),
                configuration.path("secret").asText(null));
        return new HullNotification(root.path("notification_id").asText(null), root.path("channel").asText(null),
                credentials, root.path("connector"), list);
    }

    /**
     * The route's choice between user:update and anything else. A bean method, not
     * {@code ${body.userUpdate}}: Camel's OGNL hashes the body for its introspection cache on every
     * evaluation, which walked every user of the notification (7 % of the CPU, docs/benchmarks.md item 7).
     */
    public boolean isNotUserUpdate(HullNotification notification) {
        return !notification.isUserUpdate();
    }
}
