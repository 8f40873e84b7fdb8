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

        for (String route : new String[] {"hull-notifications", "customerio-user-sync", "customerio-webhooks", "connector-status"}) {
            ObjectName name = new ObjectName("org.apache.camel:context=hull-customerio-connector,type=routes,name=\"" + route + "\"");
            assertThat(jmx.isRegistered(name)).as(route).isTrue();
            assertThat(jmx.getAttribute(name, "State")).isEqualTo("Started");
        }
        ObjectName notifications = new ObjectName("org.apache.camel:context=hull-customerio-connector,type=routes,name=\"hull-notifications\"");
        assertThat((Long) jmx.getAttribute(notifications, "ExchangesCompleted")).isPositive();
        assertThat(jmx.queryNames(new ObjectName("org.apache.camel:context=hull-customerio-connector,type=processors,name=\"customerio-identify\""), null))
                .hasSize(1);
    }
}
