package io.hull.customerio.sync;

import io.hull.customerio.customerio.CustomerIoCalls;
import io.hull.customerio.customerio.CustomerIoRejectedException;
import io.hull.customerio.errors.ConnectorException;
import io.hull.customerio.errors.SafeError;
import io.hull.customerio.logging.DecisionLog;
import io.hull.customerio.sync.UserSyncResult.Outcome;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Ends the journey of one user: logs the decision in Hull's vocabulary and returns the
 * {@link UserSyncResult} the notification's answer and the write-back are built from.
 */
@Component("userSyncResults")
public class UserSyncResults {

    /** Exchange property holding the user's task in route customerio-user-sync (the body is each Customer.io call). */
    static final String TASK = CustomerIoCalls.TASK_PROPERTY;

    private static final Logger log = LoggerFactory.getLogger(UserSyncResults.class);

    private final DecisionLog decisions;
    private final SyncedHashes syncedHashes;
    private final Clock clock;

    public UserSyncResults(DecisionLog decisions, SyncedHashes syncedHashes) {
        this.decisions = decisions;
        this.syncedHashes = syncedHashes;
        this.clock = Clock.systemUTC();
    }

    public UserSyncResult skipped(@ExchangeProperty(TASK) UserSyncTask task) {
        decisions.info("outgoing.user.skip", task.claims(), Map.of("reason", task.reason()));
        return result(task, Outcome.SKIPPED, task.reason(), null, null);
    }

    public UserSyncResult invalid(@ExchangeProperty(TASK) UserSyncTask task) {
        decisions.error("outgoing.user.error", task.claims(), details(task, "reason", "invalid customer: " + task.reason()));
        return result(task, Outcome.FAILED, task.reason(), "invalid_customer", null);
    }

    public UserSyncResult identified(@ExchangeProperty(TASK) UserSyncTask task) {
        Map<String, Object> details = details(task, "operation", task.action().name().toLowerCase());
        details.put("attributes", task.attributeCount());
        details.put("calls", task.identifyCalls().size());
        if (!task.leftOut().isEmpty()) {
            details.put("left_out", task.leftOut());
        }
        decisions.info("outgoing.user.success", task.claims(), details);
        return new UserSyncResult(task.claims(), Outcome.SUCCESS, null, null, task.context().hull(),
                SyncStateTraits.synced(task, clock.instant()),
                new UserSyncResult.Identified(task.context().customerIo().siteId(), task.customerId(), task.hash()));
    }

    public UserSyncResult deleted(@ExchangeProperty(TASK) UserSyncTask task) {
        decisions.info("outgoing.user.deletion", task.claims(), details(task, "operation", "delete"));
        syncedHashes.forget(task.context().customerIo().siteId(), task.customerId());
        return result(task, Outcome.DELETED, null, null, SyncStateTraits.deleted(clock.instant()));
    }

    /** Customer.io refused the user for good (4xx): logged, not retried. */
    public UserSyncResult rejected(@ExchangeProperty(TASK) UserSyncTask task, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception caught) {
        // inside split-attribute-chunks the failure reaches the doCatch wrapped in a CamelExchangeException
        CustomerIoRejectedException e = ObjectHelper.getException(CustomerIoRejectedException.class, caught);
        Map<String, Object> details = details(task, "reason", e.getMessage());
        details.put("status", e.status());
        decisions.error("outgoing.user.error", task.claims(), details);
        return result(task, Outcome.FAILED, e.getMessage(), e.code(), null);
    }

    /** Anything that may work later: the notification is answered 503 and Hull sends it again. */
    public UserSyncResult retryLater(@ExchangeProperty(TASK) UserSyncTask task, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception caught) {
        ConnectorException known = ObjectHelper.getException(ConnectorException.class, caught);
        SafeError error = safeError(known != null ? known : caught);
        Map<String, Object> details = details(task, "reason", error.reason());
        details.put("retry", true);
        decisions.error("outgoing.user.error", task.claims(), details);
        return result(task, Outcome.RETRY, error.reason(), error.code(), null);
    }

    /** What may be said of {@code e}; an exception the connector did not foresee is logged in full here, once. */
    static SafeError safeError(Exception e) {
        if (SafeError.isUnexpected(e)) {
            log.error("unexpected error while syncing; the notification will be retried", e);
        }
        return SafeError.of(e);
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
                return new UserSyncResult(user.claims(), UserSyncResult.Outcome.RETRY, event.detail(), event.code(), user.hull(),
                        user.traits(), user.identified());
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

    private static UserSyncResult result(UserSyncTask task, Outcome outcome, String detail, String code,
                                         Map<String, Object> traits) {
        return new UserSyncResult(task.claims(), outcome, detail, code, task.context().hull(), traits, null);
    }
}
