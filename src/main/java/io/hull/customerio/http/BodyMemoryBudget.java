package io.hull.customerio.http;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many bytes of request bodies may be held in memory at once, all requests of a door together. A body is
 * admitted whole or not at all, and one body is always admitted when nothing else is held, so a body within its
 * endpoint's limit is never refused for its size alone.
 */
public final class BodyMemoryBudget {

    private final String name;
    private final long capacity;
    private final AtomicLong held = new AtomicLong();

    public BodyMemoryBudget(String name, long capacity) {
        this.name = name;
        this.capacity = capacity;
    }

    /** The bytes of one body, or {@code null} when they do not fit now. */
    public Reservation tryReserve(long bytes) {
        while (true) {
            long now = held.get();
            if (now > 0 && now + bytes > capacity) {
                return null;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return new Reservation(bytes);
            }
        }
    }

    public String name() {
        return name;
    }

    public long held() {
        return held.get();
    }

    public long capacity() {
        return capacity;
    }

    /**
     * One body's bytes, given back once, when nothing holds the body any more: the exchange of the route that works
     * on it, once that route has begun ({@link BodyMemoryRoutePolicy}); else the request, once it is answered.
     */
    public final class Reservation {

        /** The request attribute that carries a request's reservation to its route. */
        public static final String ATTRIBUTE = Reservation.class.getName();

        private final long bytes;
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile boolean heldByExchange;

        private Reservation(long bytes) {
            this.bytes = bytes;
        }

        /** The route works on the body now: it is given back when the exchange is done, not when the request ends. */
        public void heldByExchange() {
            heldByExchange = true;
        }

        public boolean isHeldByExchange() {
            return heldByExchange;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                held.addAndGet(-bytes);
            }
        }
    }
}
