package io.hull.customerio.customerio;

/**
 * Customer.io could not take the call now (429, 5xx, timeout, refused connection). The work is
 * handed back for a retry: Hull re-sends the notification.
 */
public class CustomerIoUnavailableException extends RuntimeException {

    public CustomerIoUnavailableException(String message) {
        super(message);
    }

    public CustomerIoUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
