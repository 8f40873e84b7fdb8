package io.hull.customerio.sync;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code customerio/*} traits that record on the Hull user what Customer.io has. Hull shows them
 * as {@code traits_customerio/...} and sends them back with the next notification, which is how
 * unchanged users are recognised.
 */
public final class SyncStateTraits {

    private SyncStateTraits() {
    }

    public static Map<String, Object> synced(UserSyncTask task, Instant now) {
        Map<String, Object> traits = new LinkedHashMap<>();
        traits.put("customerio/id", task.customerId());
        // as Hull's connector wrote it: the created_at sent, unix seconds; none sent, none written (Hull keeps its value)
        if (task.createdAt() != null) {
            traits.put("customerio/created_at", task.createdAt());
        }
        traits.put("customerio/hash", task.hash());
        traits.put("customerio/synced_at", now.toString());
        traits.put("customerio/deleted_at", null);
        return traits;
    }

    public static Map<String, Object> deleted(Instant now) {
        Map<String, Object> traits = new LinkedHashMap<>();
        traits.put("customerio/id", null);
        traits.put("customerio/created_at", null);
        traits.put("customerio/hash", null);
        traits.put("customerio/synced_at", null);
        traits.put("customerio/deleted_at", now.toString());
        return traits;
    }
}
