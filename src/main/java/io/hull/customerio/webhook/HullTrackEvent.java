package io.hull.customerio.webhook;

import io.hull.customerio.hull.UserClaims;
import java.util.Map;

/**
 * A Customer.io webhook as a Hull track call: the user's claims and the track body
 * ({@code event}, {@code properties}, {@code event_id}, {@code created_at}, {@code source}, {@code ip}).
 * {@code problem}: why it cannot be forwarded (it names no user, its timestamp is no time...), {@code null} when it can.
 */
public record HullTrackEvent(String name, String eventId, boolean eventIdDerived, UserClaims claims, Map<String, Object> body,
                             String problem) {

    public boolean forwardable() {
        return problem == null;
    }
}
