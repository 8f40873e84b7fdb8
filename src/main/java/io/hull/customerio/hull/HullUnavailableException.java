package io.hull.customerio.hull;

/** Hull's firehose could not take the batch now (unreachable, timeout, 429 or 5xx): retry later. */
public class HullUnavailableException extends RuntimeException {

    public HullUnavailableException(String message) {
        super(message);
    }

    public HullUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
