package io.hull.customerio.customerio;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.AsyncProcessorSupport;
import org.springframework.stereotype.Component;

/**
 * Step throttle-per-site of route customerio-attempt: the call takes a slot of its site's rate limit
 * ({@link SiteRateLimiter}) before its request, in exchange property {@value #SLOT_PROPERTY}; step site-slot-used
 * gives it back once the attempt has ended. With a slot free the exchange goes straight on. Otherwise it waits without
 * holding a thread (Camel's asynchronous routing) and goes on, request included, on a thread of pool
 * {@value #POOL} (application.yaml) when its slot comes; the users' threads meanwhile take other users, so one site
 * waiting for its limit holds up no other site. No slot before the call's deadline: CustomerIoUnavailableException,
 * not sent and not retried.
 */
@Component("throttlePerSite")
public class ThrottlePerSite extends AsyncProcessorSupport {

    /** Exchange property holding the slot of the attempt on its way. */
    public static final String SLOT_PROPERTY = "customerIoSlot";
    /** The threads a call goes on with after it waited for its slot. */
    static final String POOL = "customerio-slots";

    private final SiteRateLimiter limiter;
    private final CamelContext camelContext;
    private volatile ExecutorService slots;

    public ThrottlePerSite(SiteRateLimiter limiter, CamelContext camelContext) {
        this.limiter = limiter;
        this.camelContext = camelContext;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        CustomerIoCall call;
        CompletableFuture<SiteRateLimiter.Permit> slot;
        ExecutorService pool;
        try {
            call = exchange.getProperty(CustomerIoCalls.CALL_PROPERTY, CustomerIoCall.class);
            Deadline deadline = CustomerIoCalls.required(exchange.getProperty(CustomerIoCalls.DEADLINE_PROPERTY, Deadline.class));
            pool = slots(); // before a slot is asked for: a call never waits without a thread to go on with
            slot = limiter.take(call.siteId(), deadline);
        } catch (RuntimeException e) {
            // an asynchronous step must hand every failure to the exchange: thrown, Camel would only log it
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        if (slot.isDone()) {
            settle(exchange, call, slot.join());
            callback.done(true);
            return true;
        }
        // answered on the limiter's timer thread, which must not make the request: it goes on on pool customerio-slots
        slot.whenComplete((permit, failure) -> {
            try {
                pool.execute(() -> {
                    settle(exchange, call, permit);
                    callback.done(false);
                });
            } catch (RejectedExecutionException stopping) {
                if (permit != null) {
                    permit.close();
                }
                exchange.setException(new CustomerIoUnavailableException(call.name()
                        + " not sent: the connector is stopping", stopping));
                callback.done(false);
            }
        });
        return false;
    }

    /** Step site-slot-used: the attempt has ended, its slot counts from now. */
    public void release(Exchange exchange) {
        SiteRateLimiter.Permit permit = exchange.getProperty(SLOT_PROPERTY, SiteRateLimiter.Permit.class);
        if (permit != null) {
            permit.close();
        }
    }

    private static void settle(Exchange exchange, CustomerIoCall call, SiteRateLimiter.Permit permit) {
        if (permit == null) {
            exchange.setException(new CustomerIoUnavailableException(call.name()
                    + " not sent: the site's rate limit has no slot left before the notification must be answered"));
        } else {
            exchange.setProperty(SLOT_PROPERTY, permit);
        }
    }

    private ExecutorService slots() {
        ExecutorService pool = slots;
        if (pool == null) {
            synchronized (this) {
                pool = slots;
                if (pool == null) {
                    ThreadPoolProfile profile = camelContext.getExecutorServiceManager().getThreadPoolProfile(POOL);
                    if (profile == null) {
                        throw new IllegalStateException("thread pool profile " + POOL + " is missing (camel.threadpool.config."
                                + POOL + " in application.yaml): a call that waited for its rate-limit slot has no thread to go on");
                    }
                    pool = camelContext.getExecutorServiceManager().newThreadPool(this, POOL, profile);
                    slots = pool;
                }
            }
        }
        return pool;
    }
}
