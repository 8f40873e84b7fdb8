package io.hull.customerio.sync;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** A message's segments (or account segments) against the segment ids of a setting. */
public final class Segments {

    private Segments() {
    }

    /** The first of {@code segments} whose {@code id} is one of {@code ids}, or null. */
    public static JsonNode firstIn(JsonNode segments, Set<String> ids) {
        if (ids.isEmpty()) {
            return null;
        }
        for (JsonNode segment : segments) {
            if (ids.contains(segment.path("id").asText())) {
                return segment;
            }
        }
        return null;
    }
}
