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

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.hull.customerio.support.HullNotifierKeys;
import io.hull.customerio.support.RawHttp;
import io.hull.customerio.support.SeparateConnector;
import io.hull.customerio.support.TestNotifications;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

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
    static void start() {
        customerIo = new WireMockServer(options().dynamicPort());
        customerIo.start();
        hull = new WireMockServer(options().dynamicPort());
        hull.start();
        notifier = new HullNotifierKeys();
        connector = SeparateConnector.start("secrets-in-logs-test", List.of("-Xmx256m"), arguments());
    }

    /** Every secret there is to configure, and everything logged, at the most detailed level. */
    private static List<String> arguments() {
        return List.of(
                "--logging.level.root=TRACE",
                "--customerio.track-url=" + customerIo.baseUrl(),
                "--customerio.site-id=" + CONFIG_SITE,
                "--customerio.api-key=" + CONFIG_API_KEY,
                "--customerio.retry.max-attempts=2",
                "--customerio.retry.initial-backoff=10ms",
                "--customerio.webhook.token=" + WEBHOOK_TOKEN,
                "--customerio.webhook.signing-key=" + SIGNING_KEY,
                "--hull.organization=" + ORGANIZATION,
                "--hull.connector-id=" + CONNECTOR_ID,
                "--hull.secret=" + HULL_SECRET,
                "--hull.firehose-url=" + hull.baseUrl(),
                "--hull.api-url=" + hull.baseUrl(),
                "--hull.notifier.public-key=" + notifier.publicKeyLocation(),
                "--hull.batch.allowed-hosts=localhost",
                "--connector.settings.synchronized-segments=hull-users",
                // and an access log, with the pattern application.yaml gives it
                "--server.tomcat.accesslog.enabled=true",
                "--server.tomcat.accesslog.directory=" + ACCESS_LOGS.toAbsolutePath(),
                "--server.tomcat.accesslog.buffered=false");
    }

    private static final java.nio.file.Path ACCESS_LOGS = java.nio.file.Path.of("target", "secrets-in-logs-test-access");

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
        EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 1, "secrets-users", "secrets-users.dlq",
                "secrets-webhooks", "secrets-webhooks.dlq");
        kafka.afterPropertiesSet();
        List<String> arguments = new ArrayList<>(arguments());
        arguments.addAll(List.of("--connector.transport=kafka", "--camel.component.kafka.brokers=" + kafka.getBrokersAsString(),
                "--connector.kafka.user-topic=secrets-users", "--connector.kafka.webhook-topic=secrets-webhooks",
                "--connector.kafka.group-id=secrets-test"));
        try (SeparateConnector kafkaMode = SeparateConnector.start("secrets-in-logs-test-kafka", List.of("-Xmx256m"), arguments)) {
            sendSigned(kafkaMode, notificationWithSecrets(2));
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
        try (var files = java.nio.file.Files.list(ACCESS_LOGS)) {
            for (java.nio.file.Path file : files.toList()) {
                lines.addAll(java.nio.file.Files.readAllLines(file));
            }
        } catch (java.io.IOException noAccessLogYet) {
            throw new java.io.UncheckedIOException(noAccessLogYet);
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
        // sent, with an event; Customer.io failing once, then refusing; Hull failing the write-back
        sendSigned(notificationWithSecrets(3));
        customerIo.stubFor(put(urlPathMatching("/api/v1/customers/.*")).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("recovered"));
        customerIo.stubFor(put(urlPathMatching("/api/v1/customers/.*")).inScenario("flaky").whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200).withBody("{}")));
        sendSigned(notificationWithSecrets(1));
        customerIo.stubFor(put(urlPathMatching("/api/v1/customers/.*")).willReturn(aResponse().withStatus(401)
                .withBody("{\"meta\":{\"error\":\"Unauthorized request\"}}")));
        sendSigned(notificationWithSecrets(1));
        customerIo.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
        hull.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(500)));
        sendSigned(notificationWithSecrets(1));
        hull.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));

        // refused: a form body, no signature, a reused signature, a malformed query
        ObjectNode notification = notificationWithSecrets(1);
        byte[] body = JSON.writeValueAsBytes(notification);
        for (String form : List.of("application/x-www-form-urlencoded", "application/x-www-form-urlencoded+json",
                "application/json; x=application/x-www-form-urlencoded")) {
            RawHttp.send(connector.port(), "POST", "/smart-notifier", Map.of("Content-Type", form), body);
            RawHttp.send(connector.port(), "POST", "/smart-notifier", Map.of("Content-Type", form,
                    "X-Hull-Smart-Notifier-Signature", notifier.sign(notification.path("notification_id").asText()),
                    "X-Hull-Smart-Notifier-Signature-Version", "v1"), body);
        }
        RawHttp.send(connector.port(), "POST", "/smart-notifier", Map.of("Content-Type", "application/json"), body);
        String signature = notifier.sign(notification.path("notification_id").asText());
        RawHttp.send(connector.port(), "POST", "/smart-notifier", signed(signature), body);
        notification.with("configuration").put("organization", "other.hullapp.io");
        RawHttp.send(connector.port(), "POST", "/smart-notifier", signed(signature), JSON.writeValueAsBytes(notification));
        RawHttp.send(connector.port(), "POST", "/smart-notifier?x=%zz", signed(signature), body);
    }

    private static byte[] webhook() throws Exception {
        return JSON.writeValueAsBytes(JSON.readTree(SecretsInLogsTest.class.getClassLoader()
                .getResourceAsStream("fixtures/customerio/reporting-email-delivered.json")));
    }

    private static Map<String, String> webhookHeaders(byte[] webhook) throws Exception {
        String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
        return Map.of("Content-Type", "application/json", "X-CIO-Timestamp", timestamp, "X-CIO-Signature", hmac(timestamp, webhook));
    }

    private static void sendWebhook(SeparateConnector connector) throws Exception {
        byte[] webhook = webhook();
        assertThat(RawHttp.send(connector.port(), "POST", "/webhook?token=" + URLEncoder.encode(WEBHOOK_TOKEN, StandardCharsets.UTF_8),
                webhookHeaders(webhook), webhook).status()).isEqualTo(200);
    }

    private void webhookScenarios() throws Exception {
        byte[] webhook = webhook();
        String token = URLEncoder.encode(WEBHOOK_TOKEN, StandardCharsets.UTF_8);
        Map<String, String> headers = webhookHeaders(webhook);
        sendWebhook(connector);
        RawHttp.send(connector.port(), "POST", "/webhook?token=" + token + "x", headers, webhook);
        RawHttp.send(connector.port(), "POST", "/webhook?token=" + token + "%zz", headers, webhook);
        RawHttp.send(connector.port(), "POST", "/webhook?token=" + token + "&a[]=1", headers, webhook);
        RawHttp.send(connector.port(), "POST", "/webhook?token=" + token + "&x=%C3", headers, webhook);
        for (String form : List.of("application/x-www-form-urlencoded", "application/x-www-form-urlencoded+json")) {
            RawHttp.send(connector.port(), "POST", "/webhook?token=" + token, Map.of("Content-Type", form),
                    ("token=" + token + "&" + new String(webhook, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        }
        RawHttp.send(connector.port(), "GET", "/webhook?token=" + token, Map.of(), null);
        RawHttp.send(connector.port(), "POST", "/webhooks?token=" + token, headers, webhook);
        hull.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(401)));
        RawHttp.send(connector.port(), "POST", "/webhook?token=" + token, headers, webhook);
        hull.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
    }

    private void statusAndBatchScenarios() throws Exception {
        RawHttp.send(connector.port(), "GET", "/status", Map.of(), null);
        customerIo.stubFor(get(urlPathMatching("/api/v1/accounts/region")).willReturn(aResponse().withStatus(401)));
        RawHttp.send(connector.port(), "GET", "/status", Map.of(), null);
        customerIo.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));

        String extract = "{\"id\":\"batch-hull-id\",\"external_id\":\"batch-user\",\"email\":\"batch@example.com\",\"segment_ids\":[\"hull-users\"]}\n";
        customerIo.stubFor(get(urlEqualTo("/extracts/users.json")).willReturn(aResponse().withStatus(200).withBody(extract)));
        String query = "organization=" + ORGANIZATION + "&ship=" + CONNECTOR_ID + "&secret="
                + URLEncoder.encode(HULL_SECRET, StandardCharsets.UTF_8);
        byte[] batch = JSON.writeValueAsBytes(Map.of("url", customerIo.baseUrl() + "/extracts/users.json", "format", "json",
                "object_type", "user_report"));
        assertThat(RawHttp.send(connector.port(), "POST", "/batch?" + query, Map.of("Content-Type", "application/json"), batch)
                .status()).isEqualTo(202);
        RawHttp.send(connector.port(), "POST", "/batch?" + query + "x", Map.of("Content-Type", "application/json"), batch);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                customerIo.findAll(putRequestedFor(urlPathMatching("/api/v1/customers/batch.*"))).size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                connector.lines().stream().anyMatch(line -> line.contains("outgoing.job.success")));
    }

    // --- helpers

    private static ObjectNode notificationWithSecrets(int users) {
        ObjectNode notification = TestNotifications.forSite(NOTIFICATION_SITE, users);
        ObjectNode configuration = notification.with("configuration");
        configuration.put("organization", ORGANIZATION).put("id", CONNECTOR_ID).put("secret", NOTIFICATION_HULL_SECRET);
        ObjectNode settings = notification.with("connector").with("private_settings");
        settings.put("api_key", NOTIFICATION_API_KEY).putArray("synchronized_segments")
                .add(notification.path("messages").get(0).path("segments").get(0).path("id").asText());
        return notification;
    }

    private void sendSigned(ObjectNode notification) throws Exception {
        sendSigned(connector, notification);
    }

    private static void sendSigned(SeparateConnector connector, ObjectNode notification) throws Exception {
        RawHttp.send(connector.port(), "POST", "/smart-notifier", signed(notifier.sign(notification.path("notification_id").asText())),
                JSON.writeValueAsBytes(notification));
    }

    private static Map<String, String> signed(String signature) {
        return Map.of("Content-Type", "application/json", "X-Hull-Smart-Notifier-Signature", signature,
                "X-Hull-Smart-Notifier-Signature-Version", "v1");
    }

    private static String hmac(String timestamp, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SIGNING_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(mac.doFinal(body));
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
