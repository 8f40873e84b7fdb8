package io.hull.customerio.http;

/**
 * The HTTP doors by path, for the servlet filters that work before any route ({@link RequestScreening},
 * {@link RequestBodyCap}) and for log lines: every connector's own webhook URL, {@code /webhooks/{connectorId}/{token}},
 * is one door, and its token (a connector's credentials, encrypted) is never logged.
 */
public final class Doors {

    /** The door of every connector's own webhook URL. */
    public static final String CONNECTOR_WEBHOOKS = "/webhooks/*";
    private static final String PREFIX = "/webhooks/";

    private Doors() {
    }

    /** {@code path}, or {@value #CONNECTOR_WEBHOOKS} for a connector's webhook URL (two segments after the prefix). */
    public static String of(String path) {
        if (path != null && path.startsWith(PREFIX)) {
            int slash = path.indexOf('/', PREFIX.length());
            if (slash > PREFIX.length() && slash < path.length() - 1 && path.indexOf('/', slash + 1) < 0) {
                return CONNECTOR_WEBHOOKS;
            }
        }
        return path;
    }

    /** The path as a log line may say it: after {@code /webhooks/{connectorId}/} nothing (the token) is said. */
    public static String loggable(String path) {
        if (path == null || !path.startsWith(PREFIX)) {
            return path;
        }
        int slash = path.indexOf('/', PREFIX.length());
        return slash < 0 ? path : path.substring(0, slash + 1) + "***";
    }
}
