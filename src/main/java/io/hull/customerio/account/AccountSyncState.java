package io.hull.customerio.account;

import com.fasterxml.jackson.databind.JsonNode;
import io.hull.customerio.sync.SyncStateTraits;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code customerio/*} traits that record on the Hull account what Customer.io has. Hull shows account traits
 * unprefixed, so the next notification carries them back as {@code account["customerio/hash"]} and so on.
 */
public final class AccountSyncState {

    static final String ID = "customerio/id";
    static final String OBJECT_TYPE_ID = "customerio/object_type_id";
    static final String HASH = "customerio/hash";
    static final String SYNCED_AT = "customerio/synced_at";
    static final String DELETED_AT = "customerio/deleted_at";

    private AccountSyncState() {
    }

    /** Whether the connector wrote the account to Customer.io: Hull holds its {@code customerio/id}. */
    static boolean sentBefore(JsonNode account) {
        return text(account, ID) != null;
    }

    static String text(JsonNode account, String trait) {
        return SyncStateTraits.text(account, trait);
    }

    static Map<String, Object> synced(AccountSync account, Instant now) {
        Map<String, Object> traits = new LinkedHashMap<>();
        traits.put(ID, account.objectId());
        traits.put(OBJECT_TYPE_ID, account.objectTypeId());
        traits.put(HASH, account.hash());
        traits.put(SYNCED_AT, now.toString());
        traits.put(DELETED_AT, null);
        return traits;
    }

    static Map<String, Object> deleted(Instant now) {
        Map<String, Object> traits = new LinkedHashMap<>();
        traits.put(ID, null);
        traits.put(OBJECT_TYPE_ID, null);
        traits.put(HASH, null);
        traits.put(SYNCED_AT, null);
        traits.put(DELETED_AT, now.toString());
        return traits;
    }

    /** Where {@link io.hull.customerio.sync.SyncedHashes} keeps a site's objects: apart from its people. */
    static String objectsOf(String siteId, String objectTypeId) {
        return siteId + "#objects/" + objectTypeId;
    }
}
