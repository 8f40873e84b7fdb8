package io.hull.customerio.customerio;

import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.errors.NetworkErrors;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * When an attempt of a Customer.io call fails: whether it is tried again and after how long. Route configuration
 * {@code customerio-retries} runs it as {@code onExceptionOccurred}, right after each failure and before Camel's
 * redelivery asks {@code retryWhile} (which reads {@value #RETRY_PROPERTY}) and reads the delay from the
 * {@code CamelRedeliveryDelay} header set here.
 *
 * <p>The rule: 429, 5xx, timeouts and network failures are tried again, after the route configuration's
 * {@code redeliveryPolicy} (exponential backoff with collision avoidance: {@code customerio.retry.initial-backoff}
 * doubling up to {@code max-backoff}, give or take 15 %), or after {@code Retry-After}, which pauses the whole site in
 * {@link SiteRateLimiter} (the next attempt then waits there, with every other request to the site). Not when {@code customerio.retry.max-attempts} are
 * used up, nor when the wait would end past the call's {@link Deadline}: then the caller gets a
 * {@link CustomerIoUnavailableException} saying so, and Hull is asked to retry. A 4xx refusal, a call not sent for
 * want of time, and anything unforeseen are not tried again.
 */
@Component("customerIoRetryRule")
public class CustomerIoRetryRule implements Processor {

    /** Exchange property: whether the failed attempt is tried again ({@code retryWhile} of customerio-retries). */
    public static final String RETRY_PROPERTY = "customerIoRetry";

    private static final Logger LOG = LoggerFactory.getLogger(CustomerIoRetryRule.class);

    private final CustomerIoProperties.Retry retry;
    /** The waits Camel makes between attempts ({@link CustomerIoBackoff}). */
    private final RedeliveryPolicy backoff;
    private final int splitAfterFailures;
    private final CustomerIoCalls calls;
    private final SiteRateLimiter rateLimiter;
    private final MeterRegistry meters;

    public CustomerIoRetryRule(CustomerIoProperties properties, RedeliveryPolicy customerIoBackoffPolicy,
                               CustomerIoCalls calls, SiteRateLimiter rateLimiter, MeterRegistry meters) {
        this.retry = properties.getRetry();
        this.backoff = customerIoBackoffPolicy;
        this.splitAfterFailures = properties.getBatch().getSplitAfterFailures();
        this.calls = calls;
        this.rateLimiter = rateLimiter;
        this.meters = meters;
    }

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(RETRY_PROPERTY, false);
        Exception e = exchange.getException();
        // route customerio-call's body: its caller's message comes back unchanged from every attempt
        CustomerIoCall call = exchange.getMessage().getBody(CustomerIoCall.class);
        Failure failure = call == null ? null : failure(e, call);
        int attempt = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        if (call != null && keepsFailing(e, call, attempt) && !Thread.currentThread().isInterrupted()
                && CustomerIoCalls.required(exchange.getProperty(CustomerIoCalls.DEADLINE_PROPERTY, Deadline.class))
                        .remaining().compareTo(CustomerIoCalls.MIN_ATTEMPT_TIME) >= 0) {
            // several items: sent again as two smaller batches (route customerio-send-batch, step batch-in-halves)
            String detail = failure == null ? e.getMessage() : failure.detail();
            giveUp(exchange, new BatchKeepsFailingException(detail + " (attempt " + attempt + ")", e));
            return;
        }
        if (failure == null) {
            return; // final as it is
        }
        if (Thread.currentThread().isInterrupted()) {
            // stopping: Apache's client answers an interrupt with an IOException; not a failure to retry
            giveUp(exchange, new CustomerIoUnavailableException(call.name() + " was interrupted", e));
            return;
        }
        failure.retryAfter().ifPresent(pause -> rateLimiter.pause(call.siteId(), pause));
        String tried = failure.detail() + " (attempt " + attempt + ")";
        if (attempt >= retry.getMaxAttempts()) {
            giveUp(exchange, new CustomerIoUnavailableException(tried + ", no attempts left", e));
            return;
        }
        Duration wait = failure.retryAfter().orElseGet(() -> longestBackoff(attempt));
        Deadline deadline = CustomerIoCalls.required(exchange.getProperty(CustomerIoCalls.DEADLINE_PROPERTY, Deadline.class));
        if (deadline.remaining().compareTo(wait.plus(CustomerIoCalls.MIN_ATTEMPT_TIME)) < 0) {
            giveUp(exchange, new CustomerIoUnavailableException(
                    tried + ", no time left to retry before the notification must be answered", e));
            return;
        }
        meters.counter("customerio.retries", "reason", failure.reason()).increment();
        LOG.debug("{}; retrying{}", tried, failure.retryAfter().isPresent() ? " once the site's pause is over" : "");
        if (failure.retryAfter().isPresent()) {
            // the site's rate limiter holds every request to it, this one included: no wait of the call's own
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, 0L);
        } else {
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        }
        exchange.setProperty(RETRY_PROPERTY, true);
    }

    /**
     * Whether a v2 batch of several items has failed often enough to be split: refused whole (400, 413: one item
     * may be what Customer.io refuses) at once, or customerio.batch.split-after-failures attempts in a row failed
     * with a 5xx, a timeout or a network failure. Never after a 429: that is the site's rate limit, not the batch.
     */
    private boolean keepsFailing(Exception e, CustomerIoCall call, int attempt) {
        if (!(call.payload() instanceof BatchItems.Request batch) || batch.items() < 2) {
            return false;
        }
        if (e instanceof CustomerIoRejectedException rejected) {
            return rejected.status() == 400 || rejected.status() == 413;
        }
        boolean retriable = e instanceof IOException || e instanceof CustomerIoBusyException busy && busy.status() != 429;
        return retriable && attempt >= splitAfterFailures;
    }

    /** What failed, when it may be tried again; {@code null} when it is final. */
    private Failure failure(Exception e, CustomerIoCall call) {
        if (e instanceof CustomerIoBusyException busy) {
            return new Failure(busy.getMessage(), busy.retryAfter(), String.valueOf(busy.status()));
        }
        if (e instanceof CustomerIoRegions.RegionUnknownException region) {
            // the site's region could not be asked: the call waits for it, as for a busy Customer.io
            return new Failure(region.getMessage(), Optional.empty(), "region");
        }
        if (e instanceof IOException io) {
            calls.countCall(call, "unreachable");
            if (io instanceof SocketTimeoutException) {
                String what = io.getMessage() != null && io.getMessage().startsWith("no answer") ? io.getMessage() : "timed out";
                return new Failure(call.name() + " failed: " + what, Optional.empty(), "timeout");
            }
            // refused and reset connections, a connection closed without an answer, connect timeouts
            return new Failure(call.name() + " failed: " + NetworkErrors.describe(io), Optional.empty(), io.getClass().getSimpleName());
        }
        return null;
    }

    /** The last failure, as the caller will see it (and log it). */
    private static void giveUp(Exchange exchange, CustomerIoUnavailableException failure) {
        exchange.setException(failure);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
    }

    /**
     * The longest wait the backoff policy may make before attempt {@code attempt + 1}: it doubles the previous wait and
     * moves it by up to its collision avoidance factor, so at most {@code delay × 2^(attempt-1) × (1 + factor)^attempt},
     * and never more than its maximum. A retry whose wait could end past the deadline is not made.
     */
    Duration longestBackoff(int attempt) {
        long max = backoff.getMaximumRedeliveryDelay();
        if (attempt >= 31) {
            return Duration.ofMillis(max);
        }
        double longest = (double) (backoff.getRedeliveryDelay() << (attempt - 1))
                * Math.pow(1 + backoff.getCollisionAvoidanceFactor(), attempt);
        return Duration.ofMillis((long) Math.ceil(Math.min(max, longest)));
    }

    private record Failure(String detail, Optional<Duration> retryAfter, String reason) {
    }
}
