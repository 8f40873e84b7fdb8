package io.hull.customerio.customerio;

import io.hull.customerio.errors.ConnectorException;

/**
 * Customer.io refused a call for good (a 4xx other than 429): sending the same thing again will not
 * help, so the user is logged as an error and not retried.
 */
public class CustomerIoRejectedException extends ConnectorException {

    private final int status;

    public CustomerIoRejectedException(int status, String message) {
        super("customerio_rejected", true, message, null);
        this.status = status;
    }

    public int status() { return status; }
}
