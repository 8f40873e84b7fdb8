package io.hull.customerio.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;

/** Notifications and measurements the volume tests share; no Spring, no stand-ins started. */
public final class TestNotifications {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestNotifications() {
    }

    /** The shared Hull fixture notification. */
    public static ObjectNode fixture() {
        try (InputStream in = TestNotifications.class.getClassLoader().getResourceAsStream("fixtures/hull/user-update-notification.json")) {
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The fixture with {@code users} distinct users (no events: one PUT each) for Customer.io site
     * {@code siteId} (api key {@code key-<siteId>}); user i has id and email {@code <siteId>-user-<i>}.
     */
    public static ObjectNode forSite(String siteId, int users) {
        return forSite(siteId, users, siteId + "-user-");
    }

    /** The same, user i with id and email {@code <prefix><i>}: users of their own for each notification of one site. */
    public static ObjectNode forSite(String siteId, int users, String userPrefix) {
        ObjectNode notification = fixture();
        notification.put("notification_id", UUID.randomUUID().toString());
        ObjectNode settings = (ObjectNode) notification.path("connector").path("private_settings");
        settings.put("site_id", siteId);
        settings.put("api_key", "key-" + siteId);
        ArrayNode messages = (ArrayNode) notification.path("messages");
        ObjectNode template = (ObjectNode) messages.get(0);
        messages.removeAll();
        for (int i = 0; i < users; i++) {
            ObjectNode message = template.deepCopy();
            ((ArrayNode) message.path("events")).removeAll();
            ObjectNode user = (ObjectNode) message.path("user");
            String id = userPrefix + i;
            user.put("id", id);
            user.put("email", id + "@example.com");
            messages.add(message);
        }
        return notification;
    }

    /** The most arrivals (sorted epoch millis) in any window [t, t + 1000 ms), t being any arrival. */
    public static int worstSlidingWindow(List<Long> sorted) {
        int worst = 0;
        int end = 0;
        for (int start = 0; start < sorted.size(); start++) {
            while (end < sorted.size() && sorted.get(end) < sorted.get(start) + 1000) {
                end++;
            }
            worst = Math.max(worst, end - start);
        }
        return worst;
    }
}
