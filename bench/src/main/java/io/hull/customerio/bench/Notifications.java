package io.hull.customerio.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hull.customerio.support.HullNotifierKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Smart-notifier notifications like the shared fixture ({@code fixtures/hull/user-update-notification.json}):
 * its settings (segment "Hull Users" whitelisted, {@code user_id_mapping: email}) and its user, copied
 * {@code n} times as fresh users (a new id, email and external_id each, never sent before, so no hash
 * skip), for the Customer.io site asked for, signed as Hull signs them.
 *
 * <p>The fixture user's page event is left out: every user is then exactly one identify PUT, the call
 * the ceiling ({@link ThroughputScenario}) replays. Built by text substitution into the serialized
 * fixture so the load generator spends its CPU on sending, not on JSON.
 */
final class Notifications {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MESSAGES = "__MESSAGES__";
    private static final String NOTIFICATION_ID = "__NOTIFICATION_ID__";
    private static final String SITE = "__SITE__";
    private static final String USER = "__USER__";

    /** A signed notification body. */
    record Notification(String id, byte[] body, String signature, int users) {
    }

    private final HullNotifierKeys keys;
    private final String head;
    private final String tail;
    private final String message;
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private final AtomicLong users = new AtomicLong();

    Notifications(HullNotifierKeys keys) {
        this.keys = keys;
        ObjectNode fixture = fixture();
        ObjectNode template = (ObjectNode) fixture.path("messages").get(0);
        template.putArray("events");
        ObjectNode user = (ObjectNode) template.path("user");
        user.put("id", USER);
        user.put("email", USER + "@bench.example");
        user.put("external_id", USER);
        fixture.put("notification_id", NOTIFICATION_ID);
        ObjectNode settings = (ObjectNode) fixture.path("connector").path("private_settings");
        settings.put("site_id", SITE);
        settings.put("api_key", "key-" + SITE);
        ArrayNode messages = fixture.putArray("messages");
        messages.add(MESSAGES);
        try {
            String whole = JSON.writeValueAsString(fixture);
            int at = whole.indexOf('"' + MESSAGES + '"');
            this.head = whole.substring(0, at);
            this.tail = whole.substring(at + MESSAGES.length() + 2);
            this.message = JSON.writeValueAsString(template);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The public key the connector verifies signatures with ({@code hull.notifier.public-key}). */
    String publicKeyLocation() {
        return keys.publicKeyLocation();
    }

    Notification next(String siteId, int userCount) {
        String id = UUID.randomUUID().toString();
        StringBuilder body = new StringBuilder(head.length() + tail.length() + userCount * (message.length() + 8));
        body.append(head.replace(NOTIFICATION_ID, id).replace(SITE, siteId));
        for (int i = 0; i < userCount; i++) {
            if (i > 0) {
                body.append(',');
            }
            body.append(message.replace(USER, "bench-" + run + "-" + users.incrementAndGet()));
        }
        body.append(tail);
        return new Notification(id, body.toString().getBytes(StandardCharsets.UTF_8), keys.sign(id), userCount);
    }

    private static ObjectNode fixture() {
        try (InputStream in = Notifications.class.getClassLoader()
                .getResourceAsStream("fixtures/hull/user-update-notification.json")) {
            if (in == null) {
                throw new IllegalStateException("fixtures/hull/user-update-notification.json is not on the classpath");
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
