package io.hull.customerio.sync;

import com.fasterxml.jackson.databind.JsonNode;
import io.hull.customerio.customerio.CustomerMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.springframework.stereotype.Component;

/**
 * Filter {@code in-suppressed-segments} of route sync-user, before the whitelist: a user in one of
 * {@code suppressed_segments} (consent withdrawn, a "forget me" request) is suppressed in Customer.io once (the person
 * deleted, its identifier kept from being added again), and nothing else is sent for it: no identify, no events, no
 * anonymous events on its behalf. Suppressed already (Hull holds its {@code customerio/suppressed_at}), or never sent
 * and without an id: skipped with the reason.
 */
@Component("suppressCustomer")
public class SuppressCustomer implements Predicate {

    private final CustomerMapper mapper;

    public SuppressCustomer(CustomerMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public boolean matches(Exchange exchange) {
        UserSync user = exchange.getProperty(UserSync.PROPERTY, UserSync.class);
        String segment = suppressedSegment(user);
        if (segment == null) {
            return false;
        }
        String why = "in suppressed segment " + segment;
        if (user.context().customerIo() == null) {
            user.suppressedSegment(why + ", but there are no Customer.io credentials to suppress it with");
            return false;
        }
        if (SyncStateTraits.text(user.user(), SyncStateTraits.SENT_SUPPRESSED_AT) != null) {
            user.suppressedSegment(why + ": suppressed in Customer.io already");
            return false;
        }
        String id = customerId(user, mapper);
        if (id == null) {
            user.suppressedSegment(why + ", never sent and without a usable value for the id attribute: nothing to suppress");
            return false;
        }
        user.suppress(id);
        return true;
    }

    /** The first of the user's segments that is a suppressed one, or null. */
    static String suppressedSegment(UserSync user) {
        if (user.settings().suppressedSegments() == null) {
            return null;
        }
        JsonNode segment = Segments.firstIn(user.message().path("segments"), user.settings().suppressedSegments());
        return segment == null ? null : segment.path("name").asText(segment.path("id").asText());
    }

    /** The id Customer.io knows the person by: the one it was sent under, else its mapped id; null when neither is usable. */
    static String customerId(UserSync user, CustomerMapper mapper) {
        String id = SyncStateTraits.text(user.user(), SyncStateTraits.SENT_ID);
        if (id == null) {
            id = mapper.customerId(user.user(), user.settings()).orElse(null);
        }
        return id == null || CustomerMapper.unusableId(id) != null ? null : id;
    }
}
