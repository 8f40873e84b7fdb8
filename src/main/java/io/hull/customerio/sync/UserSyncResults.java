package io.hull.customerio.sync;

import io.hull.customerio.customerio.CustomerIoRejectedException;
import io.hull.customerio.logging.DecisionLog;
import io.hull.customerio.sync.UserSyncResult.Outcome;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Ends the journey of one user: logs the decision in Hull's vocabulary and returns the
 * {@link UserSyncResult} the notification's answer and the write-back are built from.
 */
@Component("userSyncResults")
public class UserSyncResults {

    private static final Logger log = LoggerFactory.getLogger(UserSyncResults.class);

    private final DecisionLog decisions;
    private final Clock clock;

    public UserSyncResults(DecisionLog decisions) {
        this.decisions = decisions;
        this.clock = Clock.systemUTC();
    }

    public UserSyncResult skipped(UserSyncTask task) {
        decisions.info("outgoing.user.skip", task.claims(), Map.of("reason", task.reason()));
        return result(task, Outcome.SKIPPED, task.reason(), null);
    }

    public UserSyncResult invalid(UserSyncTask task) {
        decisions.error("outgoing.user.error", task.claims(), details(task, "reason", "invalid customer: " + task.reason()));
        return result(task, Outcome.FAILED, task.reason(), null);
    }

    public UserSyncResult identified(UserSyncTask task) {
        Map<String, Object> details = details(task, "operation", task.action().name().toLowerCase());
        details.put("attributes", task.attributeCount());
        details.put("calls", task.identifyCalls().size());
        decisions.info("outgoing.user.success", task.claims(), details);
        return result(task, Outcome.SUCCESS, null, SyncStateTraits.synced(task, clock.instant()));
    }

    public UserSyncResult deleted(UserSyncTask task) {
        decisions.info("outgoing.user.deletion", task.claims(), details(task, "operation", "delete"));
        return result(task, Outcome.DELETED, null, SyncStateTraits.deleted(clock.instant()));
    }

    /** Customer.io refused the user for good (4xx): logged, not retried. */
    public UserSyncResult rejected(UserSyncTask task, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) CustomerIoRejectedException e) {
        Map<String, Object> details = details(task, "reason", e.getMessage());
        details.put("status", e.status());
        decisions.error("outgoing.user.error", task.claims(), details);
        return result(task, Outcome.FAILED, e.getMessage(), null);
    }

    /** Anything that may work later: the notification is answered 503 and Hull sends it again. */
    public UserSyncResult retryLater(UserSyncTask task, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e) {
        String reason = safeReason(e);
        Map<String, Object> details = details(task, "reason", reason);
        details.put("retry", true);
        decisions.error("outgoing.user.error", task.claims(), details);
        return result(task, Outcome.RETRY, reason, null);
    }

    /**
     * The connector's own exceptions carry messages written to be shown (no secrets); anything else
     * is logged in full once and summarised by its type.
     */
    static String safeReason(Exception e) {
        if (e.getClass().getPackageName().startsWith("io.hull")) {
            return e.getMessage();
        }
        log.error("unexpected error while syncing; the notification will be retried", e);
        return "unexpected " + e.getClass().getSimpleName();
    }

    /**
     * The user's final result: an event that must be retried makes the whole user "retry" (Hull sends
     * the notification again; the identify is idempotent and event ids are deterministic), but the
     * sync state of a customer that was written is still recorded.
     */
    public UserSyncResult complete(@ExchangeProperty(EventResults.USER_RESULT) UserSyncResult user,
                                   @ExchangeProperty("eventResults") List<EventResult> events) {
        if (events == null) {
            return user;
        }
        for (EventResult event : events) {
            if (event.outcome() == EventResult.Outcome.RETRY && !user.needsRetry()) {
                return new UserSyncResult(user.claims(), UserSyncResult.Outcome.RETRY, event.detail(), user.hull(), user.traits());
            }
        }
        return user;
    }

    private static Map<String, Object> details(UserSyncTask task, String key, Object value) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (task.customerId() != null) {
            details.put("customer_id", task.customerId());
        }
        details.put(key, value);
        return details;
    }

    private static UserSyncResult result(UserSyncTask task, Outcome outcome, String detail, Map<String, Object> traits) {
        return new UserSyncResult(task.claims(), outcome, detail, task.context().hull(), traits);
    }
}
