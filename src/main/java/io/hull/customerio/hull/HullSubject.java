package io.hull.customerio.hull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Who a firehose entry and a decision log line are about: a Hull user ({@link UserClaims}) or a Hull account
 * ({@link AccountClaims}), by Hull's standard claims.
 */
public interface HullSubject {

    /** {@code user} or {@code account}: the JWT's {@code io.hull.subjectType}, and the log line's context key. */
    String subjectType();

    /** The claims as Hull names them, without the missing ones. */
    Map<String, Object> asMap();

    /** A claim of a Hull user or account: its text, null when missing, null or blank. */
    static String claim(JsonNode subject, String field) {
        JsonNode value = subject.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }

    /** {@code anonymous_id}, else the first of {@code anonymous_ids}. */
    static String anonymousId(JsonNode subject) {
        String anonymousId = claim(subject, "anonymous_id");
        JsonNode anonymousIds = subject.path("anonymous_ids");
        return anonymousId == null && anonymousIds.isArray() && !anonymousIds.isEmpty() ? anonymousIds.get(0).asText(null) : anonymousId;
    }
}
