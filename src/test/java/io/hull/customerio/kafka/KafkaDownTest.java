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
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Kafka unreachable from the start: both doors answer 503 with the default producer timeouts, within the 3 s that
 * docs/kafka.md promises (Customer.io gives up on a webhook after 4 s), so Hull and Customer.io send again.
 */
// Closed after each class: its Kafka consumers must not keep polling (and using CPU) while the
// timing-based tests of other classes run.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class KafkaDownTest extends ConnectorTestSupport {

    /** docs/kafka.md: both doors answer 503 in under 3 s when Kafka is down. */
    static final Duration ANSWERED_WITHIN = Timing.within(Duration.ofSeconds(3));

    @DynamicPropertySource
    static void kafkaDown(DynamicPropertyRegistry registry) {
        registry.add("connector.transport", () -> "kafka");
        registry.add("camel.component.kafka.brokers", () -> "localhost:1");
        registry.add("customerio.webhook.token", () -> "cio-token-for-tests");
        // a webhook is taken only with Hull credentials to write it with (otherwise 503 hull_not_configured at the door)
        registry.add("hull.organization", () -> "down.hullapp.io");
        registry.add("hull.connector-id", () -> "down-connector");
        registry.add("hull.secret", () -> "down-secret");
    }

    @Test
    void notificationIsAnswered503RetryWhenKafkaIsUnreachable() {
        long start = System.nanoTime();
        HttpResponse<String> answer = postNotification(fixtureNotification());

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(json(answer.body()).path("flow_control").path("type").asText()).isEqualTo("retry");
        JsonErrors.assertError(answer.body(), "kafka_unavailable");
        assertThat(Timing.since(start)).isLessThan(ANSWERED_WITHIN);
        assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();
    }

    @Test
    void aNotificationOfManyUsersIsAnswered503AfterOneWaitNotOnePerUser() {
        // Kafka's producer waits max-block-ms (1.5 s) for the topic's metadata on every send while the
        // brokers are unreachable: 30 records sent together would take 45 s. The first is sent alone.
        long start = System.nanoTime();
        HttpResponse<String> answer = postNotification(TestNotifications.forSite("site-down", 30));

        assertThat(answer.statusCode()).isEqualTo(503);
        JsonErrors.assertError(answer.body(), "kafka_unavailable");
        assertThat(Timing.since(start)).isLessThan(ANSWERED_WITHIN);
        assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();
    }

    @Test
    void webhookIsAnswered503WhenKafkaIsUnreachable() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/webhook?token=cio-token-for-tests"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(
                        JSON.writeValueAsBytes(resource("fixtures/customerio/reporting-email-delivered.json")))).build());

        assertThat(answer.statusCode()).isEqualTo(503);
        JsonErrors.assertError(answer.body(), "kafka_unavailable");
        assertThat(Timing.since(start)).isLessThan(ANSWERED_WITHIN);
        assertThat(HULL.getAllServeEvents()).isEmpty();
    }
}
