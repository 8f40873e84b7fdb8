package io.hull.customerio.hull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.errors.JsonLocations;
import io.hull.customerio.http.RequestRejectedException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;

/**
 * Reads the raw smart-notifier body into a {@link HullNotification}, refusing what is not one (400/413).
 *
 * <p>Everything is kept as JSON except what no part of the connector reads: each message's {@code changes} but
 * {@code changes.account} (a user moving account), every field of a message's segments and account segments but
 * {@code id} and {@code name}, and
 * every field of a user that no rule reads under the notification's settings ({@link UserFieldSelection}).
 * Those are skipped while parsing (checked as JSON, never built into a tree): building the tree of a
 * notification was the largest share of the connector's CPU (docs/benchmarks.md), and these parts
 * were most of its nodes. A new feature that needs one of them adds it here (or, for a user field, to
 * the selection).
 *
 * <p>The users can only be trimmed when the {@code connector} object (the settings) comes before
 * {@code messages}, as it does in Hull's notifications; otherwise they are kept whole. A second
 * {@code connector} after the messages (the last one counts) has the body read again, users whole.
 */
@Component("notificationParser")
public class NotificationParser {

    /** What is read of a message's {@code changes}: the account's (a user moving to another account). */
    static final Set<String> CHANGES_READ = Set.of("account");
    private static final Predicate<String> CHANGE_READ = CHANGES_READ::contains;
    /** What is read of a message's segment: the id (whitelist) and the name (hull_segments). */
    static final Set<String> SEGMENT_FIELDS_READ = Set.of("id", "name");
    private static final Predicate<String> SEGMENT_FIELD_READ = SEGMENT_FIELDS_READ::contains;
    /** No selection: users are kept whole. */
    private static final Predicate<String> ALL_FIELDS = field -> true;

    private final ObjectMapper json;
    private final UserFieldSelection userFields;
    /** Reads one value at the parser's position; a reader, not the mapper, so its deserializer is looked up once. */
    private final ObjectReader trees;

