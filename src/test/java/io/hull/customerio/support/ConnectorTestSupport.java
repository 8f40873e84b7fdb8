package io.hull.customerio.support;

import io.hull.customerio.sync.SyncedHashes;
import org.springframework.beans.factory.annotation.Autowired;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.hull.customerio.Application;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The connector as it runs (real routes, real HTTP on a random port), with WireMock playing
 * Customer.io and Hull's firehose. Every test class extending this shares one Spring context.
 */
@CamelSpringBootTest
@AutoConfigureObservability(tracing = false)
@SpringBootTest(classes = Application.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ConnectorTestSupport {

    protected static final ObjectMapper JSON = new ObjectMapper();
    protected static final WireMockServer CUSTOMERIO = start();
    protected static final WireMockServer HULL = start();
    protected static final HullNotifierKeys NOTIFIER = new HullNotifierKeys();

    protected final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    protected int port;

    /** A WireMock stand-in on a free port, started. */
    protected static WireMockServer start() {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        server.start();
        return server;
    }

    @DynamicPropertySource
    static void connectorProperties(DynamicPropertyRegistry registry) {
        registry.add("customerio.track-url", CUSTOMERIO::baseUrl);
        registry.add("customerio.site-id", () -> "");
        registry.add("customerio.api-key", () -> "");
        registry.add("customerio.request-timeout", () -> "2s");
        registry.add("hull.firehose-url", HULL::baseUrl);
        registry.add("hull.request-timeout", () -> "2s");
        registry.add("hull.notifier.public-key", NOTIFIER::publicKeyLocation);
        registry.add("hull.notifier.verify-signature", () -> "true");
    }

    @Autowired
    private SyncedHashes syncedHashes;

    /** Every test sends its users as new: the users a test before it sent are not remembered as synced. */
    @BeforeEach
    protected void resetStandIns() {
        syncedHashes.forgetAll();
        CUSTOMERIO.resetAll();
        HULL.resetAll();
        CUSTOMERIO.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
        HULL.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(200).withBody("{}")));
    }

    /**
     * The shared Hull fixture: one user, whitelisted segment "Hull Users", user_id_mapping email; with a
     * notification id of its own, as every notification Hull sends has (one signature, one body).
     */
    protected static ObjectNode fixtureNotification() {
        ObjectNode notification = (ObjectNode) resource("fixtures/hull/user-update-notification.json");
        notification.put("notification_id", java.util.UUID.randomUUID().toString());
        return notification;
    }

    protected static JsonNode resource(String path) {
        try (InputStream in = ConnectorTestSupport.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends the notification signed as Hull does, as a new notification: it gets a notification id of its own
     * first (a test that changes a notification and sends it again sends what Hull would send next).
     */
    protected HttpResponse<String> postNotification(JsonNode notification) {
        ((ObjectNode) notification).put("notification_id", java.util.UUID.randomUUID().toString());
        return send(NOTIFIER.signedRequest(baseUrl(), (ObjectNode) notification));
    }

    /** These bytes with this signature header (none when null), as they are. */
    protected HttpResponse<String> postNotification(byte[] body, String signature) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + "/smart-notifier"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            request.header("X-Hull-Smart-Notifier-Signature", signature)
                    .header("X-Hull-Smart-Notifier-Signature-Version", "v1");
        }
        return send(request.build());
    }

    /** The connector's address, {@code http://localhost:<port>}. */
    protected String baseUrl() {
        return "http://localhost:" + port;
    }

    protected HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every entry of every batch Hull's firehose received, in order. */
    protected static List<JsonNode> firehoseEntries() {
        List<JsonNode> entries = new ArrayList<>();
        for (LoggedRequest request : HULL.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/")))) {
            json(request.getBodyAsString()).path("batch").forEach(entries::add);
        }
        return entries;
    }
}
