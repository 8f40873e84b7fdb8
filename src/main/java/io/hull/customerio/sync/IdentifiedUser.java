package io.hull.customerio.sync;

import io.hull.customerio.customerio.CustomerMapper;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.springframework.stereotype.Component;

/**
 * Filter {@code identified-user} of route sync-user: the user has a value for the id attribute
 * ({@code user_id_mapping}) that can go into a Customer.io path, and an email when {@code skip_users_without_email} is
 * on. A user without an id may still send its events as anonymous events (route sync-user-events).
 */
@Component("identifiedUser")
public class IdentifiedUser implements Predicate {

    private final CustomerMapper mapper;

    public IdentifiedUser(CustomerMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public boolean matches(Exchange exchange) {
        UserSync user = exchange.getProperty(UserSync.PROPERTY, UserSync.class);
        SyncSettings settings = user.settings();
        Optional<String> customerId = mapper.customerId(user.user(), settings);
        if (customerId.isEmpty()) {
            user.withoutId("no value for the id attribute '" + settings.userIdMapping() + "'");
            return false;
        }
        String unusable = CustomerMapper.unusableId(customerId.get());
        if (unusable != null) {
            user.skip("the value of the id attribute '" + settings.userIdMapping() + "' " + unusable);
            return false;
        }
        if (settings.skipUsersWithoutEmail() && user.claims().email() == null) {
            user.skip("no email (skip_users_without_email is on)");
            return false;
        }
        user.customerId(customerId.get());
        return true;
    }
}
