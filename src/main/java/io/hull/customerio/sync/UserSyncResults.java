package io.hull.customerio.sync;

import io.hull.customerio.customerio.CustomerIoRejectedException;
import io.hull.customerio.errors.ConnectorException;
import io.hull.customerio.errors.SafeError;
import io.hull.customerio.logging.DecisionLog;
import io.hull.customerio.sync.SyncResult.Outcome;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Ends the journey of one user through route sync-user: logs what happened in Hull's vocabulary and returns the
 * {@link SyncResult} the notification's answer and the write-back are built from.
 */
@Component("userSyncResults")
public class UserSyncResults {

    /** Exchange property holding the user's {@link SyncResult} once its customer is done with (the events read it). */
    static final String USER_RESULT = "userResult";

    private static final Logger log = LoggerFactory.getLogger(UserSyncResults.class);

    private final DecisionLog decisions;
    private final SyncedHashes syncedHashes;
    private final Clock clock;

    public UserSyncResults(DecisionLog decisions, SyncedHashes syncedHashes) {
        this.decisions = decisions;
        this.syncedHashes = syncedHashes;
        this.clock = Clock.systemUTC();
    }

    /**
     * Step {@code user-result}: property {@value #USER_RESULT}, how the user's customer ended, unless a failure of its
     * calls said it already ({@link #rejected}, {@link #retryLater}).
     */
    public void result(@ExchangeProperty(UserSync.PROPERTY) UserSync user, @ExchangeProperties Map<String, Object> properties) {
        if (properties.get(USER_RESULT) == null) {
            properties.put(USER_RESULT, user.unsuppressed() ? unsuppressed(of(user)) : of(user));
        }
    }

    private SyncResult of(UserSync user) {
        return switch (user.action()) {
            case SKIP -> {
                decisions.info("outgoing.user.skip", user.claims(), Map.of("reason", user.reason()));
                yield result(user, Outcome.SKIPPED, user.reason(), null, null);
            }
            case INVALID -> {
                decisions.error("outgoing.user.error", user.claims(), details(user, "reason", "invalid customer: " + user.reason()));
                yield result(user, Outcome.FAILED, user.reason(), "invalid_customer", null);
            }
            case SUPPRESS -> {
                decisions.info("outgoing.user.suppressed", user.claims(), details(user, "operation", "suppress"));
                syncedHashes.forget(user.context().customerIo().siteId(), user.customerId());
                yield result(user, Outcome.DELETED, null, null, SyncStateTraits.suppressed(clock.instant()));
            }
            case DELETE -> {
                decisions.info("outgoing.user.deletion", user.claims(), details(user, "operation", "delete"));
                syncedHashes.forget(user.context().customerIo().siteId(), user.customerId());
                yield result(user, Outcome.DELETED, null, null, SyncStateTraits.deleted(clock.instant()));
            }
            case INSERT, UPDATE -> identified(user);
        };
    }

    private SyncResult identified(UserSync user) {
        Map<String, Object> details = details(user, "operation", user.action().name().toLowerCase());
        details.put("attributes", user.attributes());
        details.put("calls", user.calls());
        if (user.mergedFrom() != null) {
            details.put("merged", user.mergedFrom() + " into " + user.customerId());
        }
        if (!user.leftOut().isEmpty()) {
            details.put("left_out", user.leftOut());
        }
        decisions.info("outgoing.user.success", user.claims(), details);
        return new SyncResult(user.claims(), Outcome.SUCCESS, null, null, user.context().hull(),
                SyncStateTraits.synced(user, clock.instant()),
                new SyncResult.Identified(user.context().customerIo().siteId(), user.customerId(), user.hash()));
    }

