package io.hull.customerio.sync;

import io.hull.customerio.customerio.CustomerIoRejectedException;
import io.hull.customerio.customerio.EventCall;
import io.hull.customerio.errors.SafeError;
import io.hull.customerio.logging.DecisionLog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * Logs what happens to a user's events ({@code outgoing.event.success|skip|error}) and turns each
 * sent or failed event into an {@link EventResult}.
 */
@Component("eventResults")
public class EventResults {

    static final String USER_RESULT = "userResult";
    /** Exchange property holding the event being sent (the body is its Customer.io call, then the answer). */
    static final String EVENT = "event";

    private final DecisionLog decisions;

    public EventResults(DecisionLog decisions) {
        this.decisions = decisions;
    }

    /** Once per user: the events that stay behind, by reason, and the ones refused for breaking Customer.io's limits. */
    public void logNotSent(@ExchangeProperty(UserSyncResults.TASK) UserSyncTask task) {
        task.skippedEvents().forEach((reason, names) ->
                decisions.info("outgoing.event.skip", task.claims(), Map.of("events", names, "reason", reason)));
        for (EventCall event : task.events()) {
            if (event.refusal() != null) {
                decisions.error("outgoing.event.error", task.claims(), Map.of("event", event.hullName(), "reason", event.refusal()));
            }
        }
    }

    /**
     * Events go out only after their customer made it to Customer.io (or as anonymous events). The route asks
     * through the {@code userEventsToSend} predicate ({@link UserSyncActions}).
     */
    public boolean shouldSend(UserSyncTask task, UserSyncResult userResult) {
        boolean userOk = userResult.outcome() == UserSyncResult.Outcome.SUCCESS
                || userResult.outcome() == UserSyncResult.Outcome.SKIPPED;
        return userOk && !task.sendableEvents().isEmpty();
    }

    /** Events that cannot go because the user itself failed: said once, so nothing disappears silently. */
    public void logUserFailed(@ExchangeProperty(UserSyncResults.TASK) UserSyncTask task) {
        List<String> names = task.sendableEvents().stream().map(EventCall::hullName).toList();
        if (!names.isEmpty()) {
            decisions.info("outgoing.event.skip", task.claims(), Map.of("events", names, "reason", "the user could not be sent"));
        }
    }

    public EventResult sent(@ExchangeProperty(EVENT) EventCall event, @ExchangeProperty(USER_RESULT) UserSyncResult user) {
        decisions.info("outgoing.event.success", user.claims(), details(event));
        return new EventResult(event.hullName(), EventResult.Outcome.SENT, null, null);
    }

    public EventResult rejected(@ExchangeProperty(EVENT) EventCall event, @ExchangeProperty(USER_RESULT) UserSyncResult user,
                                @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) CustomerIoRejectedException e) {
        Map<String, Object> details = details(event);
        details.put("reason", e.getMessage());
        details.put("status", e.status());
        decisions.error("outgoing.event.error", user.claims(), details);
        return new EventResult(event.hullName(), EventResult.Outcome.FAILED, e.getMessage(), e.code());
    }

    public EventResult retryLater(@ExchangeProperty(EVENT) EventCall event, @ExchangeProperty(USER_RESULT) UserSyncResult user,
                                  @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e) {
        SafeError error = UserSyncResults.safeError(e);
        Map<String, Object> details = details(event);
        details.put("reason", error.reason());
        details.put("retry", true);
        decisions.error("outgoing.event.error", user.claims(), details);
        return new EventResult(event.hullName(), EventResult.Outcome.RETRY, error.reason(), error.code());
    }

    private static Map<String, Object> details(EventCall event) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("event", event.hullName());
        details.put("event_id", event.id());
        if (event.anonymous()) {
            details.put("anonymous", true);
        }
        return details;
    }
}
