package io.hull.customerio.config;

import jakarta.annotation.PostConstruct;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Settings that cannot work together are said at start, not discovered in production. */
@Component
public class StartupChecks {

    private static final Logger log = LoggerFactory.getLogger(StartupChecks.class);

    private final ConnectorProperties connector;
    private final CustomerIoProperties customerIo;
    private final HullProperties hull;

    public StartupChecks(ConnectorProperties connector, CustomerIoProperties customerIo, HullProperties hull) {
        this.connector = connector;
        this.customerIo = customerIo;
        this.hull = hull;
    }

    @PostConstruct
    void check() {
        String transport = connector.getTransport();
        if (!"direct".equals(transport)) {
            // Refuse rather than silently run in-process: an operator asking for Kafka expects its guarantees.
            throw new IllegalStateException("connector.transport=" + transport + " is not supported by this version; "
                    + "only 'direct' is (the Kafka transport is not built yet)");
        }
        Duration needed = customerIo.getRetry().getMaxElapsed().plus(hull.getRequestTimeout());
        if (needed.compareTo(connector.getNotificationTimeout()) > 0) {
            log.warn("customerio.retry.max-elapsed ({}) + hull.request-timeout ({}) is longer than connector.notification-timeout ({}): "
                            + "a slow notification may be answered after Hull stopped waiting, and be sent again.",
                    customerIo.getRetry().getMaxElapsed(), hull.getRequestTimeout(), connector.getNotificationTimeout());
        }
    }
}
