package io.hull.customerio.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.hull.customerio.support.SeparateConnector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connector started with wrong settings, as an operator starts it: it exits non-zero, and says each wrong setting
 * in one ERROR line (the setting, what is wrong, how to fix it), with no stack trace and no secret.
 */
class StartupErrorsTest {

    private static final String API_KEY = "startup-errors-api-key-4711";
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(90);

    @Test
    void aPublicKeyPathWithoutFilePrefixThatDoesNotExist(@TempDir Path directory) {
        Path missing = directory.resolve("nope.pem");

        SeparateConnector.Exit exit = SeparateConnector.named("startup-missing-key")
                .set("hull.notifier.public-key", missing.toString()).set("customerio.api-key", API_KEY).exit(EXIT_WITHIN);

        assertThat(exit.code()).isNotZero();
        assertThat(errorLines(exit)).singleElement().asString()
                .contains("wrong setting hull.notifier.public-key: there is no file at file:" + missing)
                .contains("give the PEM file of Hull's public key");
        assertNoTraceNorSecret(exit);
    }

    @Test
    void everyWrongSettingIsOneLineAtOnce(@TempDir Path directory) throws Exception {
        Path notPem = Files.writeString(directory.resolve("key.pem"), "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n");
        Path privateKey = Files.writeString(directory.resolve("private.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");

        SeparateConnector.Exit bad = SeparateConnector.named("startup-bad-pem")
                .set("hull.notifier.public-key", "file:" + notPem).exit(EXIT_WITHIN);
        assertThat(errorLines(bad)).singleElement().asString()
                .contains("hull.notifier.public-key: file:" + notPem + " is not a PEM file");

        SeparateConnector.Exit exit = SeparateConnector.named("startup-many-wrong")
                .set("hull.notifier.public-key", privateKey.toString())
                .set("connector.transport", "kafak")
                .set("customerio.api", "v3")
                .set("customerio.retry.max-elapsed", "fifteen seconds")
                .set("customerio.webhook.max-body-size", "1 megabyte")
                .set("customerio.rate-limit", "0")
                .set("customerio.webhook.batch-size", "101")
                .set("customerio.track-url", "track-eu.customer.io")
                .set("customerio.api-key", API_KEY).exit(EXIT_WITHIN);

        assertThat(exit.code()).isNotZero();
        List<String> errors = errorLines(exit);
        assertThat(errors).hasSize(8);
        assertThat(String.join("\n", errors))
                .contains("hull.notifier.public-key: file:" + privateKey + " holds a private key, not a public key")
                .contains("connector.transport: 'kafak' is not one of direct, kafka; set it to direct or kafka")
                .contains("customerio.api: 'v3' is not one of v1, v2-batch")
                .contains("customerio.retry.max-elapsed: 'fifteen seconds' is not a duration; write it like 500ms, 15s")
                .contains("customerio.webhook.max-body-size: '1 megabyte' is not a size")
                .contains("customerio.rate-limit: 0 is less than 1")
                .contains("customerio.webhook.batch-size: must be between 1 and 100")
                .contains("customerio.track-url: is not an http(s) URL");
        assertNoTraceNorSecret(exit);
    }

    @Test
    void withoutAPublicKeyItStartsAndStatusSaysEveryNotificationIsRefused() throws Exception {
        try (SeparateConnector connector = SeparateConnector.named("startup-no-public-key")
                .set("hull.notifier.public-key", "").set("customerio.webhook.token", "startup-token").start()) {
            HttpClient http = HttpClient.newHttpClient();
            String status = http.send(HttpRequest.newBuilder(URI.create(connector.baseUrl() + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(status).contains("\"status\":\"error\"")
                    .contains("{\"door\":\"POST /smart-notifier\",\"status\":401,\"setting\":\"hull.notifier.public-key\"")
                    .contains("Every POST /smart-notifier is refused 401");

            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(connector.baseUrl() + "/smart-notifier"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(connector.lines()).anyMatch(line -> line.contains("\"message\":\"incoming.request.refused\"")
                    && line.contains("\"door\":\"smart-notifier\"") && line.contains("hull.notifier.public-key"));

            // no Hull credentials: every authenticated webhook is 503, so Customer.io sends it again once they are set;
            // /status says so once one came (a deployment may take webhooks on connectors' own URLs only)
            assertThat(status).doesNotContain("{\"door\":\"POST /webhook\"");
            HttpResponse<String> webhook = http.send(HttpRequest.newBuilder(URI.create(connector.baseUrl() + "/webhook?token=startup-token"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"event_id\":\"01STARTUP\",\"object_type\":\"email\",\"metric\":\"sent\",\"data\":{\"customer_id\":\"c1\"}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(webhook.statusCode()).isEqualTo(503);
            assertThat(webhook.body()).contains("hull_not_configured");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(connector.baseUrl() + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).contains("{\"door\":\"POST /webhook\",\"status\":503");
        }
    }

    private static List<String> errorLines(SeparateConnector.Exit exit) {
        return exit.lines().stream().filter(line -> line.contains("\"level\":\"ERROR\"")).toList();
    }

    private static void assertNoTraceNorSecret(SeparateConnector.Exit exit) {
        String all = String.join("\n", exit.lines());
        assertThat(all).doesNotContain("stack_trace").doesNotContain("Application run failed")
                .doesNotContain("APPLICATION FAILED TO START").doesNotContain("\tat ").doesNotContain(API_KEY);
        assertThat(errorLines(exit)).allMatch(line -> line.contains("\"message\":\"wrong setting "));
    }
}
