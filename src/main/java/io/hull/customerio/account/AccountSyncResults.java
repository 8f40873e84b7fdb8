package io.hull.customerio.account;

import io.hull.customerio.customerio.CustomerIoRejectedException;
import io.hull.customerio.errors.ConnectorException;
import io.hull.customerio.errors.SafeError;
import io.hull.customerio.logging.DecisionLog;
import io.hull.customerio.sync.SyncResult;
import io.hull.customerio.sync.SyncResult.Outcome;
import io.hull.customerio.sync.SyncedHashes;
import io.hull.customerio.sync.UserSyncResults;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.util.ObjectHelper;
import org.springframework.stereotype.Component;

/**
 * Ends the journey of one account through route sync-account: logs what happened in Hull's vocabulary
 * ({@code outgoing.account.success|skip|error|deletion}) and returns the {@link SyncResult} the notification's answer
 * and the write-back are built from.
 */
@Component("accountSyncResults")
public class AccountSyncResults {

    /** Exchange property holding the account's result once a failure of its calls said it. */
    static final String ACCOUNT_RESULT = "accountResult";

    private final DecisionLog decisions;
    private final SyncedHashes syncedHashes;
    private final Clock clock = Clock.systemUTC();

    public AccountSyncResults(DecisionLog decisions, SyncedHashes syncedHashes) {
        this.decisions = decisions;
        this.syncedHashes = syncedHashes;
    }

    /** Step {@code account-result}: how the account ended, unless a failure of its calls said it already. */
    public SyncResult result(@ExchangeProperty(AccountSync.PROPERTY) AccountSync account,
                             @ExchangeProperty(ACCOUNT_RESULT) SyncResult already) {
        if (already != null) {
            return already;
        }
        return switch (account.action()) {
            case SKIP -> {
                decisions.info("outgoing.account.skip", account.claims(), details(account, "reason", account.reason()));
                yield result(account, Outcome.SKIPPED, account.reason(), null, null, null);
            }
            case INVALID -> {
                decisions.error("outgoing.account.error", account.claims(),
                        details(account, "reason", "invalid object: " + account.reason()));
                yield result(account, Outcome.FAILED, account.reason(), "invalid_object", null, null);
            }
            case DELETE -> {
                decisions.info("outgoing.account.deletion", account.claims(), details(account, "operation", "delete"));
                syncedHashes.forget(site(account), account.objectId());
                yield result(account, Outcome.DELETED, null, null, AccountSyncState.deleted(clock.instant()), null);
            }
            case SUPPRESS -> throw new IllegalStateException("an account is never suppressed");
            case INSERT, UPDATE -> {
                Map<String, Object> details = details(account, "operation", account.action().name().toLowerCase());
                details.put("attributes", account.attributes());
                if (account.replacedObject() != null) {
                    // its account_id_mapping value or object_type_id changed: that object is left in Customer.io
                    details.put("replaces_object", account.replacedObject());
                }
                decisions.info("outgoing.account.success", account.claims(), details);
                yield result(account, Outcome.SUCCESS, null, null, AccountSyncState.synced(account, clock.instant()),
                        new SyncResult.Identified(site(account), account.objectId(), account.hash()));
            }
        };
    }

    /** Customer.io refused the object for good (4xx): logged, not retried. */
    public void rejected(@ExchangeProperty(AccountSync.PROPERTY) AccountSync account,
                         @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception caught, @ExchangeProperties Map<String, Object> properties) {
        CustomerIoRejectedException e = ObjectHelper.getException(CustomerIoRejectedException.class, caught);
        Map<String, Object> details = details(account, "reason", e.getMessage());
        details.put("status", e.status());
        decisions.error("outgoing.account.error", account.claims(), details);
        properties.put(ACCOUNT_RESULT, result(account, Outcome.FAILED, e.getMessage(), e.code(), null, null));
    }

    /** Anything that may work later: the notification is answered 503 and Hull sends it again. */
    public void retryLater(@ExchangeProperty(AccountSync.PROPERTY) AccountSync account,
                           @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception caught, @ExchangeProperties Map<String, Object> properties) {
        ConnectorException known = ObjectHelper.getException(ConnectorException.class, caught);
        SafeError error = UserSyncResults.safeError(known != null ? known : caught);
        Map<String, Object> details = details(account, "reason", error.reason());
        details.put("retry", true);
        decisions.error("outgoing.account.error", account.claims(), details);
        properties.put(ACCOUNT_RESULT, result(account, Outcome.RETRY, error.reason(), error.code(), null, null));
    }

    private static String site(AccountSync account) {
        return AccountSyncState.objectsOf(account.context().customerIo().siteId(), account.objectTypeId());
    }

    private static Map<String, Object> details(AccountSync account, String key, Object value) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (account.objectId() != null) {
            details.put("object_id", account.objectId());
            details.put("object_type_id", account.objectTypeId());
        }
        details.put(key, value);
        return details;
    }

    private static SyncResult result(AccountSync account, Outcome outcome, String detail, String code,
                                     Map<String, Object> traits, SyncResult.Identified identified) {
        return new SyncResult(account.claims(), outcome, detail, code, account.context().hull(), traits, identified);
    }
}
