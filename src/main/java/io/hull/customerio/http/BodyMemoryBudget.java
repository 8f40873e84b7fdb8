package io.hull.customerio.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many bytes of request bodies may be held in memory at once, all requests together. A body is admitted
 * whole or not at all, and one body is always admitted when nothing else is held, so a body within its
 * endpoint's limit is never refused for its size alone.
 */
public final class BodyMemoryBudget {

    private final long capacity;
    private final AtomicLong held = new AtomicLong();

    public BodyMemoryBudget(long capacity) {
        this.capacity = capacity;
    }

    public boolean tryReserve(long bytes) {
        while (true) {
            long now = held.get();
            if (now > 0 && now + bytes > capacity) {
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    public void release(long bytes) {
        held.addAndGet(-bytes);
    }

    public long held() {
        return held.get();
    }

    public long capacity() {
        return capacity;
    }
}
