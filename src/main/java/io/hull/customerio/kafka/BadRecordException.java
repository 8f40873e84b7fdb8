package io.hull.customerio.kafka;

/** A record that can never be worked on (not JSON, an unknown version): dead-lettered at once. */
public class BadRecordException extends RuntimeException {

    public BadRecordException(String message) {
        super(message);
    }
}
