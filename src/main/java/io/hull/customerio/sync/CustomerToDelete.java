package io.hull.customerio.sync;

import io.hull.customerio.customerio.CustomerMapper;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.springframework.stereotype.Component;

/**
 * Filter {@code left-every-segment} of route sync-user: a user outside every whitelisted segment is deleted from
 * Customer.io when {@code enable_user_deletion} is on, it was sent before and not deleted since. A user without an
 * email is still deleted: the customer Customer.io holds was sent with one.
 */
@Component("customerToDelete")
public class CustomerToDelete implements Predicate {

    private final CustomerMapper mapper;

    public CustomerToDelete(CustomerMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public boolean matches(Exchange exchange) {
        UserSync user = exchange.getProperty(UserSync.PROPERTY, UserSync.class);
        if (user.inSuppressedSegment() || !user.outsideSegments() || !user.settings().enableUserDeletion()) {
            return false;
        }
        boolean sentBefore = SyncStateTraits.sentBefore(user.user());
        if (!sentBefore) {
            user.skip("not in any synchronized segment and never sent to Customer.io");
            return false;
        }
        if (SyncStateTraits.text(user.user(), SyncStateTraits.SENT_DELETED_AT) != null) {
            user.skip("not in any synchronized segment and already deleted from Customer.io");
            return false;
        }
        String customerId = Optional.ofNullable(SyncStateTraits.text(user.user(), SyncStateTraits.SENT_ID))
                .or(() -> mapper.customerId(user.user(), user.settings())).orElse(null);
        if (customerId == null) {
            user.skip("left every synchronized segment but its Customer.io id is unknown");
            return false;
        }
        String unusable = CustomerMapper.unusableId(customerId);
        if (unusable != null) {
            user.skip("left every synchronized segment but its Customer.io id " + unusable);
            return false;
        }
        user.delete(customerId);
        return true;
    }
}
