package io.hull.customerio.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.hull.customerio.support.ConnectorTestSupport;
import io.hull.customerio.support.JsonErrors;
import io.hull.customerio.support.TestNotifications;
import io.hull.customerio.support.Timing;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The broker goes away while the connector runs (its producers know the topics' metadata, so they do not wait for
 * it but for acknowledgements): both doors answer 503 kafka_unavailable with the default producer timeouts, within
 * docs/kafka.md's 3 s.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class KafkaBrokerGoneTest extends ConnectorTestSupport {

    private static final EmbeddedKafkaKraftBroker KAFKA = startKafka();

    private static EmbeddedKafkaKraftBroker startKafka() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1, "gone-users", "gone-users.dlq",
                "gone-webhooks", "gone-webhooks.dlq");
        broker.afterPropertiesSet();
        return broker;
    }

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("connector.transport", () -> "kafka");
        registry.add("camel.component.kafka.brokers", KAFKA::getBrokersAsString);
        registry.add("connector.kafka.user-topic", () -> "gone-users");
        registry.add("connector.kafka.webhook-topic", () -> "gone-webhooks");
        registry.add("connector.kafka.group-id", () -> "gone-test");
        registry.add("customerio.webhook.token", () -> "cio-token-for-tests");
        // a webhook is taken only with Hull credentials to write it with (otherwise 503 hull_not_configured)
        registry.add("hull.organization", () -> "gone.hullapp.io");
        registry.add("hull.connector-id", () -> "gone-connector");
        registry.add("hull.secret", () -> "gone-secret");
    }

    @Test
    void bothDoorsAnswer503WithinTheirBoundOnceTheBrokerIsGone() throws Exception {
        // the producers learn the topics while the broker is there
        assertThat(postNotification(TestNotifications.forSite("gone-site", 2)).statusCode()).isEqualTo(200);
        assertThat(sendWebhook().statusCode()).isEqualTo(200);

        KAFKA.destroy();

        long start = System.nanoTime();
        HttpResponse<String> notification = postNotification(TestNotifications.forSite("gone-site", 20));
        Duration notificationTook = Timing.since(start);
        start = System.nanoTime();
        HttpResponse<String> webhook = sendWebhook();
        Duration webhookTook = Timing.since(start);

        assertThat(notification.statusCode()).isEqualTo(503);
        assertThat(json(notification.body()).path("flow_control").path("type").asText()).isEqualTo("retry");
        JsonErrors.assertError(notification.body(), "kafka_unavailable");
        assertThat(notificationTook).isLessThan(KafkaDownTest.ANSWERED_WITHIN);
        assertThat(webhook.statusCode()).isEqualTo(503);
        JsonErrors.assertError(webhook.body(), "kafka_unavailable");
        assertThat(webhookTook).isLessThan(KafkaDownTest.ANSWERED_WITHIN);
    }

    private HttpResponse<String> sendWebhook() throws Exception {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + "/webhook?token=cio-token-for-tests"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(((com.fasterxml.jackson.databind.node.ObjectNode)
                        resource("fixtures/customerio/reporting-email-delivered.json")).put("event_id", java.util.UUID.randomUUID().toString()))))
                .build());
    }
}
