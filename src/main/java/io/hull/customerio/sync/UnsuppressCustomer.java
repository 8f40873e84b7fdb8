package io.hull.customerio.sync;

import io.hull.customerio.customerio.CustomerMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.springframework.stereotype.Component;

/**
 * Filter {@code left-suppressed-segments} of route sync-user: a user the connector suppressed (Hull holds its
 * {@code customerio/suppressed_at}) that is in no suppressed segment any more is unsuppressed, then synced as any other
 * user; its {@code customerio/suppressed_at} is written back null.
 */
@Component("unsuppressCustomer")
public class UnsuppressCustomer implements Predicate {

    private final CustomerMapper mapper;

    public UnsuppressCustomer(CustomerMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public boolean matches(Exchange exchange) {
        UserSync user = exchange.getProperty(UserSync.PROPERTY, UserSync.class);
        if (user.inSuppressedSegment() || user.context().customerIo() == null || user.settings().suppressedSegments() == null
                || SyncStateTraits.text(user.user(), SyncStateTraits.SENT_SUPPRESSED_AT) == null) {
            return false;
        }
        String id = SuppressCustomer.customerId(user, mapper);
        if (id == null) {
            return false;
        }
        user.unsuppress(id);
        return true;
    }
}
