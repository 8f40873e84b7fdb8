package io.hull.customerio.kafka;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hull.customerio.support.ConnectorTestSupport;
import io.hull.customerio.support.KafkaTopics;
import io.hull.customerio.support.TestNotifications;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The connector with connector.transport=kafka against an embedded KRaft broker (in this JVM, no
 * Docker). One Spring context for every class extending this one. Every test uses its own
 * Customer.io site ids, so records of one test never wait behind another's.
 */
// Closed after each class: its Kafka consumers must not keep polling (and using CPU) while the
// timing-based tests of other classes run.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public abstract class KafkaTransportTestSupport extends ConnectorTestSupport {

    protected static final String USER_TOPIC = "hull-user-updates";
    protected static final String WEBHOOK_TOPIC = "customerio-webhooks";
    protected static final String GROUP = "hull-customerio-connector";
    protected static final int PARTITIONS = 4;
    protected static final int MAX_ATTEMPTS = 3;
    protected static final int RATE_LIMIT = 10;
    protected static final EmbeddedKafkaKraftBroker KAFKA = startKafka();

    private static EmbeddedKafkaKraftBroker startKafka() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, PARTITIONS,
                USER_TOPIC, USER_TOPIC + ".dlq", WEBHOOK_TOPIC, WEBHOOK_TOPIC + ".dlq");
        broker.afterPropertiesSet();
        return broker;
    }

    @DynamicPropertySource
    static void kafkaProperties(DynamicPropertyRegistry registry) {
        registry.add("connector.transport", () -> "kafka");
        registry.add("camel.component.kafka.brokers", KAFKA::getBrokersAsString);
        registry.add("connector.kafka.max-attempts", () -> String.valueOf(MAX_ATTEMPTS));
        registry.add("customerio.rate-limit", () -> String.valueOf(RATE_LIMIT));
        registry.add("connector.kafka.initial-backoff", () -> "100ms");
        registry.add("connector.kafka.max-backoff", () -> "200ms");
        registry.add("connector.kafka.round-timeout", () -> "20s");
        // a Customer.io call gives up after two tries, so a failing record fails its round quickly
        registry.add("customerio.retry.max-attempts", () -> "2");
        registry.add("customerio.retry.max-elapsed", () -> "800ms");
        registry.add("customerio.retry.initial-backoff", () -> "50ms");
        registry.add("customerio.retry.max-backoff", () -> "100ms");
        registry.add("hull.organization", () -> "abc123.hullapp.io");
        registry.add("hull.connector-id", () -> "5c0fd68ad884d7d2f8000042");
        registry.add("hull.secret", () -> "hull-secret-for-tests-0123456789abcdef");
        registry.add("customerio.webhook.token", () -> "cio-token-for-tests");
        // backfills: extracts served by the Hull stand-in; notifications carry their own settings
        registry.add("hull.batch.allowed-hosts", () -> "localhost");
        registry.add("connector.settings.synchronized-segments", () -> "seg-sync");
        registry.add("connector.settings.user-id-mapping", () -> "email");
    }

    protected static ObjectNode notificationFor(String siteId, int users) {
        return TestNotifications.forSite(siteId, users);
    }

    protected static String newSite() {
        return "site-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The embedded broker's topics and the connector's consumer group, as an operator sees them. */
    protected static final KafkaTopics TOPICS = new KafkaTopics(KAFKA.getBrokersAsString());

    /** Records written to a topic so far. */
    protected static long endOffsets(String topic) {
        return TOPICS.endOffsets(topic);
    }

    /** Offsets the connector's consumer group committed on a topic. */
    protected static long committedOffsets(String topic) {
        return TOPICS.committedOffsets(GROUP, topic);
    }

    /** Every record of a topic, to its end offsets (never part of it). */
    protected static List<ConsumerRecord<String, String>> readAll(String topic) {
        return TOPICS.readAll(topic);
    }

    protected static String keys(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::key).collect(Collectors.joining(","));
    }
}
