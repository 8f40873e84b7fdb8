package io.hull.customerio.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.hull.customerio.support.HullNotifierKeys;
import io.hull.customerio.support.SeparateConnector;
import io.hull.customerio.support.TestNotifications;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * As an integration engineer does it: a copy of routes/ on disk, only its customize.yaml edited (two recipes of
 * docs/customizing.md), the connector started on it. What Customer.io receives shows the edit, Hull gets the hash of
 * what was sent, and the same user sent again with the traits Hull then holds sends nothing.
 */
class CustomizeFromDiskTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EDITED = """
            - route:
                id: customize-customer
                routeConfigurationId: customization-errors
                from:
                  uri: direct:customize-customer
                  steps:
                    - script:
                        simple: "${body.put('source', 'hull')}"
                    - filter:
                        simple: "${body[email]} ends with '@test.example.com'"
                        steps:
                          - setProperty:
                              name: skipReason
                              constant: "a test account"
            - route:
                id: customize-event
                routeConfigurationId: customization-errors
                from:
                  uri: direct:customize-event
                  steps:
                    - log:
                        message: "event ${body[name]}"
                        loggingLevel: TRACE
            - route:
                id: customize-account
                routeConfigurationId: customization-errors
                from:
                  uri: direct:customize-account
                  steps:
                    - log:
                        message: "object ${body[id]}"
                        loggingLevel: TRACE
            """;

    private final WireMockServer customerIo = new WireMockServer(options().dynamicPort());
    private final WireMockServer hull = new WireMockServer(options().dynamicPort());
    private final HullNotifierKeys notifier = new HullNotifierKeys();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void standIns() {
        customerIo.start();
        hull.start();
        customerIo.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
        hull.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
    }

    @AfterEach
    void stop() {
        customerIo.stop();
        hull.stop();
    }

    @Test
    void anEditedCustomizeYamlOnDiskChangesWhatIsSentAndTheHashWrittenBack(@TempDir Path routes) throws Exception {
        for (Path route : Files.list(Path.of("routes")).toList()) {
            Files.copy(route, routes.resolve(route.getFileName()));
        }
        Files.writeString(routes.resolve("customize.yaml"), EDITED);

        try (SeparateConnector connector = SeparateConnector.named("customize-from-disk").customerIo(customerIo).hull(hull)
                .notifier(notifier).set("camel.main.routes-include-pattern", "file:" + routes.toAbsolutePath() + "/*.yaml").start()) {
            ObjectNode notification = TestNotifications.forSite("customize-site", 2);
            ((ObjectNode) notification.path("messages").get(1).path("user")).put("email", "qa@test.example.com");

            assertThat(send(connector, notification).statusCode()).isEqualTo(200);

            List<LoggedRequest> puts = customerIo.findAll(putRequestedFor(anyUrl()));
            assertThat(puts).hasSize(1);
            assertThat(puts.get(0).getUrl()).isEqualTo("/api/v1/customers/customize-site-user-0%40example.com");
            JsonNode sent = JSON.readTree(puts.get(0).getBodyAsString());
            assertThat(sent.path("source").asText()).isEqualTo("hull");
            assertThat(connector.lines()).anyMatch(line -> line.contains("\"outgoing.user.skip\"") && line.contains("a test account"));

            // the hash Hull gets is of exactly what was sent: SHA-256 of {"attributes":...,"id":...}, keys sorted
            JsonNode traits = firehoseEntries().get(0).path("body");
            assertThat(traits.path("customerio/hash").asText()).isEqualTo(hashOf("customize-site-user-0@example.com", sent));

            // Hull stores the traits and sends them with the user's next notification: nothing to send
            ObjectNode again = TestNotifications.forSite("customize-site", 1);
            ObjectNode user = (ObjectNode) again.path("messages").get(0).path("user");
            traits.fields().forEachRemaining(trait -> user.set("traits_" + trait.getKey(), trait.getValue()));
            customerIo.resetRequests();

            assertThat(send(connector, again).statusCode()).isEqualTo(200);

            assertThat(customerIo.getAllServeEvents()).as("the customized user, unchanged").isEmpty();
        }
    }

    private HttpResponse<String> send(SeparateConnector connector, ObjectNode notification) throws Exception {
        notification.put("notification_id", UUID.randomUUID().toString());
        return http.send(notifier.signedRequest(connector.baseUrl(), notification), HttpResponse.BodyHandlers.ofString());
    }

    /** The customer's hash, computed here as Hull's connector computed it. */
    private static String hashOf(String id, JsonNode attributes) throws Exception {
        ObjectMapper canonical = new ObjectMapper().configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
        java.util.Map<String, Object> payload = new java.util.LinkedHashMap<>();
        payload.put("id", id);
        payload.put("attributes", JSON.convertValue(attributes, java.util.Map.class));
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                .digest(canonical.writeValueAsString(payload).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(digest);
    }

    private List<JsonNode> firehoseEntries() throws Exception {
        List<JsonNode> entries = new java.util.ArrayList<>();
        for (LoggedRequest request : hull.findAll(postRequestedFor(urlEqualTo("/")))) {
            for (JsonNode entry : JSON.readTree(request.getBodyAsString()).path("batch")) {
                entries.add(entry);
            }
        }
        return entries;
    }
}
