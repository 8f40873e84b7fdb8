package io.hull.customerio.kafka;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Connector webhook URLs in kafka mode, with a real embedded Kafka: the record carries its connector and is keyed by
 * its id; the consumer writes the track call (and its traits) to that connector's Hull; a dead letter names it.
 */
class KafkaConnectorWebhooksTest extends KafkaTransportTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ORGANIZATION = "initech.hullapp.io";
    private static final String SECRET = "initech-secret-0123456789abcdef01";

    @DynamicPropertySource
    static void connectorUrls(DynamicPropertyRegistry registry) {
        registry.add("connector.public-url", () -> "https://connector.example.com");
        registry.add("connector.webhook-url-keys", () -> "k1:" + Base64.getEncoder().encodeToString(new byte[32]));
        registry.add("hull.api-url", HULL::baseUrl);
    }

    private String webhookPath(String connectorId) {
        HULL.stubFor(get(urlEqualTo("/api/v1/app")).withHeader("Hull-App-Id", equalTo(connectorId)).atPriority(1)
                .willReturn(aResponse().withStatus(200).withBody("{\"id\":\"" + connectorId + "\",\"private_settings\":{}}")));
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/credentials?organization="
                + ORGANIZATION + "&ship=" + connectorId + "&secret=" + SECRET)).GET().build());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return json(answer.body()).path("url").asText().substring("https://connector.example.com".length());
    }

    private HttpResponse<String> postWebhook(String path, String eventId) throws Exception {
        ObjectNode webhook = (ObjectNode) resource("fixtures/customerio/reporting-customer-unsubscribed.json");
        webhook.put("event_id", eventId);
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(webhook))).build());
    }

    @Test
    void aConnectorsWebhookTravelsWithItsConnectorToItsOwnHull() throws Exception {
        String connectorId = "kafka-" + UUID.randomUUID().toString().substring(0, 8);
        String path = webhookPath(connectorId);
        long before = endOffsets(WEBHOOK_TOPIC);

        HttpResponse<String> answer = postWebhook(path, "kafka-" + connectorId);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(endOffsets(WEBHOOK_TOPIC) - before).isEqualTo(1);
        ConsumerRecord<String, String> record = readAll(WEBHOOK_TOPIC).stream()
                .filter(r -> connectorId.equals(r.key())).findFirst().orElseThrow();
        assertThat(json(record.value()).get(0).asText()).isEqualTo("hull-connector-webhook");
        assertThat(json(record.value()).get(1).path("organization").asText()).isEqualTo(ORGANIZATION);
        await().atMost(WAIT).untilAsserted(() -> assertThat(HULL.findAll(postRequestedFor(urlEqualTo("/"))
                .withHeader("Hull-App-Id", equalTo(connectorId)))).hasSize(1));
        LoggedRequest firehose = HULL.findAll(postRequestedFor(urlEqualTo("/")).withHeader("Hull-App-Id", equalTo(connectorId))).get(0);
        assertThat(firehose.getHeader("Hull-Organization")).isEqualTo(ORGANIZATION);
        assertThat(firehose.getHeader("Hull-Access-Token")).isEqualTo(SECRET);
        List<String> types = json(firehose.getBodyAsString()).path("batch").findValuesAsText("type");
        assertThat(types).containsExactly("track", "traits");
        await().atMost(WAIT).untilAsserted(() -> assertThat(committedOffsets(WEBHOOK_TOPIC)).isEqualTo(endOffsets(WEBHOOK_TOPIC)));
    }

    @Test
    void aWebhookThatKeepsFailingIsDeadLetteredNamingItsConnector() throws Exception {
        String connectorId = "dead-" + UUID.randomUUID().toString().substring(0, 8);
        String path = webhookPath(connectorId);
        HULL.stubFor(post(urlEqualTo("/")).withHeader("Hull-App-Id", equalTo(connectorId)).atPriority(1)
                .willReturn(aResponse().withStatus(503)));

        assertThat(postWebhook(path, "dead-" + connectorId).statusCode()).isEqualTo(200);

        await().atMost(WAIT).untilAsserted(() -> assertThat(readAll(WEBHOOK_TOPIC + ".dlq").stream()
                .filter(r -> connectorId.equals(r.key()))).hasSize(1));
        ConsumerRecord<String, String> dead = readAll(WEBHOOK_TOPIC + ".dlq").stream()
                .filter(r -> connectorId.equals(r.key())).findFirst().orElseThrow();
        assertThat(new String(dead.headers().lastHeader(KafkaBatches.DLQ_CONNECTOR_HEADER).value(), StandardCharsets.UTF_8))
                .isEqualTo(connectorId);
        JsonNode value = json(dead.value());
        assertThat(value.get(2).path("event_id").asText()).isEqualTo("dead-" + connectorId);
    }
}
