package io.hull.customerio.sync;

import io.hull.customerio.hull.HullCredentials;
import io.hull.customerio.hull.HullSubject;
import java.util.Map;

/**
 * How one user (or account: {@code claims} says which) ended. {@link Outcome#RETRY} is the only outcome that makes Hull send the
 * notification again; {@code traits} is what gets written back to Hull ({@code null}: nothing).
 * {@code detail} is the reason of a skip or a failure; {@code code} the machine code of a failure. {@code identified}:
 * the payload Customer.io accepted for an identified customer, remembered ({@link SyncedHashes}) once Hull has it too.
 */
public record SyncResult(HullSubject claims, Outcome outcome, String detail, String code, HullCredentials hull,
                         Map<String, Object> traits, Identified identified) {

    public enum Outcome { SUCCESS, DELETED, SKIPPED, FAILED, RETRY }

    /** Which payload ({@code hash}) a site now holds for a customer (or an object: {@code customerId} is its key). */
    public record Identified(String siteId, String customerId, String hash) {
    }

    public boolean needsRetry() {
        return outcome == Outcome.RETRY;
    }
}
