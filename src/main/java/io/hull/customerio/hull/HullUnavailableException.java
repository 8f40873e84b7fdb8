package io.hull.customerio.hull;

import io.hull.customerio.errors.ConnectorException;

/** Hull's firehose could not take the batch now (unreachable, timeout, 429 or 5xx): retry later. */
public class HullUnavailableException extends ConnectorException {

    public HullUnavailableException(String message) {
        this(message, null);
    }

    public HullUnavailableException(String message, Throwable cause) {
        super("hull_unavailable", false, message, cause);
    }
}
