package io.hull.customerio.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.hull.customerio.support.ConnectorTestSupport;
import io.hull.customerio.support.JsonErrors;
import io.hull.customerio.support.WebhookSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One deployment for many Hull connectors, over real HTTP: GET /credentials gives each connector its own webhook URL,
 * checked with a Hull stand-in that answers GET /api/v1/app per connector; each connector's webhooks land in its own
 * Hull with its own credentials; forged, foreign and unknown tokens are refused; a paused connector's webhooks are
 * skipped; a connector's signing key is checked; Hull unreachable is 503; a ship:update refreshes what was kept.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConnectorWebhooksTest extends ConnectorTestSupport {

    static final String PUBLIC_URL = "https://customerio-connector.example.com";
    static final Connector ACME = new Connector("acme.hullapp.io", "5c0fd68ad884d7d2f8000a01", "acme-secret-0123456789abcdef0123");
    static final Connector GLOBEX = new Connector("globex.hullapp.io", "5c0fd68ad884d7d2f8000b02", "globex-secret-0123456789abcdef01");

    record Connector(String organization, String id, String secret) {
        String query() {
            return "organization=" + organization + "&ship=" + id + "&secret=" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        }
    }

    @org.springframework.beans.factory.annotation.Autowired
    io.hull.customerio.connectors.ConnectorSettings connectorSettings;

    /** Each test's Hull answers afresh: nothing kept from the test before. */
    @org.junit.jupiter.api.BeforeEach
    void forgetConnectors() {
        connectorSettings.forgetAll();
    }

    @DynamicPropertySource
    static void connectorsProperties(DynamicPropertyRegistry registry) {
        registry.add("connector.public-url", () -> PUBLIC_URL);
        registry.add("connector.webhook-url-keys", () -> WebhookUrlTokensTest.KEY_2 + "," + WebhookUrlTokensTest.KEY_1);
        registry.add("hull.api-url", HULL::baseUrl);
        registry.add("hull.settings-cache-ttl", () -> "1h");
        registry.add("hull.refused-connector-ttl", () -> "1s");
        registry.add("camel.main.route-filter-exclude-pattern", () -> "hull-status-report");
        registry.add("hull.batch.allowed-hosts", () -> "localhost");
    }

    /** Hull's /api/v1/app for the connector: its settings when the three headers are its own. */
    static void hullKnows(Connector connector, String app) {
        HULL.stubFor(get(urlEqualTo("/api/v1/app")).atPriority(1)
                .withHeader("Hull-App-Id", equalTo(connector.id()))
                .withHeader("Hull-Organization", equalTo(connector.organization()))
                .withHeader("Hull-Access-Token", equalTo(connector.secret()))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(app)));
    }

    static String app(Connector connector, boolean accept, String signingKey) {
        return "{\"id\":\"" + connector.id() + "\",\"accept_incoming_webhooks\":" + accept + ",\"private_settings\":{"
                + (signingKey == null ? "" : "\"webhook_signing_key\":\"" + signingKey + "\"") + "}}";
    }

    HttpResponse<String> credentials(String query) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + "/credentials?" + query)).GET().build());
    }

    /** The connector's URL from /credentials, as the local path the test posts to. */
    String webhookPath(Connector connector) {
        HttpResponse<String> answer = credentials(connector.query());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        String url = json(answer.body()).path("url").asText();
        assertThat(url).startsWith(PUBLIC_URL + "/webhooks/" + connector.id() + "/");
        return url.substring(PUBLIC_URL.length());
    }

    HttpResponse<String> post(String path, byte[] body, String signingKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signingKey != null) {
            String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
            request.header("X-CIO-Timestamp", timestamp).header("X-CIO-Signature", WebhookSignature.sign(signingKey, timestamp, body));
        }
        return send(request.build());
    }

    static byte[] webhook(String fixture, String eventId) {
        try {
            ObjectNode webhook = (ObjectNode) JSON.readTree(Files.readAllBytes(Path.of("src/test/resources/fixtures/customerio", fixture)));
            webhook.put("event_id", eventId);
            return JSON.writeValueAsBytes(webhook);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The firehose requests Hull received for the connector (its three headers), each as its batch's entries. */
    static List<List<JsonNode>> firehoseOf(Connector connector) {
        List<List<JsonNode>> requests = new ArrayList<>();
        for (LoggedRequest request : HULL.findAll(postRequestedFor(urlEqualTo("/")).withHeader("Hull-App-Id", equalTo(connector.id())))) {
            assertThat(request.getHeader("Hull-Organization")).isEqualTo(connector.organization());
            assertThat(request.getHeader("Hull-Access-Token")).isEqualTo(connector.secret());
            List<JsonNode> entries = new ArrayList<>();
            json(request.getBodyAsString()).path("batch").forEach(entries::add);
            requests.add(entries);
        }
        return requests;
    }

    @Test
    void twoOrganizationsConnectorsEachGetTheirOwnUrlAndTheirWebhooksLandInTheirOwnHull(CapturedOutput output) throws Exception {
        hullKnows(ACME, app(ACME, true, null));
        hullKnows(GLOBEX, app(GLOBEX, true, null));
        String acmePath = webhookPath(ACME);
        String globexPath = webhookPath(GLOBEX);

        assertThat(post(acmePath, webhook("reporting-email-delivered.json", "acme-event"), null).statusCode()).isEqualTo(200);
        assertThat(post(globexPath, webhook("reporting-email-delivered.json", "globex-event"), null).statusCode()).isEqualTo(200);

        List<List<JsonNode>> acme = firehoseOf(ACME);
        List<List<JsonNode>> globex = firehoseOf(GLOBEX);
        assertThat(acme).hasSize(1);
        assertThat(globex).hasSize(1);
        JsonNode acmeTrack = acme.get(0).get(0);
        assertThat(acmeTrack.path("body").path("event_id").asText()).isEqualTo("acme-event");
        assertThat(globex.get(0).get(0).path("body").path("event_id").asText()).isEqualTo("globex-event");
        SignedJWT token = SignedJWT.parse(acmeTrack.path("headers").path("Hull-Access-Token").asText());
        assertThat(token.verify(new MACVerifier(ACME.secret().getBytes(StandardCharsets.UTF_8)))).isTrue();
        assertThat(token.getJWTClaimsSet().getIssuer()).isEqualTo(ACME.id());

        // every metric of the webhook door names its connector
        String metrics = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/prometheus")).GET().build()).body();
        assertThat(metrics).containsPattern("hull_connector_decisions_total\\{connector=\"" + ACME.id()
                + "\",direction=\"incoming\",object=\"event\",result=\"success\"[^}]*\\} [1-9]")
                .containsPattern("hull_connector_firehose_calls_total\\{connector=\"" + GLOBEX.id() + "\",outcome=\"2xx\"[^}]*\\} [1-9]");
        // the settings were read once per connector (for /credentials), then kept
        assertThat(HULL.findAll(getRequestedFor(urlEqualTo("/api/v1/app")))).hasSize(2);
        String acmeToken = acmePath.substring(acmePath.lastIndexOf('/') + 1);
        assertThat(output.getAll()).doesNotContain(acmeToken).doesNotContain(ACME.secret()).doesNotContain(GLOBEX.secret());
    }

    @Test
    void aForgedOrForeignTokenIsRefusedAndNothingForwarded(CapturedOutput output) {
        hullKnows(ACME, app(ACME, true, null));
        hullKnows(GLOBEX, app(GLOBEX, true, null));
        String acmePath = webhookPath(ACME);
        String acmeToken = acmePath.substring(acmePath.lastIndexOf('/') + 1);
        byte[] body = webhook("reporting-email-delivered.json", UUID.randomUUID().toString());

        HttpResponse<String> foreign = post("/webhooks/" + GLOBEX.id() + "/" + acmeToken, body, null);
        HttpResponse<String> forged = post("/webhooks/" + ACME.id() + "/" + acmeToken.substring(0, acmeToken.length() - 4) + "AAAA", body, null);
        HttpResponse<String> garbage = post("/webhooks/" + ACME.id() + "/not-a-token", body, null);

        for (HttpResponse<String> answer : List.of(foreign, forged, garbage)) {
            assertThat(answer.statusCode()).isEqualTo(401);
            JsonErrors.assertError(answer.body(), "invalid_webhook_url");
            assertThat(answer.body()).doesNotContain(acmeToken);
        }
        assertThat(HULL.findAll(postRequestedFor(urlEqualTo("/")))).isEmpty();
        assertThat(output.getOut()).contains("\"incoming.request.refused\"").contains("\"invalid_webhook_url\"");
        assertThat(output.getAll()).doesNotContain(acmeToken);
    }

    @Test
    void aPausedConnectorsWebhookIsSkippedAndLogged(CapturedOutput output) {
        hullKnows(ACME, app(ACME, false, null));

        HttpResponse<String> answer = post(webhookPath(ACME), webhook("reporting-email-delivered.json", "paused-event"), null);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(json(answer.body()).path("status").asText()).isEqualTo("skipped");
        assertThat(HULL.findAll(postRequestedFor(urlEqualTo("/")))).isEmpty();
        assertThat(output.getOut()).contains("\"incoming.event.skip\"").contains("accept_incoming_webhooks is false");
    }

    @Test
    void aConnectorsSigningKeyIsChecked() {
        hullKnows(GLOBEX, app(GLOBEX, true, "globex-signing-key"));
        String path = webhookPath(GLOBEX);

        HttpResponse<String> unsigned = post(path, webhook("reporting-email-delivered.json", "unsigned"), null);
        HttpResponse<String> wrong = post(path, webhook("reporting-email-delivered.json", "wrong"), "another-key");
        HttpResponse<String> signed = post(path, webhook("reporting-email-delivered.json", "signed"), "globex-signing-key");

        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        JsonErrors.assertError(wrong.body(), "invalid_signature");
        assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
        assertThat(firehoseOf(GLOBEX)).hasSize(1);
        // a refusal after the token opened names its connector; one whose token did not open names none
        String metrics = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/prometheus")).GET().build()).body();
        assertThat(metrics).containsPattern("connector_requests_refused_total\\{code=\"invalid_signature\",connector=\""
                + GLOBEX.id() + "\",door=\"webhook\"[^}]*\\} [1-9]");
    }

    @Test
    void hullRefusingTheCredentialsIs401AndHullUnreachableIs503() {
        Connector unknown = new Connector("gone.hullapp.io", "5c0fd68ad884d7d2f8000c03", "gone-secret-0123456789abcdef0123");
        HULL.stubFor(get(urlEqualTo("/api/v1/app")).withHeader("Hull-App-Id", equalTo(unknown.id())).atPriority(1)
                .willReturn(aResponse().withStatus(401)));

        HttpResponse<String> refused = credentials(unknown.query());
        assertThat(refused.statusCode()).isEqualTo(401);
        JsonErrors.assertError(refused.body(), "unknown_connector");
        assertThat(credentials("organization=acme.hullapp.io&ship=x").statusCode()).isEqualTo(400);

        hullKnows(ACME, app(ACME, true, null));
        String path = webhookPath(ACME);
        // a new process: nothing kept; Hull down
        HULL.resetAll();
        HULL.stubFor(get(urlEqualTo("/api/v1/app")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        Connector other = new Connector(ACME.organization(), ACME.id(), ACME.secret() + "-rotated");
        HttpResponse<String> down = credentials(other.query());
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(path).isNotBlank();
    }

    @Test
    void aShipUpdateReplacesWhatWasKeptOfTheConnector(CapturedOutput output) {
        hullKnows(ACME, app(ACME, true, null));
        String path = webhookPath(ACME);

        // Hull tells the connector that it is paused now
        ObjectNode notification = fixtureNotification();
        notification.put("channel", "ship:update");
        ObjectNode configuration = (ObjectNode) notification.path("configuration");
        configuration.put("organization", ACME.organization()).put("id", ACME.id()).put("secret", ACME.secret());
        ((ObjectNode) notification.path("connector")).put("accept_incoming_webhooks", false);
        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        HttpResponse<String> answer = post(path, webhook("reporting-email-delivered.json", "after-update"), null);

        assertThat(json(answer.body()).path("status").asText()).isEqualTo("skipped");
        assertThat(HULL.findAll(getRequestedFor(urlEqualTo("/api/v1/app")))).hasSize(1);
    }

    @Test
    void aBackfillOfAnotherConnectorUsesItsCredentialsAndTheSettingsHullGives() throws Exception {
        hullKnows(GLOBEX, "{\"id\":\"" + GLOBEX.id() + "\",\"private_settings\":{\"synchronized_segments\":[\"seg-g\"],"
                + "\"site_id\":\"globex-site\",\"api_key\":\"globex-key\",\"user_id_mapping\":\"email\"}}");
        HULL.stubFor(get(urlEqualTo("/extracts/globex.json")).willReturn(aResponse().withStatus(200).withBody(
                "{\"id\":\"g1\",\"email\":\"one@globex.com\",\"segment_ids\":[\"seg-g\"]}\n"
                        + "{\"id\":\"g2\",\"email\":\"two@globex.com\",\"segment_ids\":[\"seg-other\"]}\n")));
        String body = "{\"url\":\"" + HULL.baseUrl() + "/extracts/globex.json\",\"format\":\"json\",\"object_type\":\"user_report\"}";

        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/batch?" + GLOBEX.query()))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(firehoseOf(GLOBEX)).hasSize(1));
        List<LoggedRequest> puts = CUSTOMERIO.findAll(com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl()));
        assertThat(puts).extracting(LoggedRequest::getUrl).containsExactly("/api/v1/customers/one%40globex.com");
        assertThat(puts.get(0).getHeader("Authorization")).isEqualTo(io.hull.customerio.support.BasicAuth.of("globex-site", "globex-key"));

        Connector unknown = new Connector("gone.hullapp.io", "5c0fd68ad884d7d2f8000d04", "unknown-secret-0123456789abcdef0");
        HULL.stubFor(get(urlEqualTo("/api/v1/app")).withHeader("Hull-App-Id", equalTo(unknown.id())).atPriority(1)
                .willReturn(aResponse().withStatus(404)));
        HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/batch?" + unknown.query()))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(refused.statusCode()).isEqualTo(401);
    }

    @Test
    void subscriptionAndDeliverabilityStateBecomeTraitsBesideTheTrackCall() throws Exception {
        hullKnows(ACME, app(ACME, true, null));
        String path = webhookPath(ACME);

        assertThat(post(path, webhook("reporting-customer-unsubscribed.json", "unsub-1"), null).statusCode()).isEqualTo(200);

        List<JsonNode> entries = firehoseOf(ACME).get(0);
        assertThat(entries).extracting(e -> e.path("type").asText()).containsExactly("track", "traits");
        JsonNode traits = entries.get(1).path("body");
        assertThat(traits.path("customerio/unsubscribed").asBoolean()).isTrue();
        assertThat(traits.path("customerio/unsubscribed_at").asText()).isEqualTo("2021-02-11T17:20:00Z");
        assertThat(SignedJWT.parse(entries.get(1).path("headers").path("Hull-Access-Token").asText()).getJWTClaimsSet()
                .getJSONObjectClaim("io.hull.asUser")).isEqualTo(SignedJWT.parse(entries.get(0).path("headers")
                .path("Hull-Access-Token").asText()).getJWTClaimsSet().getJSONObjectClaim("io.hull.asUser"));
    }
}
