package io.hull.customerio.sandbox;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** README's first run, as a newcomer does it: start the sandbox, send the examples, see what was sent. */
class SandboxTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theExamplesReachTheStandIns() throws Exception {
        try (SandboxApplication.Sandbox sandbox = SandboxApplication.start(0, 0, "--server.port=0", "--spring.jmx.enabled=false")) {
            String connector = "http://localhost:" + sandbox.connector().getEnvironment().getProperty("local.server.port");

            HttpResponse<String> notification = http.send(HttpRequest.newBuilder(URI.create(connector + "/smart-notifier"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofFile(Path.of("examples/user-update-notification.json"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(notification.statusCode()).isEqualTo(200);
            // README: "an identify PUT and the page view"
            assertThat(sandbox.customerIo().findAll(putRequestedFor(urlEqualTo("/api/v1/customers/sven%40hull.io")))).hasSize(1);
            assertThat(sandbox.customerIo().findAll(postRequestedFor(urlEqualTo("/api/v1/customers/sven%40hull.io/events")))).hasSize(1);

            HttpResponse<String> webhook = http.send(HttpRequest.newBuilder(URI.create(connector + "/webhook?token=sandbox-token"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofFile(Path.of("examples/webhook-email-delivered.json"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(webhook.statusCode()).isEqualTo(200);
            // the notification's traits write-back and the webhook's track call
            assertThat(sandbox.hull().findAll(postRequestedFor(urlEqualTo("/")))).hasSizeGreaterThanOrEqualTo(2);
            assertThat(sandbox.hull().findAll(postRequestedFor(urlEqualTo("/"))).toString()).contains("customerio/hash")
                    .contains("Email Delivered");

            // the sandbox's credentials work against its Customer.io stand-in; it whitelists no segment of its own
            // (the example notification carries its settings), which is what /status warns about
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(connector + "/status")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(status.statusCode()).isEqualTo(200);
            JsonNode report = new ObjectMapper().readTree(status.body());
            assertThat(report.path("status").asText()).as(status.body()).isEqualTo("warning");
            assertThat(report.path("track_url").asText()).isEqualTo(sandbox.customerIo().baseUrl());
            assertThat(report.path("messages")).extracting(JsonNode::asText)
                    .anySatisfy(message -> assertThat(message).startsWith("No segment is whitelisted"))
                    .noneSatisfy(message -> assertThat(message).containsIgnoringCase("credentials"));
        }
    }

    @Test
    void theStandInsPortsAreSettings() {
        String[] args = {"--server.port=9080", "--sandbox.customerio-port=9181"};
        assertThat(SandboxApplication.port(args, "sandbox.customerio-port", 8181)).isEqualTo(9181);
        assertThat(SandboxApplication.port(args, "sandbox.hull-port", 8182)).isEqualTo(8182);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SandboxApplication.port(
                        new String[] {"--sandbox.hull-port=eighty"}, "sandbox.hull-port", 8182))
                .hasMessage("sandbox.hull-port=eighty is not a port: give a number from 1 to 65535 (0: any free port)");
    }
}
