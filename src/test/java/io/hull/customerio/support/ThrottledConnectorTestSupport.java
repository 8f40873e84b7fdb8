package io.hull.customerio.support;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The connector with a low rate limit and quick retries, so throttling and retry behaviour can be
 * measured in seconds. A second Spring context, shared by every class extending this one. The
 * limiter keeps its state per site for the whole context: every test uses its own site ids.
 */
public abstract class ThrottledConnectorTestSupport extends ConnectorTestSupport {

    protected static final int RATE_LIMIT = 20;
    /** customerio.retry.max-elapsed: long enough for 4 s of work at the limit, with room for a loaded machine. */
    protected static final long MAX_ELAPSED_MILLIS = 8_000;

    @DynamicPropertySource
    static void throttledProperties(DynamicPropertyRegistry registry) {
        registry.add("customerio.rate-limit", () -> String.valueOf(RATE_LIMIT));
        registry.add("customerio.retry.initial-backoff", () -> "50ms");
        registry.add("customerio.retry.max-backoff", () -> "400ms");
        registry.add("customerio.retry.max-attempts", () -> "100");
        registry.add("customerio.retry.max-elapsed", () -> MAX_ELAPSED_MILLIS + "ms");
    }

    @Autowired
    private MeterRegistry meters;

    /**
     * customerio_retries_total{reason="429"}: a call answered 429 that will be tried again; with a Retry-After, its
     * site is paused before it is counted.
     */
    protected double retriesAfter429() {
        Counter counter = meters.find("customerio.retries").tag("reason", "429").counter();
        return counter == null ? 0 : counter.count();
    }

    protected static ObjectNode notificationFor(String siteId, int users) {
        return TestNotifications.forSite(siteId, users);
    }

    /** The site id a Customer.io request was sent for, from its Basic auth. */
    protected static String siteOf(LoggedRequest request) {
        return BasicAuth.siteOf(request.getHeader("Authorization"));
    }

    /** Arrival times (ms) at WireMock of the Customer.io requests for {@code siteId}, sorted. */
    protected static List<Long> arrivals(String siteId) {
        return CUSTOMERIO.getAllServeEvents().stream()
                .map(event -> event.getRequest())
                .filter(request -> siteId.equals(siteOf(request)))
                .map(request -> request.getLoggedDate().getTime())
                .sorted()
                .toList();
    }
}