    public NotificationParser(ObjectMapper json, ConnectorProperties connector, UserFieldSelection userFields) {
        this.userFields = userFields;
        long maxBytes = connector.getMaxNotificationSize().toBytes();
        // Jackson refuses strings over 20 M characters by default; a notification may legitimately
        // hold one as long as the body limit allows.
        this.json = json.copy();
        this.json.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxBytes)).build());
        // without FAIL_ON_TRAILING_TOKENS whatever the shared mapper says: it reads one value out of a longer
        // document, and that setting would take the rest of the document for trailing garbage
        this.trees = this.json.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    public HullNotification parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw RequestRejectedException.badRequest("invalid_body", "body is empty");
        }
        ObjectNode root;
        try {
            root = read(body, true);
            if (root == null) {
                root = read(body, false);
            }
        } catch (JsonProcessingException e) {
            throw RequestRejectedException.badRequest("invalid_json", "body is not valid JSON" + JsonLocations.of(e));
        } catch (IOException e) {
            throw RequestRejectedException.badRequest("invalid_json", "body cannot be read as JSON");
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

    /** The root object; {@code null} when users were trimmed for settings that a later {@code connector} replaced. */
    private ObjectNode read(byte[] body, boolean trimUsers) throws IOException {
        try (JsonParser parser = json.createParser(body)) {
            return readNotification(parser, trimUsers);
        }
    }

    /**
     * The root object, read field by field so that {@code messages} can be read message by message. A
     * {@code messages} that is not a list is kept as it is, for {@link #parse} to refuse.
     */
    private ObjectNode readNotification(JsonParser parser, boolean trimUsers) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            // readTree first, so that invalid JSON is refused as such rather than as "not an object"
            tree(parser);
            throw RequestRejectedException.badRequest("invalid_body", "body must be a JSON object");
        }
        ObjectNode root = json.createObjectNode();
        Predicate<String> userFieldsRead = ALL_FIELDS;
        boolean usersTrimmed = false;
        for (String field = parser.nextFieldName(); field != null; field = parser.nextFieldName()) {
            if (parser.nextToken() == JsonToken.START_ARRAY && "messages".equals(field)) {
                root.set(field, readMessages(parser, userFieldsRead));
                usersTrimmed |= userFieldsRead != ALL_FIELDS;
            } else {
                JsonNode value = tree(parser);
                root.set(field, value);
                if ("connector".equals(field)) {
                    if (usersTrimmed) {
                        return null;
                    }
                    userFieldsRead = trimUsers ? userFields.fieldsRead(value) : ALL_FIELDS;
                }
            }
        }
        if (parser.nextToken() != null) {
            throw RequestRejectedException.badRequest("invalid_json", "body has more content after its JSON object");
        }
        return root;
    }

    /** A message that is not an object is kept as it is, for {@link #parse} to refuse. */
    private ArrayNode readMessages(JsonParser parser, Predicate<String> userFieldsRead) throws IOException {
        ArrayNode messages = json.createArrayNode();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            messages.add(token == JsonToken.START_OBJECT ? readMessage(parser, userFieldsRead) : tree(parser));
        }
        return messages;
    }

    private ObjectNode readMessage(JsonParser parser, Predicate<String> userFieldsRead) throws IOException {
        ObjectNode message = json.createObjectNode();
        for (String field = parser.nextFieldName(); field != null; field = parser.nextFieldName()) {
            JsonToken value = parser.nextToken();
            if (value == JsonToken.START_OBJECT && "changes".equals(field)) {
                message.set(field, readObject(parser, CHANGE_READ));
            } else if (value == JsonToken.START_ARRAY && ("segments".equals(field) || "account_segments".equals(field))) {
                message.set(field, readSegments(parser));
            } else if (value == JsonToken.START_OBJECT && "user".equals(field) && userFieldsRead != ALL_FIELDS) {
                message.set(field, readObject(parser, userFieldsRead));
            } else {
                message.set(field, tree(parser));
            }
        }
        return message;
    }

    private ArrayNode readSegments(JsonParser parser) throws IOException {
        ArrayNode segments = json.createArrayNode();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            if (token != JsonToken.START_OBJECT) {
                segments.add(tree(parser));
                continue;
            }
            segments.add(readObject(parser, SEGMENT_FIELD_READ));
        }
        return segments;
    }

    /** The object at the parser's position (just read its START_OBJECT) with only the fields {@code fieldsRead} accepts. */
    private ObjectNode readObject(JsonParser parser, Predicate<String> fieldsRead) throws IOException {
        ObjectNode object = json.createObjectNode();
        for (String field = parser.nextFieldName(); field != null; field = parser.nextFieldName()) {
            JsonToken value = parser.nextToken();
            if (!fieldsRead.test(field)) {
                parser.skipChildren();
            } else if (value == JsonToken.VALUE_STRING) {
                // the usual case, without a tree reader's set-up for one short string
                object.put(field, parser.getText());
            } else {
                object.set(field, tree(parser));
            }
        }
        return object;
    }

    /** The value at the parser's current token, as a tree (JSON null as a NullNode). */
    private JsonNode tree(JsonParser parser) throws IOException {
        return trees.readValue(parser);
    }

    /**
     * The route's guard for what is neither a user:update nor an account:update (answered next, ignored). A bean
     * method, not {@code ${body.userUpdate}}: Camel's OGNL hashes the body for its introspection cache on every
     * evaluation, which walked every user of the notification (7 % of the CPU, docs/benchmarks.md).
     */
    public boolean isNeitherUserNorAccountUpdate(HullNotification notification) {
        return !notification.isUserUpdate() && !notification.isAccountUpdate();
    }

    /** The route's guard for ship:update notifications (a connector's settings changed). */
    public boolean isShipUpdate(HullNotification notification) {
        return "ship:update".equals(notification.channel());
    }

    /** The route's guard for account:update notifications. */
    public boolean isAccountUpdate(HullNotification notification) {
        return notification.isAccountUpdate();
    }
}
