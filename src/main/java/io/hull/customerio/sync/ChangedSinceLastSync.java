package io.hull.customerio.sync;

import io.hull.customerio.customerio.CustomerHash;
import io.hull.customerio.account.AccountRelationships;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.springframework.stereotype.Component;

/**
 * Filter {@code changed-since-last-sync} of route sync-user: the customer as it will be sent differs from what
 * Customer.io holds, or the user has events to send (they go after it). What Customer.io holds is known by the hash of
 * the customer as last sent: this connector's own memory of what it wrote ({@link SyncedHashes}; a notification Hull
 * sends again after a partial failure still carries the old traits of the users that did succeed), else the
 * {@code customerio/hash} Hull stores. A customer never sent is inserted, any other updated.
 */
@Component("changedSinceLastSync")
public class ChangedSinceLastSync implements Predicate {

    private final CustomerHash hash;
    private final SyncedHashes syncedHashes;

    public ChangedSinceLastSync(CustomerHash hash, SyncedHashes syncedHashes) {
        this.hash = hash;
        this.syncedHashes = syncedHashes;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean matches(Exchange exchange) {
        UserSync user = exchange.getProperty(UserSync.PROPERTY, UserSync.class);
        Map<String, Object> attributes = exchange.getMessage().getBody(Map.class);
        // the relationship to its account is part of what Customer.io holds: a user who moved account is sent again
        String customerHash = user.relatedObjectId() == null ? hash.of(user.customerId(), attributes)
                : hash.of(user.customerId(), attributes, Map.of("cio_relationships",
                        List.of(AccountRelationships.identifiers(user.objectTypeId(), user.relatedObjectId()))));
        boolean events = hasEventsToSend(user);
        if (!events && !user.unsuppressed() && syncedHashes.isCurrent(user.context().customerIo().siteId(), user.customerId(), customerHash)) {
            user.skip("unchanged since this connector last sent it (no events)");
            return false;
        }
        boolean sentBefore = SyncStateTraits.sentBefore(user.user());
        // unsuppressed just now: Customer.io holds nothing of it, whatever hash Hull still shows
        if (sentBefore && !events && !user.unsuppressed() && customerHash.equals(SyncStateTraits.text(user.user(), SyncStateTraits.SENT_HASH))) {
            user.skip("unchanged since the last sync (same hash, no events)");
            return false;
        }
        user.identify(sentBefore ? UserSync.Action.UPDATE : UserSync.Action.INSERT, customerHash, attributes);
        return true;
    }

    private static boolean hasEventsToSend(UserSync user) {
        for (var event : user.message().path("events")) {
            if (user.settings().eventsFilter().contains(event.path("event").asText())) {
                return true;
            }
        }
        return false;
    }
}
