package io.hull.customerio.kafka;

import io.hull.customerio.errors.ConnectorException;

/** A record that can never be worked on (not JSON, an unknown version): dead-lettered at once. */
public class BadRecordException extends ConnectorException {

    public BadRecordException(String message) {
        super("bad_record", true, message, null);
    }
}
