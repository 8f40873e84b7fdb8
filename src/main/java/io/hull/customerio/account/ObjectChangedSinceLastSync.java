package io.hull.customerio.account;

import io.hull.customerio.customerio.CustomerHash;
import io.hull.customerio.sync.SyncedHashes;
import io.hull.customerio.sync.UserSync.Action;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.springframework.stereotype.Component;

/**
 * Filter {@code object-changed-since-last-sync} of route object-stages: the object as it will be sent differs from
 * what Customer.io holds, known by the hash of the object as last sent: this connector's memory of what it wrote
 * ({@link SyncedHashes}), else the account's {@code customerio/hash} in Hull. An object never sent is inserted, any
 * other updated.
 */
@Component("objectChangedSinceLastSync")
public class ObjectChangedSinceLastSync implements Predicate {

    private final CustomerHash hash;
    private final SyncedHashes syncedHashes;

    public ObjectChangedSinceLastSync(CustomerHash hash, SyncedHashes syncedHashes) {
        this.hash = hash;
        this.syncedHashes = syncedHashes;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean matches(Exchange exchange) {
        AccountSync account = exchange.getProperty(AccountSync.PROPERTY, AccountSync.class);
        Map<String, Object> attributes = exchange.getMessage().getBody(Map.class);
        String objectHash = hash.of(account.objectId(), attributes, Map.of("object_type_id", account.objectTypeId()));
        String site = AccountSyncState.objectsOf(account.context().customerIo().siteId(), account.objectTypeId());
        if (syncedHashes.isCurrent(site, account.objectId(), objectHash)) {
            account.skip("unchanged since this connector last sent it");
            return false;
        }
        boolean sentBefore = AccountSyncState.sentBefore(account.account());
        if (sentBefore && objectHash.equals(AccountSyncState.text(account.account(), AccountSyncState.HASH))) {
            account.skip("unchanged since the last sync (same hash)");
            return false;
        }
        // sent before as another object (its account_id_mapping value or object_type_id changed): a new object; the
        // old one stays in Customer.io, and the success line names it
        String sentId = AccountSyncState.text(account.account(), AccountSyncState.ID);
        String sentType = AccountSyncState.text(account.account(), AccountSyncState.OBJECT_TYPE_ID);
        boolean sameObject = sentBefore && sentId.equals(account.objectId())
                && (sentType == null || sentType.equals(account.objectTypeId()));
        if (sentBefore && !sameObject) {
            account.replaces(sentType == null ? account.objectTypeId() : sentType, sentId);
        }
        account.identify(sameObject ? Action.UPDATE : Action.INSERT, objectHash, attributes.size());
        return true;
    }
}
