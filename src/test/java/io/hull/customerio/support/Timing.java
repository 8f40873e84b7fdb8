package io.hull.customerio.support;

import java.time.Duration;

/**
 * Timing assertions: order and relations wherever they can say it. Where a time is the point of a test (a door
 * answers before its caller gives up), the bound is the product's own, documented one plus {@link #MARGIN}.
 */
public final class Timing {

    /**
     * What a loaded 2-core CI machine may add to any time the product promises (scheduling, a GC, the JIT): seen
     * up to about 1 s with another CPU-bound process beside the suite.
     */
    public static final Duration MARGIN = Duration.ofSeconds(2);

    private Timing() {
    }

    /** The product's documented bound plus the margin. */
    public static Duration within(Duration documented) {
        return documented.plus(MARGIN);
    }

    /** Milliseconds since {@code startNanos} (a {@link System#nanoTime()}). */
    public static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
