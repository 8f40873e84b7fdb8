package io.hull.customerio.config;

import jakarta.annotation.PostConstruct;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** Settings that work, but poorly together, are said at start (warnings), not discovered in production. */
@Component
public class StartupChecks {

    private static final Logger log = LoggerFactory.getLogger(StartupChecks.class);

    private final ConnectorProperties connector;
    private final CustomerIoProperties customerIo;
    private final HullProperties hull;
    private final Duration maxPollInterval;

    public StartupChecks(ConnectorProperties connector, CustomerIoProperties customerIo, HullProperties hull,
                         @Value("${camel.component.kafka.max-poll-interval-ms:300000}") long maxPollIntervalMs) {
        this.maxPollInterval = Duration.ofMillis(maxPollIntervalMs);
        this.connector = connector;
        this.customerIo = customerIo;
        this.hull = hull;
    }

    @PostConstruct
    void check() {
        // values that cannot work stopped the start already (SettingsCheck); these can, but poorly
        if ("kafka".equals(connector.getTransport())) {
            checkKafka(connector.getKafka());
            log.info("Kafka transport: topics {} and {}, consumer group {}", connector.getKafka().getUserTopic(),
                    connector.getKafka().getWebhookTopic(), connector.getKafka().getGroupId());
        }
        Duration needed = customerIo.getRetry().getMaxElapsed().plus(hull.getRequestTimeout());
        if (needed.compareTo(connector.getNotificationTimeout()) > 0) {
            log.warn("customerio.retry.max-elapsed ({}) + hull.request-timeout ({}) is longer than connector.notification-timeout ({}): "
                            + "a slow notification may be answered after Hull stopped waiting, and be sent again.",
                    customerIo.getRetry().getMaxElapsed(), hull.getRequestTimeout(), connector.getNotificationTimeout());
        }
    }

    private void checkKafka(ConnectorProperties.Kafka kafka) {
        // A poll is worked on until every record is done with: at worst max-attempts rounds and the waits between them.
        Duration worstPoll = kafka.getRoundTimeout().plus(kafka.getMaxBackoff()).multipliedBy(kafka.getMaxAttempts());
        if (worstPoll.compareTo(maxPollInterval) > 0) {
            log.warn("connector.kafka.max-attempts x (round-timeout + max-backoff) = {} is longer than the Kafka consumer's "
                    + "max-poll-interval-ms ({}): a failing poll may get the consumer taken out of its group and the poll "
                    + "read again by another one.", worstPoll, maxPollInterval);
        }
    }
}
