package io.hull.customerio.customerio;

import java.time.Duration;
import java.util.Optional;

/**
 * One attempt answered 429 or 5xx: Customer.io may take the same call later. Route {@code customerio-call}
 * tries it again ({@link CustomerIoRetryRule}); once it may not, the caller gets a {@link CustomerIoUnavailableException}.
 */
public class CustomerIoBusyException extends RuntimeException {

    private final int status;
    private final transient Optional<Duration> retryAfter;

    public CustomerIoBusyException(int status, String message, Optional<Duration> retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public int status() { return status; }

    /** Customer.io's {@code Retry-After}, when it sent a readable one. */
    public Optional<Duration> retryAfter() { return retryAfter; }
}
