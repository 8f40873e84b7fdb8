package io.hull.customerio.hull;

import io.hull.customerio.errors.ConnectorException;

/** Hull's firehose refused the batch for good (4xx other than 429), e.g. wrong connector credentials. */
public class HullRejectedException extends ConnectorException {

    private final int status;

    public HullRejectedException(int status, String message) {
        super("hull_rejected", true, message, null);
        this.status = status;
    }

    public int status() { return status; }
}
