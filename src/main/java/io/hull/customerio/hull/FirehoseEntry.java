package io.hull.customerio.hull;

import java.util.Map;

/** One call in a firehose batch: {@code traits} or {@code track}, about one user or account. */
public record FirehoseEntry(String type, HullCredentials hull, HullSubject claims, Map<String, Object> body) {

    public static FirehoseEntry traits(HullCredentials hull, HullSubject claims, Map<String, Object> traits) {
        return new FirehoseEntry("traits", hull, claims, traits);
    }

    public static FirehoseEntry track(HullCredentials hull, UserClaims claims, Map<String, Object> event) {
        return new FirehoseEntry("track", hull, claims, event);
    }
}
