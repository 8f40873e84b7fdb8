package io.hull.customerio.config;

import jakarta.annotation.PostConstruct;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** Settings that cannot work together are said at start, not discovered in production. */
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
        String transport = connector.getTransport();
        if (!"direct".equals(transport) && !"kafka".equals(transport)) {
            throw new IllegalStateException("connector.transport=" + transport + " is not supported: use 'direct' or 'kafka'");
        }
        if ("kafka".equals(transport)) {
            checkKafka(connector.getKafka());
            log.info("Kafka transport: topics {} and {}, consumer group {}", connector.getKafka().getUserTopic(),
                    connector.getKafka().getWebhookTopic(), connector.getKafka().getGroupId());
        }
        String api = customerIo.getApi();
        if (!"v1".equals(api) && !"v2-batch".equals(api)) {
            throw new IllegalStateException("customerio.api=" + api + " is not supported: use 'v1' or 'v2-batch'");
        }
        if (customerIo.isV2Batch()) {
            checkBatch(customerIo.getBatch());
        }
        Duration needed = customerIo.getRetry().getMaxElapsed().plus(hull.getRequestTimeout());
        if (needed.compareTo(connector.getNotificationTimeout()) > 0) {
            log.warn("customerio.retry.max-elapsed ({}) + hull.request-timeout ({}) is longer than connector.notification-timeout ({}): "
                            + "a slow notification may be answered after Hull stopped waiting, and be sent again.",
                    customerIo.getRetry().getMaxElapsed(), hull.getRequestTimeout(), connector.getNotificationTimeout());
        }
    }

    private static void checkBatch(CustomerIoProperties.Batch batch) {
        long maxBytes = batch.getMaxBytes() == null ? 0 : batch.getMaxBytes().toBytes();
        if (maxBytes < 1024 || maxBytes > CustomerIoProperties.Batch.MAX_BYTES.toBytes()) {
            throw new IllegalStateException("customerio.batch.max-bytes=" + batch.getMaxBytes()
                    + " must be between 1KB and 500KB (Customer.io's most per request); an item larger than it goes alone");
        }
        if (batch.getMaxItems() < 1 || batch.getMaxWait() == null || batch.getMaxWait().isNegative() || batch.getMaxWait().isZero()) {
            throw new IllegalStateException("customerio.batch.max-items must be at least 1 and customerio.batch.max-wait more than 0");
        }
    }

    private void checkKafka(ConnectorProperties.Kafka kafka) {
        if (kafka.getMaxAttempts() < 1 || kafka.getBatchSize() < 1 || kafka.getConsumers() < 1) {
            throw new IllegalStateException("connector.kafka.max-attempts, batch-size and consumers must be at least 1");
        }
        // A poll is worked on until every record is done with: at worst max-attempts rounds and the waits between them.
        Duration worstPoll = kafka.getRoundTimeout().plus(kafka.getMaxBackoff()).multipliedBy(kafka.getMaxAttempts());
        if (worstPoll.compareTo(maxPollInterval) > 0) {
            log.warn("connector.kafka.max-attempts x (round-timeout + max-backoff) = {} is longer than the Kafka consumer's "
                    + "max-poll-interval-ms ({}): a failing poll may get the consumer taken out of its group and the poll "
                    + "read again by another one.", worstPoll, maxPollInterval);
        }
    }
}
