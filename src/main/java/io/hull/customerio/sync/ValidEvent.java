package io.hull.customerio.sync;

import io.hull.customerio.customerio.EventMapper;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.springframework.stereotype.Component;

/**
 * Filter {@code valid-event} of route sync-user-events, after the engineer's {@code customize-event}: an event that
 * step skipped (property {@code skipReason}) goes no further; the event it left must be a JSON object within
 * Customer.io's limits (a name, at most 100 bytes of it, at most 100 KB of data), else it is refused and logged.
 */
@Component("validEvent")
public class ValidEvent implements Predicate {

    private final Customizations customizations;
    private final EventMapper mapper;
    private final EventResults results;

    public ValidEvent(Customizations customizations, EventMapper mapper, EventResults results) {
        this.customizations = customizations;
        this.mapper = mapper;
        this.results = results;
    }

    @Override
    public boolean matches(Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, Object> hullEvent = exchange.getProperty(UserSync.HULL_EVENT, Map.class);
        String name = String.valueOf(hullEvent.get("event"));
        UserSync user = exchange.getProperty(UserSync.PROPERTY, UserSync.class);
        String failure = exchange.getProperty(Customizations.FAILURE, String.class);
        if (failure != null) {
            exchange.setProperty(UserSync.EVENT_RESULT, results.refused(user, name, failure));
            return false;
        }
        String skipReason = exchange.getProperty(UserSync.SKIP_REASON, String.class);
        if (skipReason != null) {
            exchange.setProperty(UserSync.EVENT_RESULT, new EventResult(name, EventResult.Outcome.SKIPPED, skipReason, null));
            return false;
        }
        Object body = exchange.getMessage().getBody();
        Map<String, Object> event = customizations.asMap(body);
        String refusal = event == null ? "customize-event left " + Customizations.describe(body) + ", not an event (a JSON object)"
                : mapper.refusal(event);
        if (refusal != null) {
            exchange.setProperty(UserSync.EVENT_RESULT, results.refused(user, name, refusal));
            return false;
        }
        exchange.getMessage().setBody(event);
        return true;
    }
}
