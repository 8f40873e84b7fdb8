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
        String anonymousId = text(user, "anonymous_id");
        JsonNode anonymousIds = user.path("anonymous_ids");
        if (anonymousId == null && anonymousIds.isArray() && !anonymousIds.isEmpty()) {
            anonymousId = anonymousIds.get(0).asText(null);
        }
        return new UserClaims(text(user, "id"), text(user, "email"), text(user, "external_id"), anonymousId);
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

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }
}
