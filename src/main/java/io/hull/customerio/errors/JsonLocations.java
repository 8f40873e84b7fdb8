package io.hull.customerio.errors;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Where JSON could not be read, for a reason shown to a caller or logged. Never Jackson's own message: it quotes
 * the text it met (up to 256 characters of it), and a body may hold a secret.
 */
public final class JsonLocations {

    private JsonLocations() {
    }

    /** {@code " (line 3, column 17)"}, or nothing when Jackson does not know. */
    public static String of(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        return location == null || location.getLineNr() < 0 ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
