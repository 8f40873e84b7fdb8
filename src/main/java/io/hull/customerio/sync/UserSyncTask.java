package io.hull.customerio.sync;

import io.hull.customerio.customerio.EventCall;
import io.hull.customerio.hull.UserClaims;
import java.util.List;
import java.util.Map;

/**
 * What to do for one user of a notification, decided by {@link UserSyncPlanner}.
 *
 * @param reason          why a user is skipped, or every validation error of an invalid customer
 * @param customerId      the Customer.io id the call goes to
 * @param identifyCalls   the customer's attributes split into PUT bodies of at most
 *                        {@code customerio.attributes-per-request} attributes
 * @param hash            hash of the customer payload, written back as {@code customerio/hash}
 * @param createdAt       the customer's {@code created_at} as sent to Customer.io (unix seconds), written back as
 *                        {@code customerio/created_at}; {@code null} when it has none
 * @param events          whitelisted events to send after the customer (refused ones included, see {@link EventCall#refusal})
 * @param skippedEvents   names of the events that are not sent, by reason
 * @param leftOut         what of an identified customer is not sent, and why (a {@code created_at} that is no date)
 */
public record UserSyncTask(NotificationContext context, UserClaims claims, Action action, String reason,
                           String customerId, List<Map<String, Object>> identifyCalls, String hash,
                           Long createdAt, List<EventCall> events, Map<String, List<String>> skippedEvents,
                           List<String> leftOut) {

    public enum Action { SKIP, INVALID, DELETE, INSERT, UPDATE }

    public static UserSyncTask skip(NotificationContext context, UserClaims claims, String reason) {
        return new UserSyncTask(context, claims, Action.SKIP, reason, null, List.of(), null, null, List.of(), Map.of(), List.of());
    }

    public UserSyncTask withEvents(List<EventCall> toSend, Map<String, List<String>> skipped) {
        return new UserSyncTask(context, claims, action, reason, customerId, identifyCalls, hash, createdAt, toSend, skipped,
                leftOut);
    }

    public List<EventCall> sendableEvents() {
        return events.stream().filter(event -> event.refusal() == null).toList();
    }

    public int attributeCount() {
        return identifyCalls.stream().mapToInt(Map::size).sum();
    }
}
