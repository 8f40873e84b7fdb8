package io.hull.customerio.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.hull.customerio.support.ConnectorTestSupport;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Kafka unreachable from the start: both doors answer 503 in under 3 s with the default producer timeouts
 * (Customer.io gives up on a webhook after 4 s), so Hull and Customer.io send again.
 */
// Closed after each class: its Kafka consumers must not keep polling (and using CPU) while the
// timing-based tests of other classes run.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class KafkaDownTest extends ConnectorTestSupport {

    @DynamicPropertySource
    static void kafkaDown(DynamicPropertyRegistry registry) {
        registry.add("connector.transport", () -> "kafka");
        registry.add("camel.component.kafka.brokers", () -> "localhost:1");
        registry.add("customerio.webhook.token", () -> "cio-token-for-tests");
    }

    @Test
    void notificationIsAnswered503RetryWhenKafkaIsUnreachable() {
        long start = System.nanoTime();
        HttpResponse<String> answer = postNotification(fixtureNotification());

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(json(answer.body()).path("flow_control").path("type").asText()).isEqualTo("retry");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
        assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();
    }

    @Test
    void aNotificationOfManyUsersIsAnswered503AfterOneWaitNotOnePerUser() {
        // Kafka's producer waits max-block-ms (1.5 s) for the topic's metadata on every send while the
        // brokers are unreachable: 30 records sent together would take 45 s. The first is sent alone.
        long start = System.nanoTime();
        HttpResponse<String> answer = postNotification(io.hull.customerio.support.TestNotifications.forSite("site-down", 30));

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
        assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();
    }

    @Test
    void webhookIsAnswered503WhenKafkaIsUnreachable() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> answer = send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + port + "/webhook?token=cio-token-for-tests"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                        JSON.writeValueAsBytes(resource("fixtures/customerio/reporting-email-delivered.json")))).build());

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
        assertThat(HULL.getAllServeEvents()).isEmpty();
    }
}