    /**
     * Step merge-refused: Customer.io refused for good to merge the former person into this one; logged, the identify
     * stands (the former person stays in Customer.io), not retried.
     */
    public void mergeRefused(@ExchangeProperty(UserSync.PROPERTY) UserSync user,
                             @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception caught) {
        CustomerIoRejectedException e = ObjectHelper.getException(CustomerIoRejectedException.class, caught);
        Map<String, Object> details = details(user, "reason", "merging " + user.mergedFrom() + " into " + user.customerId()
                + " refused: " + e.getMessage());
        details.put("status", e.status());
        decisions.error("outgoing.user.error", user.claims(), details);
        user.mergeRefused(e.getMessage());
    }

    /** Step user-unsuppressed: Customer.io took the unsuppress; the user is synced as any other from here on. */
    public void unsuppressedInCustomerIo(@ExchangeProperty(UserSync.PROPERTY) UserSync user) {
        decisions.info("outgoing.user.unsuppressed", user.claims(), details(user, "operation", "unsuppress"));
    }

    /** The user's result, with {@code customerio/suppressed_at} written back null, whatever else it writes. */
    private static SyncResult unsuppressed(SyncResult result) {
        Map<String, Object> traits = result.traits() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(result.traits());
        traits.put("customerio/suppressed_at", null);
        return new SyncResult(result.claims(), result.outcome(), result.detail(), result.code(), result.hull(), traits,
                result.identified());
    }

    /** Customer.io refused the user for good (4xx): logged, not retried. */
    public void rejected(@ExchangeProperty(UserSync.PROPERTY) UserSync user,
                         @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception caught, @ExchangeProperties Map<String, Object> properties) {
        // inside split-attribute-chunks the failure reaches the doCatch wrapped in a CamelExchangeException
        CustomerIoRejectedException e = ObjectHelper.getException(CustomerIoRejectedException.class, caught);
        Map<String, Object> details = details(user, "reason", e.getMessage());
        details.put("status", e.status());
        decisions.error("outgoing.user.error", user.claims(), details);
        properties.put(USER_RESULT, result(user, Outcome.FAILED, e.getMessage(), e.code(), null));
    }

    /** Anything that may work later: the notification is answered 503 and Hull sends it again. */
    public void retryLater(@ExchangeProperty(UserSync.PROPERTY) UserSync user,
                           @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception caught, @ExchangeProperties Map<String, Object> properties) {
        ConnectorException known = ObjectHelper.getException(ConnectorException.class, caught);
        SafeError error = safeError(known != null ? known : caught);
        Map<String, Object> details = details(user, "reason", error.reason());
        details.put("retry", true);
        decisions.error("outgoing.user.error", user.claims(), details);
        properties.put(USER_RESULT, result(user, Outcome.RETRY, error.reason(), error.code(), null));
    }

    /** What may be said of {@code e}; an exception the connector did not foresee is logged in full here, once. */
    public static SafeError safeError(Exception e) {
        if (SafeError.isUnexpected(e)) {
            log.error("unexpected error while syncing; the notification will be retried", e);
        }
        return SafeError.of(e);
    }

    /**
     * Step {@code user-outcome}: the user's final result. An event that must be retried makes the whole user "retry"
     * (Hull sends the notification again; the identify is idempotent and event ids are deterministic), but the sync
     * state of a customer that was written is still recorded.
     */
    public SyncResult complete(@ExchangeProperty(USER_RESULT) SyncResult user,
                                   @ExchangeProperty(EventResults.EVENT_RESULTS) List<EventResult> events) {
        if (events == null) {
            return user;
        }
        for (EventResult event : events) {
            if (event.outcome() == EventResult.Outcome.RETRY && !user.needsRetry()) {
                return new SyncResult(user.claims(), SyncResult.Outcome.RETRY, event.detail(), event.code(), user.hull(),
                        user.traits(), user.identified());
            }
        }
        return user;
    }

    private static Map<String, Object> details(UserSync user, String key, Object value) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (user.customerId() != null) {
            details.put("customer_id", user.customerId());
        }
        details.put(key, value);
        return details;
    }

    private static SyncResult result(UserSync user, Outcome outcome, String detail, String code,
                                         Map<String, Object> traits) {
        return new SyncResult(user.claims(), outcome, detail, code, user.context().hull(), traits, null);
    }
}
