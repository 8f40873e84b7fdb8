package io.hull.customerio.sync;

import io.hull.customerio.hull.HullCredentials;
import io.hull.customerio.hull.UserClaims;
import java.util.Map;

/**
 * How one user ended. {@link Outcome#RETRY} is the only outcome that makes Hull send the
 * notification again; {@code traits} is what gets written back to Hull ({@code null}: nothing).
 * {@code detail} is the reason of a skip or a failure; {@code code} the machine code of a failure.
 */
public record UserSyncResult(UserClaims claims, Outcome outcome, String detail, String code, HullCredentials hull,
                             Map<String, Object> traits) {

    public enum Outcome { SUCCESS, DELETED, SKIPPED, FAILED, RETRY }

    public boolean needsRetry() {
        return outcome == Outcome.RETRY;
    }
}
