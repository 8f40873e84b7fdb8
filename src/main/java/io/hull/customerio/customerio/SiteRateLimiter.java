package io.hull.customerio.customerio;

import io.hull.customerio.config.CustomerIoProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.Map;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Exact sliding-window limit per Customer.io site: at most {@code limit} requests in ANY window of
 * one second, every site on its own budget, and a site can be paused (Retry-After) for every thread.
 *
 * <p>Why hand-written rather than Bucket4j or Resilience4j: a token bucket (capacity N, refill N per
 * second) lets N requests through at the end of one second and N more at the start of the next, so a
 * sliding one-second window can see up to 2N; Resilience4j's RateLimiter has fixed refresh periods
 * with the same edge effect. Getting an exact guarantee out of them means capacity 1 and a refill
 * every 1/N s, which forbids any burst and still needs our own "pause until" on top. The exact rule
 * is small: remember the send times of the last N requests (a ring); a new request may go when the
 * oldest of them is at least one window old. That is the definition of "N in any window", nothing
 * approximated.
 *
 * <p>Fairness and thread safety: one fair lock per site; the thread holding it is the next to send
 * and sleeps (holding it) until its slot is free, so waiting threads go strictly in arrival order and
 * no thread is starved. A waiter whose deadline would pass first gives up ({@code false}).
 *
 * <p>A slot's time is when its request ENDED (answer or failure), not when it started: Customer.io
 * counts arrivals, and the only moment we know a request had arrived is when its answer came back.
 * Stamping the start would let network jitter (a slow first request on a new connection, say) bring
 * two arrivals closer than their sends and exceed the limit at Customer.io; measured, it did (24 in a
 * second with a limit of 20). The cost: each slot is reused 1 s + one round trip after its previous
 * use, i.e. about limit / (1 s + RTT) per second.
 */
@Component
public class SiteRateLimiter {

    /** Exchange property holding the slot of the attempt on its way (route customerio-attempt). */
    public static final String SLOT_PROPERTY = "customerIoSlot";

    /** A Retry-After longer than this is taken as this: a wrong header must not stop a site for days. */
    static final Duration MAX_PAUSE = Duration.ofMinutes(5);

    private final int limit;
    private final long windowNanos;
    private final MeterRegistry meters;
    private final ConcurrentMap<String, Site> sites = new ConcurrentHashMap<>();

    /** Marks a slot whose request is still on its way. */
    private static final long IN_FLIGHT = Long.MAX_VALUE;
    /** How often a thread waiting for a slot still in flight looks again. */
    private static final long IN_FLIGHT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    @Autowired
    public SiteRateLimiter(CustomerIoProperties properties, MeterRegistry meters) {
        this(properties.getRateLimit(), Duration.ofSeconds(1), meters);
    }

    SiteRateLimiter(int limit, Duration window, MeterRegistry meters) {
        if (limit < 1) {
            throw new IllegalArgumentException("customerio.rate-limit must be at least 1, was " + limit);
        }
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.meters = meters;
    }

    /**
     * The {@code throttle-per-site} step of route customerio-attempt: waits for the call's site's next slot and
     * takes it. No slot before the call's deadline: not sent, and not retried.
     */
    public void take(@ExchangeProperty(CustomerIoCalls.CALL_PROPERTY) CustomerIoCall call,
                     @ExchangeProperty(CustomerIoCalls.DEADLINE_PROPERTY) Deadline deadline,
                     @ExchangeProperties Map<String, Object> properties) {
        Permit permit;
        try {
            permit = acquire(call.siteId(), CustomerIoCalls.required(deadline));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CustomerIoUnavailableException(call.name() + " was interrupted", e);
        }
        if (permit == null) {
            throw new CustomerIoUnavailableException(call.name() + " not sent: the site's rate limit has no slot left"
                    + " before the notification must be answered");
        }
        properties.put(SLOT_PROPERTY, permit);
    }

    /** The {@code site-slot-used} step: the attempt has ended, its slot counts from now. */
    public void release(@ExchangeProperty(SLOT_PROPERTY) Permit permit) {
        if (permit != null) {
            permit.close();
        }
    }

    /**
     * Waits for this site's next request slot and takes it; the request must then be sent and the
     * permit closed when it ended. {@code null} (nothing taken) when the slot would only come after
     * {@code deadline}.
     */
    public Permit acquire(String siteId, Deadline deadline) throws InterruptedException {
        Site site = site(siteId);
        long start = System.nanoTime();
        try {
            if (!site.lock.tryLock(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS)) {
                return null;
            }
            try {
                while (true) {
                    long now = System.nanoTime();
                    long oldest = site.sent.get(site.next);
                    long freeAt = oldest == IN_FLIGHT ? now + IN_FLIGHT_POLL_NANOS
                            : Math.max(oldest + windowNanos, site.pausedUntil.get());
                    if (oldest != IN_FLIGHT && freeAt - now <= 0) {
                        int slot = site.next;
                        site.sent.set(slot, IN_FLIGHT);
                        site.next = (slot + 1) % limit;
                        return new Permit(site, slot);
                    }
                    if (deadline.isBefore(freeAt)) {
                        return null;
                    }
                    // Re-checked after the sleep: a Retry-After may have paused the site meanwhile.
                    TimeUnit.NANOSECONDS.sleep(freeAt - now);
                }
            } finally {
                site.lock.unlock();
            }
        } finally {
            site.waits.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /** One taken slot. {@link #close()} once the request has ended, whatever its outcome. */
    public static final class Permit implements AutoCloseable {
        private final Site site;
        private final int slot;
        private boolean closed;

        private Permit(Site site, int slot) {
            this.site = site;
            this.slot = slot;
        }

        /** The slot counts from now: the request has certainly arrived, if it ever will. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                site.sent.set(slot, System.nanoTime());
            }
        }
    }

    /** No request to this site before {@code now + pause} (Retry-After), whichever thread sends it. */
    public void pause(String siteId, Duration pause) {
        Duration capped = pause.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause;
        long until = System.nanoTime() + capped.toNanos();
        site(siteId).pausedUntil.accumulateAndGet(until, (current, proposed) -> proposed - current > 0 ? proposed : current);
    }

    private Site site(String siteId) {
        return sites.computeIfAbsent(siteId, id -> new Site(limit, windowNanos,
                Timer.builder("customerio.rate-limit.wait")
                        .description("time a Customer.io call waited for its site's rate-limit slot (Retry-After pauses included)")
                        .tag("site", id)
                        .register(meters)));
    }

    private static final class Site {
        final ReentrantLock lock = new ReentrantLock(true);
        /** End times ({@link System#nanoTime()}) of the last {@code limit} requests, or IN_FLIGHT; {@code next} is the oldest. */
        final AtomicLongArray sent; // atomic: close() writes it without the lock
        int next;
        final AtomicLong pausedUntil;
        final Timer waits;

        Site(int limit, long windowNanos, Timer waits) {
            long longAgo = System.nanoTime() - 2 * windowNanos;
            this.sent = new AtomicLongArray(limit);
            for (int i = 0; i < limit; i++) {
                sent.set(i, longAgo);
            }
            this.pausedUntil = new AtomicLong(longAgo);
            this.waits = waits;
        }
    }
}
