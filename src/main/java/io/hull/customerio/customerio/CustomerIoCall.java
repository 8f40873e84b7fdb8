package io.hull.customerio.customerio;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * One Track API v1 call, as route {@code customerio-call} sends it: to which site, the method, the path (ids
 * already percent-encoded) and the JSON payload ({@code null} for a DELETE). {@link #toString()} hides the key.
 */
public record CustomerIoCall(CustomerIoCredentials credentials, String method, String path, Object payload) {

    /** Where an anonymous event goes. */
    public static final String ANONYMOUS_EVENTS = "/api/v1/events";
    /** Where an object (a Hull account) is identified or deleted in v1 mode: one operation per request. */
    public static final String OBJECTS = "/api/v2/entity";
    /** Where two people are merged into one. */
    public static final String MERGE = "/api/v1/merge_customers";

    /** {@code /api/v1/customers/{id}} with the id percent-encoded ({@code @} → {@code %40}, {@code /} → {@code %2F}, space → {@code %20}). */
    public static String customerPath(String customerId) {
        return "/api/v1/customers/" + URLEncoder.encode(customerId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * {@code /api/v1/customers/{id}/suppress} or {@code .../unsuppress}: a segment after the id (an id of "suppress" is
     * one segment, percent-encoded, so an identify of such a customer is none).
     */
    public static boolean isSuppression(String path) {
        return path.startsWith("/api/v1/customers/") && path.split("/").length == 6
                && (path.endsWith("/suppress") || path.endsWith("/unsuppress"));
    }

    /** How logs and errors name the call: {@code PUT /api/v1/customers/a%40b}. */
    public String name() {
        return method + " " + path;
    }

    /** The path without the customer id, so metrics have a handful of series, not one per customer. */
    public String endpoint() {
        if (!path.startsWith("/api/v1/customers/")) {
            return path;
        }
        if (path.endsWith("/events")) {
            return "/api/v1/customers/{id}/events";
        }
        if (isSuppression(path)) {
            return path.endsWith("/unsuppress") ? "/api/v1/customers/{id}/unsuppress" : "/api/v1/customers/{id}/suppress";
        }
        return "/api/v1/customers/{id}";
    }

    public String siteId() {
        return credentials.siteId();
    }

    @Override
    public String toString() {
        return "CustomerIoCall[" + name() + ", site " + credentials.siteId() + "]";
    }
}
