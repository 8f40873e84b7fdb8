package io.hull.customerio.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** One parameter of a raw query string, as the checks that run before any route read it. */
public final class QueryStrings {

    private QueryStrings() {
    }

    /**
     * The raw query string rather than Camel's parameter headers: a request header of the same name cannot stand in.
     * A malformed percent-escape is refused before any route runs ({@link RequestScreening}); one that still gets
     * here makes the parameter unreadable, hence missing.
     */
    public static String parameter(String query, String name) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        try {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                if (name.equals(URLDecoder.decode(key, StandardCharsets.UTF_8))) {
                    return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
        } catch (IllegalArgumentException malformed) {
            return null;
        }
        return null;
    }
}
