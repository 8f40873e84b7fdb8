package io.hull.customerio.webhook;

import io.hull.customerio.hull.UserClaims;
import java.util.Map;

/**
 * A Customer.io webhook as a Hull track call: the user's claims and the track body
 * ({@code event}, {@code properties}, {@code event_id}, {@code created_at}, {@code source}, {@code ip}).
 */
public record HullTrackEvent(String name, String eventId, UserClaims claims, Map<String, Object> body) {

    public boolean hasClaims() {
        return !claims.isEmpty();
    }
}
