package io.hull.customerio.hull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The claims that identify a Hull user: only Hull's standard ones ({@code id}, {@code email},
 * {@code external_id}, {@code anonymous_id}). Used as the user's identity in firehose tokens and
 * as the context of every log line.
 */
public record UserClaims(String id, String email, String externalId, String anonymousId) implements HullSubject {

    public static UserClaims of(JsonNode user) {
        return new UserClaims(HullSubject.claim(user, "id"), HullSubject.claim(user, "email"), HullSubject.claim(user, "external_id"), HullSubject.anonymousId(user));
    }

    public boolean isEmpty() {
        return id == null && email == null && externalId == null && anonymousId == null;
    }

    @Override
    public String subjectType() {
        return "user";
    }

    /** The claims as Hull names them, without the missing ones. */
    @Override
    public Map<String, Object> asMap() {
        Map<String, Object> claims = new LinkedHashMap<>();
        if (id != null) claims.put("id", id);
        if (email != null) claims.put("email", email);
        if (externalId != null) claims.put("external_id", externalId);
        if (anonymousId != null) claims.put("anonymous_id", anonymousId);
        return claims;
    }
}
