package io.hull.customerio.sync;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.springframework.stereotype.Component;

/**
 * Filter {@code whitelisted-events} of route sync-user-events: the event is named in {@code events_filter} and can go,
 * after its customer made it to Customer.io, or as an anonymous event of a user without an id when
 * {@code anonymous_events} is on (property {@value UserSync#ANONYMOUS_ID}). Every other event ends skipped, with the
 * reason (logged once per user and reason). It also sets property {@code hullEvent} for routes/customize.yaml.
 */
@Component("whitelistedEvents")
public class WhitelistedEvents implements Predicate {

    @Override
    public boolean matches(Exchange exchange) {
        JsonNode event = exchange.getMessage().getBody(JsonNode.class);
        UserSync user = exchange.getProperty(UserSync.PROPERTY, UserSync.class);
        SyncResult customer = exchange.getProperty(UserSyncResults.USER_RESULT, SyncResult.class);
        exchange.setProperty(UserSync.HULL_EVENT, JsonMaps.of(event));
        // the customer's customization may have set one: this event's own starts unset
        exchange.removeProperty(UserSync.SKIP_REASON);
        exchange.removeProperty(Customizations.FAILURE);
        exchange.removeProperty(UserSync.ANONYMOUS_ID);
        SyncSettings settings = user.settings();
        if (!settings.eventsFilter().contains(event.path("event").asText(""))) {
            return skipped(exchange, "not in events_filter");
        }
        if (customer.outcome() == SyncResult.Outcome.SUCCESS) {
            return true;
        }
        if (user.inSuppressedSegment()) {
            return skipped(exchange, "the user is suppressed (suppressed_segments): nothing is sent for it");
        }
        // deleted (or suppressed) by the connector and not identified since: an event, even an anonymous one on its
        // behalf, would have Customer.io create the person again
        if (SyncStateTraits.deletedSinceLastSync(user.user())) {
            return skipped(exchange, "the user was deleted from Customer.io (customerio/deleted_at is set) and not identified "
                    + "since: its events would create the person again");
        }
        if (user.withoutId()) {
            if (!settings.anonymousEvents()) {
                return skipped(exchange, "user has no id and anonymous_events is disabled");
            }
            String anonymousId = SyncStateTraits.text(event, "anonymous_id");
            if (anonymousId == null) {
                anonymousId = user.claims().anonymousId();
            }
            if (anonymousId == null) {
                return skipped(exchange, "no id and no anonymous id");
            }
            exchange.setProperty(UserSync.ANONYMOUS_ID, anonymousId);
            return true;
        }
        if (user.identifies()) {
            return skipped(exchange, "the user could not be sent");
        }
        return skipped(exchange, "user not sent: " + (user.action() == UserSync.Action.DELETE ? "deleted from Customer.io" : user.reason()));
    }

    private static boolean skipped(Exchange exchange, String reason) {
        exchange.setProperty(UserSync.EVENT_RESULT, EventResults.skipped(exchange.getMessage().getBody(JsonNode.class), reason));
        return false;
    }
}
