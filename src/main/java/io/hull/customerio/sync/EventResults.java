package io.hull.customerio.sync;

import com.fasterxml.jackson.databind.JsonNode;
import io.hull.customerio.customerio.CustomerIoCall;
import io.hull.customerio.customerio.CustomerIoRejectedException;
import io.hull.customerio.errors.SafeError;
import io.hull.customerio.logging.DecisionLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.util.ObjectHelper;
import org.springframework.stereotype.Component;

/**
 * How each event of a user ended ({@link EventResult}), logged in Hull's vocabulary:
 * {@code outgoing.event.success|error} as it happens, {@code outgoing.event.skip} once per user and reason, with the
 * names of the events that stay behind.
 */
@Component("eventResults")
public class EventResults {

    /** Exchange property holding the user's {@code List<EventResult>} once its events are done with. */
    static final String EVENT_RESULTS = "eventResults";

    private final DecisionLog decisions;

    public EventResults(DecisionLog decisions) {
        this.decisions = decisions;
    }

    static EventResult skipped(JsonNode event, String reason) {
        return new EventResult(event.path("event").asText(""), EventResult.Outcome.SKIPPED, reason, null);
    }

    /** An event Customer.io would refuse: not sent, said at once. */
    EventResult refused(UserSync user, String name, String refusal) {
        decisions.error("outgoing.event.error", user.claims(), Map.of("event", name, "reason", refusal));
        return new EventResult(name, EventResult.Outcome.FAILED, refusal, "invalid_event");
    }

    /** Step {@code event-sent}: property {@value UserSync#EVENT_RESULT}. */
    public void sent(@Body CustomerIoCall call, @ExchangeProperty(UserSync.HULL_EVENT) Map<String, Object> hullEvent,
                     @ExchangeProperty(UserSync.PROPERTY) UserSync user, @ExchangeProperties Map<String, Object> properties) {
        decisions.info("outgoing.event.success", user.claims(), details(call, hullEvent));
        properties.put(UserSync.EVENT_RESULT, new EventResult(name(hullEvent), EventResult.Outcome.SENT, null, null));
    }

    public void rejected(@Body CustomerIoCall call, @ExchangeProperty(UserSync.HULL_EVENT) Map<String, Object> hullEvent,
                         @ExchangeProperty(UserSync.PROPERTY) UserSync user,
                         @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception caught, @ExchangeProperties Map<String, Object> properties) {
        CustomerIoRejectedException e = ObjectHelper.getException(CustomerIoRejectedException.class, caught);
        Map<String, Object> details = details(call, hullEvent);
        details.put("reason", e.getMessage());
        details.put("status", e.status());
        decisions.error("outgoing.event.error", user.claims(), details);
        properties.put(UserSync.EVENT_RESULT, new EventResult(name(hullEvent), EventResult.Outcome.FAILED, e.getMessage(), e.code()));
    }

    public void retryLater(@Body Object call, @ExchangeProperty(UserSync.HULL_EVENT) Map<String, Object> hullEvent,
                           @ExchangeProperty(UserSync.PROPERTY) UserSync user,
                           @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e, @ExchangeProperties Map<String, Object> properties) {
        SafeError error = UserSyncResults.safeError(e);
        Map<String, Object> details = details(call instanceof CustomerIoCall customerIoCall ? customerIoCall : null, hullEvent);
        details.put("reason", error.reason());
        details.put("retry", true);
        decisions.error("outgoing.event.error", user.claims(), details);
        properties.put(UserSync.EVENT_RESULT, new EventResult(name(hullEvent), EventResult.Outcome.RETRY, error.reason(), error.code()));
    }

    /**
     * Step {@code log-events-not-sent}: the events that stay behind, logged once per reason; every event's result in
     * property {@value #EVENT_RESULTS}.
     */
    public void logNotSent(@Body Object results, @ExchangeProperty(UserSync.PROPERTY) UserSync user,
                           @ExchangeProperties Map<String, Object> properties) {
        if (!(results instanceof List<?> list)) {
            return;
        }
        Map<String, List<String>> skipped = new LinkedHashMap<>();
        List<EventResult> events = new ArrayList<>();
        for (Object item : list) {
            EventResult event = (EventResult) item;
            events.add(event);
            if (event.outcome() == EventResult.Outcome.SKIPPED) {
                skipped.computeIfAbsent(event.detail(), reason -> new ArrayList<>()).add(event.name());
            }
        }
        skipped.forEach((reason, names) ->
                decisions.info("outgoing.event.skip", user.claims(), Map.of("events", names, "reason", reason)));
        properties.put(EVENT_RESULTS, events);
    }

    private static String name(Map<String, Object> hullEvent) {
        return String.valueOf(hullEvent.get("event"));
    }

    private static Map<String, Object> details(CustomerIoCall call, Map<String, Object> hullEvent) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("event", name(hullEvent));
        if (call != null && call.payload() instanceof Map<?, ?> payload) {
            details.put("event_id", String.valueOf(payload.get("id")));
            if (CustomerIoCall.ANONYMOUS_EVENTS.equals(call.path())) {
                details.put("anonymous", true);
            }
        }
        return details;
    }
}
