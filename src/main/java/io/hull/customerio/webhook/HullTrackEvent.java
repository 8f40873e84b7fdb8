package io.hull.customerio.webhook;

import io.hull.customerio.hull.UserClaims;
import java.util.Map;

/**
 * A Customer.io webhook as a Hull track call: the user's claims and the track body
 * ({@code event}, {@code properties}, {@code event_id}, {@code created_at}, {@code source}, {@code ip}).
 * {@code problem}: why it cannot be forwarded (it names no user...), {@code null} when it can. {@code traits}: the
 * {@code customerio/*} traits written with it (subscription, deliverability), {@code null} when none. {@code note}: what
 * the log line says beside (a timestamp ignored), or {@code null}.
 */
public record HullTrackEvent(String name, String eventId, boolean eventIdDerived, UserClaims claims, Map<String, Object> body,
                             String problem, Map<String, Object> traits, String note) {

    public boolean forwardable() {
        return problem == null;
    }
}
