package io.hull.customerio.operations;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.hull.customerio.support.Backfills;
import io.hull.customerio.support.HullNotifierKeys;
import io.hull.customerio.support.RawHttp;
import io.hull.customerio.support.SeparateConnector;
import io.hull.customerio.support.TestNotifications;
import io.hull.customerio.support.WebhookSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.util.FileSystemUtils;

/**
 * No secret in any log line at any level: the connector runs at {@code logging.level.root=DEBUG} in a process of
 * its own, goes through the scenarios of both doors (successes, retries, refusals, hostile input, status, a
 * backfill), and every line it wrote is scanned for every secret, configured or carried by a notification, and
 * its encodings (URL, JSON-escaped at any depth, Base64, the Basic form of the API keys).
 * <p>
 * Each secret has a random core of letters and digits between characters that encodings change, so that a core
 * found in any line, however escaped, is a leak.
 */
class SecretsInLogsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String CONFIG_SITE = "config-site";
    private static final String CONFIG_API_KEY = secret("cio-key+/");
    private static final String HULL_SECRET = secret("hull\"secret/");
    private static final String WEBHOOK_TOKEN = secret("tok&en+");
    private static final String SIGNING_KEY = secret("sig/key=");
    private static final String NOTIFICATION_SITE = "notified-site";
    private static final String NOTIFICATION_API_KEY = secret("notified+key/");
    private static final String NOTIFICATION_HULL_SECRET = secret("notified\"hull/");
    private static final String ORGANIZATION = "secrets.hullapp.io";
    private static final String CONNECTOR_ID = "secrets-connector";

    private static WireMockServer customerIo;
    private static WireMockServer hull;
    private static HullNotifierKeys notifier;
    private static SeparateConnector connector;

    @BeforeAll
    static void start() throws IOException {
        customerIo = new WireMockServer(options().dynamicPort());
        customerIo.start();
        hull = new WireMockServer(options().dynamicPort());
        hull.start();
        notifier = new HullNotifierKeys();
        connector = launch("secrets-in-logs-test").start();
    }

    /** Every secret there is to configure, and everything logged, at the most detailed level. */
    private static SeparateConnector.Launch launch(String name) throws IOException {
        // an access log of its own, emptied: an earlier run's lines would show requests this one never made
        FileSystemUtils.deleteRecursively(accessLogs(name));
        return SeparateConnector.named(name).customerIo(customerIo).hull(hull).notifier(notifier)
                .set("logging.level.root", "TRACE")
                .set("customerio.site-id", CONFIG_SITE)
                .set("customerio.api-key", CONFIG_API_KEY)
                .set("customerio.retry.max-attempts", "2")
                .set("customerio.retry.initial-backoff", "10ms")
                .set("customerio.webhook.token", WEBHOOK_TOKEN)
                .set("customerio.webhook.signing-key", SIGNING_KEY)
                .hullCredentials(ORGANIZATION, CONNECTOR_ID, HULL_SECRET)
                .set("hull.batch.allowed-hosts", "localhost")
                .set("connector.settings.synchronized-segments", "hull-users")
                // and an access log, with the pattern application.yaml gives it
                .set("server.tomcat.accesslog.enabled", "true")
                .set("server.tomcat.accesslog.directory", accessLogs(name).toAbsolutePath().toString())
                .set("server.tomcat.accesslog.buffered", "false");
    }

    private static Path accessLogs(String connectorName) {
        return Path.of("target", connectorName + "-access");
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.close();
        }
        customerIo.stop();
        hull.stop();
    }

    @Test
    void noSecretIsInAnyLineAtTrace() throws Exception {
        customerIo.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
        hull.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));

        notifierScenarios();
        webhookScenarios();
        statusAndBatchScenarios();

        List<String> lines = connector.lines();
        assertThat(lines).as("the scenarios ran").anyMatch(line -> line.contains("outgoing.user.success"))
                .anyMatch(line -> line.contains("incoming.event.success"))
                .anyMatch(line -> line.contains("outgoing.job.success"));
        assertNoSecretIn(connector);
    }

    @Test
    void noSecretIsInAnyLineAtTraceInKafkaMode() throws Exception {
        customerIo.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
        hull.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
        EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 1, SeparateConnector.userTopic("secrets"),
                SeparateConnector.userTopic("secrets") + ".dlq", SeparateConnector.webhookTopic("secrets"),
                SeparateConnector.webhookTopic("secrets") + ".dlq");
        kafka.afterPropertiesSet();
        try (SeparateConnector kafkaMode = launch("secrets-in-logs-test-kafka").kafka(kafka.getBrokersAsString(), "secrets").start()) {
            expect(200, sendSigned(kafkaMode, notificationWithSecrets("kafka", 2)));
            sendWebhook(kafkaMode);
            // the webhook's track call, made by its consumer
            await().atMost(Duration.ofSeconds(30)).until(() -> hull.findAll(postRequestedFor(urlEqualTo("/"))).stream()
                    .anyMatch(request -> request.getBodyAsString().contains("\"type\":\"track\"")));
            await().atMost(Duration.ofSeconds(30)).until(() -> kafkaMode.lines().stream()
                    .filter(line -> line.contains("outgoing.user.success")).count() == 2);
            assertNoSecretIn(kafkaMode);
        } finally {
            kafka.destroy();
        }
    }

    private static void assertNoSecretIn(SeparateConnector connector) {
        List<String> lines = new ArrayList<>(connector.lines());
        try (var files = Files.list(accessLogs(connector.name()))) {
            for (Path file : files.toList()) {
                lines.addAll(Files.readAllLines(file));
            }
        } catch (IOException noAccessLogYet) {
            throw new UncheckedIOException(noAccessLogYet);
        }
        assertThat(lines).as("requests were in the access log").anyMatch(line -> line.contains("\"POST /webhook HTTP/1.1\" 200"));
        assertThat(lines).as("the connector logged at TRACE").anyMatch(line -> line.contains("\"level\":\"TRACE\""));
        Map<String, List<String>> forms = forms();
        List<String> leaks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            for (Map.Entry<String, List<String>> secret : forms.entrySet()) {
                for (String form : secret.getValue()) {
                    if (lines.get(i).contains(form)) {
                        leaks.add(secret.getKey() + " in line " + (i + 1) + ": "
                                + lines.get(i).substring(0, Math.min(300, lines.get(i).length())));
                    }
                }
            }
        }
        assertThat(leaks).as("secrets in %s (%d lines)", connector.log(), lines.size()).isEmpty();
    }

    // --- the scenarios

    private void notifierScenarios() throws Exception {
        // sent; Customer.io failing once, then refusing; Hull failing the write-back
        expect(200, sendSigned(notificationWithSecrets("sent", 3)));
        assertThat(putsOf("sent")).isEqualTo(3);
        customerIo.stubFor(put(urlPathMatching("/api/v1/customers/.*")).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("recovered"));
        customerIo.stubFor(put(urlPathMatching("/api/v1/customers/.*")).inScenario("flaky").whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200).withBody("{}")));
        expect(200, sendSigned(notificationWithSecrets("flaky", 1)));
        assertThat(putsOf("flaky")).as("a 500, then the retry").isEqualTo(2);
        customerIo.stubFor(put(urlPathMatching("/api/v1/customers/.*")).willReturn(aResponse().withStatus(401)
                .withBody("{\"meta\":{\"error\":\"Unauthorized request\"}}")));
        expect(200, sendSigned(notificationWithSecrets("refused", 1)));
        assertThat(putsOf("refused")).as("refused for good: not retried").isEqualTo(1);
        customerIo.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
        hull.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(500)));
        expect(503, sendSigned(notificationWithSecrets("hull-down", 1)));
        hull.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));

        // refused: a form body, no signature, a reused signature, a malformed query
        ObjectNode notification = notificationWithSecrets("refusals", 1);
        byte[] body = JSON.writeValueAsBytes(notification);
        String notificationId = notification.path("notification_id").asText();
        for (String form : List.of("application/x-www-form-urlencoded", "application/x-www-form-urlencoded+json",
                "application/json; x=application/x-www-form-urlencoded")) {
            expect(415, RawHttp.send(connector.port(), "POST", "/smart-notifier", Map.of("Content-Type", form), body));
            Map<String, String> signedForm = new java.util.HashMap<>(notifier.signedHeaders(notificationId));
            signedForm.put("Content-Type", form);
            expect(415, RawHttp.send(connector.port(), "POST", "/smart-notifier", signedForm, body));
        }
        expect(401, RawHttp.send(connector.port(), "POST", "/smart-notifier", Map.of("Content-Type", "application/json"), body));
        Map<String, String> signed = notifier.signedHeaders(notificationId);
        expect(200, RawHttp.send(connector.port(), "POST", "/smart-notifier", signed, body));
        notification.with("configuration").put("organization", "other.hullapp.io");
        expect(401, RawHttp.send(connector.port(), "POST", "/smart-notifier", signed, JSON.writeValueAsBytes(notification)));
        expect(400, RawHttp.send(connector.port(), "POST", "/smart-notifier?x=%zz", signed, body));
    }

    private static byte[] webhook() throws Exception {
        return JSON.writeValueAsBytes(JSON.readTree(SecretsInLogsTest.class.getClassLoader()
                .getResourceAsStream("fixtures/customerio/reporting-email-delivered.json")));
    }

    private static void sendWebhook(SeparateConnector connector) throws Exception {
        byte[] webhook = webhook();
        expect(200, RawHttp.send(connector.port(), "POST", "/webhook?token=" + URLEncoder.encode(WEBHOOK_TOKEN, StandardCharsets.UTF_8),
                WebhookSignature.headers(SIGNING_KEY, webhook), webhook));
    }

    private void webhookScenarios() throws Exception {
        byte[] webhook = webhook();
        String token = URLEncoder.encode(WEBHOOK_TOKEN, StandardCharsets.UTF_8);
        Map<String, String> headers = WebhookSignature.headers(SIGNING_KEY, webhook);
        sendWebhook(connector);
        expect(401, RawHttp.send(connector.port(), "POST", "/webhook?token=" + token + "x", headers, webhook));
        expect(400, RawHttp.send(connector.port(), "POST", "/webhook?token=" + token + "%zz", headers, webhook));
        expect(400, RawHttp.send(connector.port(), "POST", "/webhook?token=" + token + "&a[]=1", headers, webhook));
        expect(400, RawHttp.send(connector.port(), "POST", "/webhook?token=" + token + "&x=%C3", headers, webhook));
        for (String form : List.of("application/x-www-form-urlencoded", "application/x-www-form-urlencoded+json")) {
            expect(415, RawHttp.send(connector.port(), "POST", "/webhook?token=" + token, Map.of("Content-Type", form),
                    ("token=" + token + "&" + new String(webhook, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
        }
        expect(405, RawHttp.send(connector.port(), "GET", "/webhook?token=" + token, Map.of(), null));
        expect(404, RawHttp.send(connector.port(), "POST", "/webhooks?token=" + token, headers, webhook));
        hull.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(401)));
        expect(503, RawHttp.send(connector.port(), "POST", "/webhook?token=" + token, headers, webhook));
        hull.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
    }

    private void statusAndBatchScenarios() throws Exception {
        expect(200, RawHttp.send(connector.port(), "GET", "/status", Map.of(), null));
        customerIo.stubFor(get(urlPathMatching("/api/v1/accounts/region")).willReturn(aResponse().withStatus(401)));
        RawHttp.Response refused = RawHttp.send(connector.port(), "GET", "/status", Map.of(), null);
        expect(200, refused);
        assertThat(JSON.readTree(refused.body()).path("status").asText()).isEqualTo("error");
        customerIo.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));

        String extract = "{\"id\":\"batch-hull-id\",\"external_id\":\"batch-user\",\"email\":\"batch@example.com\",\"segment_ids\":[\"hull-users\"]}\n";
        customerIo.stubFor(get(urlEqualTo("/extracts/users.json")).willReturn(aResponse().withStatus(200).withBody(extract)));
        String query = Backfills.query(ORGANIZATION, CONNECTOR_ID, HULL_SECRET);
        byte[] batch = Backfills.body(customerIo.baseUrl() + "/extracts/users.json").getBytes(StandardCharsets.UTF_8);
        expect(202, RawHttp.send(connector.port(), "POST", "/batch?" + query, Map.of("Content-Type", "application/json"), batch));
        expect(401, RawHttp.send(connector.port(), "POST", "/batch?" + query + "x", Map.of("Content-Type", "application/json"), batch));
        await().atMost(Duration.ofSeconds(20)).until(() ->
                customerIo.findAll(putRequestedFor(urlPathMatching("/api/v1/customers/batch.*"))).size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                connector.lines().stream().anyMatch(line -> line.contains("outgoing.job.success")));
    }

    /** The scenario ran as meant: its request was answered {@code status} (a refusal path ran, not another). */
    private static void expect(int status, RawHttp.Response answer) {
        assertThat(answer.status()).as("answer %s", answer.body()).isEqualTo(status);
    }

    // --- helpers

    /**
     * Users of their own for each scenario ({@code <site>-<scenario>-user-<i>}): a user sent before is skipped as
     * unchanged, and the path the scenario is about (a retry, a refusal, a failed write-back) would never run.
     */
    private static ObjectNode notificationWithSecrets(String scenario, int users) {
        ObjectNode notification = TestNotifications.forSite(NOTIFICATION_SITE, users);
        for (JsonNode message : notification.path("messages")) {
            ObjectNode user = (ObjectNode) message.path("user");
            String id = user.path("id").asText().replace(NOTIFICATION_SITE + "-", NOTIFICATION_SITE + "-" + scenario + "-");
            user.put("id", id).put("email", id + "@example.com");
        }
        ObjectNode configuration = notification.with("configuration");
        configuration.put("organization", ORGANIZATION).put("id", CONNECTOR_ID).put("secret", NOTIFICATION_HULL_SECRET);
        ObjectNode settings = notification.with("connector").with("private_settings");
        settings.put("api_key", NOTIFICATION_API_KEY).putArray("synchronized_segments")
                .add(notification.path("messages").get(0).path("segments").get(0).path("id").asText());
        return notification;
    }

    /** The PUTs Customer.io received for the users of a scenario. */
    private static int putsOf(String scenario) {
        return customerIo.findAll(putRequestedFor(urlPathMatching("/api/v1/customers/" + NOTIFICATION_SITE + "-" + scenario + "-user-.*"))).size();
    }

    private RawHttp.Response sendSigned(ObjectNode notification) throws Exception {
        return sendSigned(connector, notification);
    }

    private static RawHttp.Response sendSigned(SeparateConnector connector, ObjectNode notification) throws Exception {
        return RawHttp.send(connector.port(), "POST", "/smart-notifier",
                notifier.signedHeaders(notification.path("notification_id").asText()), JSON.writeValueAsBytes(notification));
    }

    /** Characters that encodings change, a random core, more of them. */
    private static String secret(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "") + "=&\"";
    }

    private static String core(String secret) {
        java.util.regex.Matcher core = java.util.regex.Pattern.compile("[0-9a-f]{32}").matcher(secret);
        assertThat(core.find()).isTrue();
        return core.group();
    }

    /** Every form in which a secret could show: its core (raw, URL-encoded, escaped), Base64, the Basic form. */
    private static Map<String, List<String>> forms() {
        Map<String, List<String>> forms = new LinkedHashMap<>();
        Map<String, String> secrets = Map.of("customerio.api-key", CONFIG_API_KEY, "hull.secret", HULL_SECRET,
                "customerio.webhook.token", WEBHOOK_TOKEN, "customerio.webhook.signing-key", SIGNING_KEY,
                "notification api_key", NOTIFICATION_API_KEY, "notification configuration.secret", NOTIFICATION_HULL_SECRET);
        secrets.forEach((name, secret) -> forms.put(name, List.of(core(secret), base64(secret), base64Url(secret))));
        forms.put("Basic form of customerio.api-key", basicForms(CONFIG_SITE, CONFIG_API_KEY));
        forms.put("Basic form of the notification api_key", basicForms(NOTIFICATION_SITE, NOTIFICATION_API_KEY));
        return forms;
    }

    private static List<String> basicForms(String site, String key) {
        String basic = base64(site + ":" + key);
        // and the part of it that encodes the key alone, whatever precedes it
        return List.of(basic, basic.substring(basic.length() / 2));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String base64Url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
