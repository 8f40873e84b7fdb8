package io.hull.customerio.sync;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code customerio/*} traits that record on the Hull user what Customer.io has. Hull shows them
 * as {@code traits_customerio/...} and sends them back with the next notification, which is how
 * unchanged users are recognised.
 */
public final class SyncStateTraits {

    /** The same traits as a notification carries them back on the user. */
    static final String SENT_ID = "traits_customerio/id";
    static final String SENT_CREATED_AT = "traits_customerio/created_at";
    static final String SENT_HASH = "traits_customerio/hash";
    static final String SENT_DELETED_AT = "traits_customerio/deleted_at";
    static final String SENT_SUPPRESSED_AT = "traits_customerio/suppressed_at";

    private SyncStateTraits() {
    }

    /**
     * Whether this connector (or Hull's before it) wrote the customer to Customer.io: Hull holds its
     * {@code customerio/id}, or its {@code customerio/created_at} (all that users synced by Hull's connector may hold).
     */
    static boolean sentBefore(JsonNode user) {
        return text(user, SENT_ID) != null || text(user, SENT_CREATED_AT) != null;
    }

    /** A trait as text; null when missing, null or blank. */
    public static String text(JsonNode user, String trait) {
        JsonNode value = user.get(trait);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }

    public static Map<String, Object> synced(UserSync user, Instant now) {
        Map<String, Object> traits = new LinkedHashMap<>();
        traits.put("customerio/id", user.customerId());
        // as Hull's connector wrote it: the created_at sent, unix seconds; none sent, none written (Hull keeps its value)
        if (user.createdAt() != null) {
            traits.put("customerio/created_at", user.createdAt());
        }
        traits.put("customerio/hash", user.hash());
        traits.put("customerio/synced_at", now.toString());
        traits.put("customerio/deleted_at", null);
        return traits;
    }

    /**
     * After a suppression: what Hull shows of it, the person gone from Customer.io. Its hash goes (nothing is held in
     * Customer.io any more, so an unsuppressed user is identified again), its id stays (the unsuppress needs it).
     */
    public static Map<String, Object> suppressed(Instant now) {
        Map<String, Object> traits = new LinkedHashMap<>();
        traits.put("customerio/suppressed_at", now.toString());
        traits.put("customerio/deleted_at", now.toString());
        traits.put("customerio/hash", null);
        traits.put("customerio/synced_at", null);
        return traits;
    }

    /**
     * Deleted (or suppressed) by the connector and not identified since: {@code customerio/deleted_at} set, and no
     * {@code customerio/synced_at} after it (a user Hull's older connector re-synced may hold both).
     */
    static boolean deletedSinceLastSync(JsonNode user) {
        String deletedAt = text(user, SENT_DELETED_AT);
        if (deletedAt == null) {
            return false;
        }
        String syncedAt = text(user, "traits_customerio/synced_at");
        java.time.Instant deleted = io.hull.customerio.input.InputRules.isoTime(deletedAt);
        java.time.Instant synced = syncedAt == null ? null : io.hull.customerio.input.InputRules.isoTime(syncedAt);
        return deleted == null || synced == null || !synced.isAfter(deleted);
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
