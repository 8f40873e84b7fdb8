package io.hull.customerio.customerio;

import java.time.Duration;

/**
 * The moment by which Customer.io calls must give up (rate-limit waits and retries included), on
 * the monotonic clock ({@link System#nanoTime()}). One notification's calls share one deadline, so
 * the notification is answered within {@code connector.notification-timeout} however many users it has.
 */
public record Deadline(long nanoTime) {

    public static Deadline after(Duration duration) {
        return new Deadline(System.nanoTime() + duration.toNanos());
    }

    /** Nanoseconds left, negative once passed. */
    public long remainingNanos() {
        return nanoTime - System.nanoTime();
    }

    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, remainingNanos()));
    }

    /** Whether {@code nanoTimeAt} (a {@link System#nanoTime()} value) is after the deadline. */
    public boolean isBefore(long nanoTimeAt) {
        return nanoTimeAt - nanoTime > 0;
    }
}
