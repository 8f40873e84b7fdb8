package io.hull.customerio.customerio;

import io.hull.customerio.config.CustomerIoProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Exact sliding-window limit per Customer.io site: at most {@code limit} requests in ANY window of
 * one second, every site on its own budget, and a site can be paused (Retry-After) for every caller.
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
 * <p>Waiting holds no thread: {@link #take} answers a future, done at once when the site has a slot
 * free and nobody waiting, else queued behind the site's earlier callers (strict arrival order) and
 * done from this limiter's timer thread when its slot comes, or with {@code null} when its deadline
 * comes first. So the callers' threads (a pool with a queue in front of it) go on with other sites'
 * users while one site waits, and a site's backlog never holds up another site.
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

    private static final Logger LOG = LoggerFactory.getLogger(SiteRateLimiter.class);

    /** A Retry-After longer than this is taken as this: a wrong header must not stop a site for days. */
    static final Duration MAX_PAUSE = Duration.ofMinutes(5);

    /** Marks a slot whose request is still on its way. */
    private static final long IN_FLIGHT = Long.MAX_VALUE;
    /** How often the site's first waiter looks again while its slot's request is still on its way. */
    private static final long IN_FLIGHT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int limit;
    private final long windowNanos;
    private final MeterRegistry meters;
    private final ConcurrentMap<String, Site> sites = new ConcurrentHashMap<>();
    /** Hands the waiters their slots and refusals; never runs a caller's work (callers go on elsewhere). */
    private final ScheduledThreadPoolExecutor timer;

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
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "customerio-rate-limit");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true); // a waiter served before its deadline leaves nothing behind
    }

    @PreDestroy
    public void close() {
        timer.shutdownNow();
    }

    /**
     * This site's next request slot: the future is done with the permit once the slot is taken (the request must
     * then be sent and the permit closed when it ended), or with {@code null} (nothing taken) when the slot would
     * only come after {@code deadline}. Done at once when the site has a slot free and nobody waiting; otherwise
     * done on the limiter's timer thread, where the caller must not do its request.
     */
    public CompletableFuture<Permit> take(String siteId, Deadline deadline) {
        Site site = site(siteId);
        long start = System.nanoTime();
        synchronized (site) {
            if (site.waiters.isEmpty()) {
                long freeAt = site.freeAt(start);
                if (freeAt - start <= 0) {
                    Permit permit = site.takeSlot();
                    site.waits.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    return CompletableFuture.completedFuture(permit);
                }
                if (deadline.isBefore(freeAt)) {
                    site.waits.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    return CompletableFuture.completedFuture(null);
                }
            }
            Waiter waiter = new Waiter(deadline, start);
            site.waiters.add(waiter);
            waiter.expiry = timer.schedule(() -> expire(site, waiter), Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
            if (!site.armed) {
                arm(site, site.freeAt(System.nanoTime()));
            }
            return waiter.future;
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

    /** No request to this site before {@code now + pause} (Retry-After), whoever sends it. */
    public void pause(String siteId, Duration pause) {
        Duration capped = pause.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause;
        long until = System.nanoTime() + capped.toNanos();
        site(siteId).pausedUntil.accumulateAndGet(until, (current, proposed) -> proposed - current > 0 ? proposed : current);
    }

    /** On the timer thread when the first waiter's slot may be free: the waiters whose slot is free, in order. */
    private void serve(Site site) {
        List<Runnable> done = new ArrayList<>();
        synchronized (site) {
            site.armed = false;
            while (!site.waiters.isEmpty()) {
                long now = System.nanoTime();
                long freeAt = site.freeAt(now);
                Waiter first = site.waiters.peek();
                if (first.deadline.isBefore(freeAt)) {
                    site.waiters.poll();
                    done.add(first.answer(null, site));
                    continue;
                }
                if (freeAt - now > 0) {
                    arm(site, freeAt);
                    break;
                }
                site.waiters.poll();
                done.add(first.answer(site.takeSlot(), site));
            }
        }
        for (Runnable answer : done) {
            try {
                answer.run();
            } catch (RuntimeException e) {
                // a caller's continuation failing must not keep the waiters after it from their answers
                LOG.error("a rate-limit waiter's continuation failed", e);
            }
        }
    }

    /** On the timer thread at a waiter's deadline, if it is still waiting: no slot for it. */
    private void expire(Site site, Waiter waiter) {
        Runnable answer;
        synchronized (site) {
            if (!site.waiters.remove(waiter)) {
                return;
            }
            answer = waiter.answer(null, site);
        }
        answer.run();
    }

    private void arm(Site site, long at) {
        site.armed = true;
        timer.schedule(() -> serve(site), Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private Site site(String siteId) {
        return sites.computeIfAbsent(siteId, id -> new Site(limit, windowNanos,
                Timer.builder("customerio.rate-limit.wait")
                        .description("time a Customer.io call waited for its site's rate-limit slot (Retry-After pauses included)")
                        .tag("site", id)
                        .register(meters)));
    }

    private static final class Waiter {
        final CompletableFuture<Permit> future = new CompletableFuture<>();
        final Deadline deadline;
        final long since;
        ScheduledFuture<?> expiry;

        Waiter(Deadline deadline, long since) {
            this.deadline = deadline;
            this.since = since;
        }

        /** Under the site's lock: the answer to give once the lock is let go (the caller's code runs on from it). */
        Runnable answer(Permit permit, Site site) {
            expiry.cancel(false);
            site.waits.record(System.nanoTime() - since, TimeUnit.NANOSECONDS);
            return () -> future.complete(permit);
        }
    }

    /** A site's ring of slots and its waiters; all but {@code sent} and {@code pausedUntil} under the site's lock. */
    private static final class Site {
        /** End times ({@link System#nanoTime()}) of the last {@code limit} requests, or IN_FLIGHT; {@code next} is the oldest. */
        final AtomicLongArray sent; // atomic: Permit.close() writes it without the lock
        final int limit;
        final long windowNanos;
        int next;
        final AtomicLong pausedUntil;
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
        /** A serve() is scheduled. */
        boolean armed;
        final Timer waits;

        Site(int limit, long windowNanos, Timer waits) {
            long longAgo = System.nanoTime() - 2 * windowNanos;
            this.limit = limit;
            this.windowNanos = windowNanos;
            this.sent = new AtomicLongArray(limit);
            for (int i = 0; i < limit; i++) {
                sent.set(i, longAgo);
            }
            this.pausedUntil = new AtomicLong(longAgo);
            this.waits = waits;
        }

        /** When the next slot is free: a window after the oldest request ended, not before a pause's end. */
        long freeAt(long now) {
            long oldest = sent.get(next);
            return oldest == IN_FLIGHT ? now + IN_FLIGHT_POLL_NANOS : Math.max(oldest + windowNanos, pausedUntil.get());
        }

        Permit takeSlot() {
            int slot = next;
            sent.set(slot, IN_FLIGHT);
            next = (slot + 1) % limit;
            return new Permit(this, slot);
        }
    }
}
