package io.hull.customerio.hull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The claims that identify a Hull account: only Hull's standard ones ({@code id}, {@code external_id}, {@code domain},
 * {@code anonymous_id}). The account's identity in firehose tokens ({@code io.hull.asAccount}) and log lines.
 */
public record AccountClaims(String id, String externalId, String domain, String anonymousId) implements HullSubject {

    public static AccountClaims of(JsonNode account) {
        return new AccountClaims(HullSubject.claim(account, "id"), HullSubject.claim(account, "external_id"), HullSubject.claim(account, "domain"), HullSubject.anonymousId(account));
    }

    @Override
    public String subjectType() {
        return "account";
    }

    @Override
    public Map<String, Object> asMap() {
        Map<String, Object> claims = new LinkedHashMap<>();
        if (id != null) claims.put("id", id);
        if (externalId != null) claims.put("external_id", externalId);
        if (domain != null) claims.put("domain", domain);
        if (anonymousId != null) claims.put("anonymous_id", anonymousId);
        return claims;
    }
}
