package io.hull.customerio.customerio;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The asynchronous step's contract with Camel: every outcome reaches the exchange, and the callback is called once. */
class ThrottlePerSiteTest {

    @Test
    void aFailureBeforeTheSlotIsAskedForGoesToTheExchangeNotToCamelsLog() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            ThrottlePerSite step = new ThrottlePerSite(new SiteRateLimiter(1, Duration.ofSeconds(1), new SimpleMeterRegistry()), camel);
            Exchange exchange = new DefaultExchange(camel);
            AtomicInteger callbacks = new AtomicInteger();

            boolean synchronous = step.process(exchange, doneSync -> callbacks.incrementAndGet());

            assertThat(synchronous).isTrue();
            assertThat(callbacks).hasValue(1);
            assertThat(exchange.getException()).isNotNull();
        }
    }
}
