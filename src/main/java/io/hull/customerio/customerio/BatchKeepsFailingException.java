package io.hull.customerio.customerio;

/**
 * A v2 batch request of more than one item failed {@code customerio.batch.split-after-failures} times in a row (5xx,
 * timeouts, network failures) or was refused whole (400, 413): one item may be what makes it fail, so route
 * {@code customerio-send-batch} sends its items again as two batches (step {@code batch-in-halves}) instead of
 * retrying it as it is. Never for a 429: the site is over its rate limit, and more, smaller requests would not help.
 */
public class BatchKeepsFailingException extends CustomerIoUnavailableException {

    public BatchKeepsFailingException(String message, Throwable cause) {
        super(message, cause);
    }
}
