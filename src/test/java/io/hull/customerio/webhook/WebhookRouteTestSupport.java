package io.hull.customerio.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jwt.SignedJWT;
import io.hull.customerio.support.Concurrently;
import io.hull.customerio.support.ConnectorTestSupport;
import io.hull.customerio.support.WebhookSignature;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link ConnectorTestSupport} (the connector over real HTTP, WireMock as Hull's firehose) with Hull credentials and
 * Customer.io's webhook secrets set, and helpers to send webhooks the way Customer.io does: signed and with
 * {@code ?token=}.
 */
abstract class WebhookRouteTestSupport extends ConnectorTestSupport {

    static final String SIGNING_KEY = "cio-signing-key-for-tests";
    static final String TOKEN = "cio-token-for-tests";
    static final String HULL_ORGANIZATION = "abc123.hullapp.io";
    static final String HULL_CONNECTOR_ID = "5c0fd68ad884d7d2f8000042";
    static final String HULL_SECRET = "hull-secret-for-tests-0123456789abcdef";

    static final WireMockServer hull = HULL;
    static final ObjectMapper json = JSON;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @DynamicPropertySource
    static void webhookProperties(DynamicPropertyRegistry registry) {
        registry.add("hull.organization", () -> HULL_ORGANIZATION);
        registry.add("hull.connector-id", () -> HULL_CONNECTOR_ID);
        registry.add("hull.secret", () -> HULL_SECRET);
        registry.add("customerio.webhook.signing-key", () -> SIGNING_KEY);
        registry.add("customerio.webhook.token", () -> TOKEN);
    }

    // --- sending webhooks

    /** Sends every body at the same moment, each on its own connection; the answers, in order. */
    List<HttpResponse<String>> sendAllAtOnce(List<byte[]> bodies) {
        return Concurrently.all(bodies.stream().map(body -> (Callable<HttpResponse<String>>) () -> send(body)).toList());
    }

    HttpResponse<String> send(byte[] body) {
        return send(body, "token=" + TOKEN, true, "application/json; charset=utf-8");
    }

    HttpResponse<String> send(JsonNode webhook) {
        return send(bytes(webhook));
    }

    HttpResponse<String> send(byte[] body, String query, boolean signed, String contentType) {
        return send(body, query, signed, contentType, HttpRequest.BodyPublishers.ofByteArray(body));
    }

    /** Signed, with the token, and chunked: no Content-Length, so only the bytes received tell the size. */
    HttpResponse<String> sendChunked(byte[] body) {
        return send(body, "token=" + TOKEN, true, "application/json; charset=utf-8",
                HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)));
    }

    private HttpResponse<String> send(byte[] body, String query, boolean signed, String contentType,
                                      HttpRequest.BodyPublisher publisher) {
        String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + "/webhook" + (query == null ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .POST(publisher);
        if (signed) {
            request.header("X-CIO-Timestamp", timestamp).header("X-CIO-Signature", WebhookSignature.sign(SIGNING_KEY, timestamp, body));
        }
        try {
            return WebhookRouteTestSupport.http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode fixture(String name) {
        try {
            return (ObjectNode) json.readTree(Files.readAllBytes(Path.of("src/test/resources/fixtures/customerio", name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- what Hull received

    static List<LoggedRequest> firehoseRequests() {
        return hull.findAll(postRequestedFor(urlEqualTo("/")));
    }

    /** Every batch entry Hull's firehose received, with the request it came in. */
    static List<ReceivedEntry> receivedEntries() {
        List<ReceivedEntry> entries = new ArrayList<>();
        for (LoggedRequest request : firehoseRequests()) {
            try {
                JsonNode body = json.readTree(request.getBody());
                for (JsonNode entry : body.path("batch")) {
                    entries.add(new ReceivedEntry(request, entry));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return entries;
    }

    static List<ReceivedEntry> receivedWithEventId(String eventId) {
        return receivedEntries().stream().filter(e -> eventId.equals(e.entry().path("body").path("event_id").asText())).toList();
    }

    record ReceivedEntry(LoggedRequest request, JsonNode entry) {
        JsonNode body() { return entry.path("body"); }
        JsonNode properties() { return body().path("properties"); }

        /** The user the entry's token names (claim io.hull.asUser). */
        Map<String, Object> asUser() {
            try {
                return SignedJWT.parse(entry.path("headers").path("Hull-Access-Token").asText()).getJWTClaimsSet()
                        .getJSONObjectClaim("io.hull.asUser");
            } catch (java.text.ParseException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
