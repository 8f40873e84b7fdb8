package io.hull.customerio.hull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A smart-notifier request as far as the connector needs it. Users, segments and settings stay
 * JSON: Hull's user objects are open-ended, and the mapping picks what it needs from them.
 *
 * @param connector the {@code connector} object: {@code private_settings} lives there
 * @param messages  one per user ({@code user}, {@code segments}, {@code account}, {@code account_segments},
 *                  {@code events}, {@code changes}), or per account for an account:update ({@code account},
 *                  {@code account_segments}, {@code changes})
 */
public record HullNotification(String notificationId, String channel, HullCredentials credentials,
                               JsonNode connector, List<JsonNode> messages) {

    public static final String USER_UPDATE = "user:update";
    public static final String ACCOUNT_UPDATE = "account:update";

    public boolean isUserUpdate() {
        return USER_UPDATE.equals(channel);
    }

    public boolean isAccountUpdate() {
        return ACCOUNT_UPDATE.equals(channel);
    }

    public JsonNode privateSettings() {
        return connector.path("private_settings");
    }

    /** Never the settings (they hold the Customer.io API key) nor the users: what a log line may say of it. */
    @Override
    public String toString() {
        return "HullNotification[notificationId=" + notificationId + ", channel=" + channel + ", credentials=" + credentials
                + ", messages=" + messages.size() + "]";
    }
}
