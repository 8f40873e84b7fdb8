package io.hull.customerio.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.hull.customerio.support.ConnectorTestSupport;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** The MBeans an operator watches carry the route and step ids of the YAML routes. */
@DisableJmx(false)
@TestPropertySource(properties = "camel.main.jmx-enabled=true")
class JmxTest extends ConnectorTestSupport {

    private final MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();

    @Test
    void routesAndStepsAreRegisteredUnderTheirIds() throws Exception {
        assertThat(postNotification(fixtureNotification()).statusCode()).isEqualTo(200);

        for (String route : new String[] {"hull-notifications", "sync-user", "customize-customer", "customerio-webhooks", "connector-status"}) {
            ObjectName name = new ObjectName("org.apache.camel:context=hull-customerio-connector,type=routes,name=\"" + route + "\"");
            assertThat(jmx.isRegistered(name)).as(route).isTrue();
            assertThat(jmx.getAttribute(name, "State")).isEqualTo("Started");
        }
        ObjectName notifications = new ObjectName("org.apache.camel:context=hull-customerio-connector,type=routes,name=\"hull-notifications\"");
        assertThat((Long) jmx.getAttribute(notifications, "ExchangesCompleted")).isPositive();
        // the steps of ../shared/contract.md §6 the routes have, each one MBean that counted the fixture user and its
        // page view
        for (String step : new String[] {"split-attribute-chunks", "throttle-per-site", "customerio-identify", "customerio-event"}) {
            assertThat(jmx.queryNames(processor(step), null)).as(step).hasSize(1);
            assertThat((Long) jmx.getAttribute(processor(step), "ExchangesCompleted")).as(step).isPositive();
        }
    }

    @Test
    void theCustomerIoAndHullCallsAreCamelHttpEndpointsWithTheirExchangeCounts() throws Exception {
        assertThat(postNotification(fixtureNotification()).statusCode()).isEqualTo(200);

        // the Track API: one endpoint, the step that calls it counts every attempt and its time
        ObjectName trackApi = processor("customerio-track-api");
        assertThat((String) jmx.getAttribute(trackApi, "Destination")).startsWith(CUSTOMERIO.baseUrl());
        assertThat((Long) jmx.getAttribute(trackApi, "ExchangesCompleted")).isGreaterThanOrEqualTo(2); // the PUT, the event
        assertThat(jmx.queryNames(new ObjectName("org.apache.camel:context=hull-customerio-connector,type=endpoints,*"), null))
                .extracting(name -> name.getKeyProperty("name"))
                .anySatisfy(name -> assertThat(name).contains(String.valueOf(CUSTOMERIO.port())));
        // the rate limit: exchanges waiting for a slot are the step's inflight ones
        assertThat((Long) jmx.getAttribute(processor("throttle-per-site"), "ExchangesCompleted")).isPositive();
        assertThat(((Number) jmx.getAttribute(processor("throttle-per-site"), "ExchangesInflight")).intValue()).isZero();
        // Hull's firehose (the write-back)
        assertThat((Long) jmx.getAttribute(processor("post-to-hull-firehose"), "ExchangesCompleted")).isPositive();
    }

    private ObjectName processor(String id) throws Exception {
        return new ObjectName("org.apache.camel:context=hull-customerio-connector,type=processors,name=\"" + id + "\"");
    }
}
