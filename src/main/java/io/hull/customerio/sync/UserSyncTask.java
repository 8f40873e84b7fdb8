package io.hull.customerio.sync;

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
 * @param firstSyncedAt   {@code traits_customerio/created_at} when the customer was sent before
 */
public record UserSyncTask(NotificationContext context, UserClaims claims, Action action, String reason,
                           String customerId, List<Map<String, Object>> identifyCalls, String hash,
                           String firstSyncedAt) {

    public enum Action { SKIP, INVALID, DELETE, INSERT, UPDATE }

    public static UserSyncTask skip(NotificationContext context, UserClaims claims, String reason) {
        return new UserSyncTask(context, claims, Action.SKIP, reason, null, List.of(), null, null);
    }

    public int attributeCount() {
        return identifyCalls.stream().mapToInt(Map::size).sum();
    }
}
