package io.hull.customerio.customerio;

import io.hull.customerio.errors.ConnectorException;

/**
 * Customer.io could not take the call now (429, 5xx, timeout, refused connection). The work is
 * handed back for a retry: Hull re-sends the notification.
 */
public class CustomerIoUnavailableException extends ConnectorException {

    public CustomerIoUnavailableException(String message) {
        this(message, null);
    }

    public CustomerIoUnavailableException(String message, Throwable cause) {
        super("customerio_unavailable", false, message, cause);
    }
}
