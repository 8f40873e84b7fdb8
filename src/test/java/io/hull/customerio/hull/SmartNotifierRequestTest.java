package io.hull.customerio.hull;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.hull.customerio.support.JsonErrors;
import io.hull.customerio.support.ConnectorTestSupport;
import io.hull.customerio.support.HullNotifierKeys;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Requests to /smart-notifier that must be refused as a whole, before anything is sent anywhere. */
class SmartNotifierRequestTest extends ConnectorTestSupport {

    @AfterEach
    void nothingWasSent() {
        assertThat(CUSTOMERIO.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertThat(HULL.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void aMissingSignatureIs401() throws Exception {
        HttpResponse<String> response = postNotification(JSON.writeValueAsBytes(fixtureNotification()), null);

        assertUnauthorized(response);
    }

    @Test
    void aSignatureFromAnotherKeyIs401() throws Exception {
        RSAKey otherKey = new RSAKeyGenerator(2048).generate();
        ObjectNode notification = fixtureNotification();
        String signature = HullNotifierKeys.signWith(otherKey, notification.path("notification_id").asText(),
                new Date(System.currentTimeMillis() + 60_000));

        assertUnauthorized(postNotification(JSON.writeValueAsBytes(notification), signature));
    }

    @Test
    void aSignatureForAnotherNotificationIs401() throws Exception {
        assertUnauthorized(postNotification(JSON.writeValueAsBytes(fixtureNotification()), NOTIFIER.sign("another-notification")));
    }

    @Test
    void anExpiredSignatureIs401() throws Exception {
        ObjectNode notification = fixtureNotification();
        String signature = HullNotifierKeys.signWith(NOTIFIER.key(), notification.path("notification_id").asText(),
                new Date(System.currentTimeMillis() - 3_600_000));

        assertUnauthorized(postNotification(JSON.writeValueAsBytes(notification), signature));
    }

    @Test
    void aMalformedSignatureIs401() throws Exception {
        assertUnauthorized(postNotification(JSON.writeValueAsBytes(fixtureNotification()), "not-a-jwt"));
    }

    @Test
    void aSignatureVersionOtherThanV1Is401() throws Exception {
        ObjectNode notification = fixtureNotification();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/smart-notifier"))
                .header("Content-Type", "application/json")
                .header("X-Hull-Smart-Notifier-Signature", NOTIFIER.sign(notification.path("notification_id").asText()))
                .header("X-Hull-Smart-Notifier-Signature-Version", "v2")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(notification)))
                .build();

        assertUnauthorized(send(request));
    }

    @Test
    void aBodyThatIsNotJsonIs400() {
        assertBadRequest(postNotification("{not json".getBytes(StandardCharsets.UTF_8), NOTIFIER.sign(java.util.UUID.randomUUID().toString())), "invalid_json");
    }

    @Test
    void aNotificationWithoutConfigurationIs400() throws Exception {
        ObjectNode notification = fixtureNotification();
        notification.remove("configuration");

        assertBadRequest(postNotification(notification), "missing_configuration");
    }

    @Test
    void messagesThatAreNotAListAre400() throws Exception {
        ObjectNode notification = fixtureNotification();
        notification.put("messages", "nope");

        assertBadRequest(postNotification(notification), "invalid_messages");
    }

    @Test
    void aMessageThatIsNotAnObjectIs400() throws Exception {
        ObjectNode notification = fixtureNotification();
        notification.withArray("messages").add("not a message");

        assertBadRequest(postNotification(notification), "invalid_messages");
    }

    @Test
    void aBodyThatIsAJsonListIs400() {
        assertBadRequest(postNotification("[{}]".getBytes(StandardCharsets.UTF_8), NOTIFIER.sign(java.util.UUID.randomUUID().toString())), "invalid_body");
    }

    @Test
    void contentAfterTheNotificationIs400() throws Exception {
        ObjectNode notification = fixtureNotification();
        byte[] json = JSON.writeValueAsBytes(notification);
        byte[] body = java.util.Arrays.copyOf(json, json.length + 3);
        body[json.length] = ' ';
        body[json.length + 1] = '{';
        body[json.length + 2] = '}';

        assertBadRequest(postNotification(body, NOTIFIER.sign(notification.path("notification_id").asText())),
                "invalid_json");
    }

    @Test
    void invalidJsonInsideAPartTheConnectorSkipsIs400() throws Exception {
        // changes are never read (NotificationParser), but they are still checked as JSON
        ObjectNode notification = fixtureNotification();
        String text = JSON.writeValueAsString(notification).replaceFirst("\"changes\":\\{", "\"changes\":{:");

        assertThat(text).contains("\"changes\":{:");
        assertBadRequest(postNotification(text.getBytes(StandardCharsets.UTF_8),
                NOTIFIER.sign(notification.path("notification_id").asText())), "invalid_json");
    }

    @Test
    void aBodyOverTheSizeLimitIs413() {
        byte[] body = new byte[33 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        body[body.length - 1] = '}';

        HttpResponse<String> response = postNotification(body, NOTIFIER.sign(java.util.UUID.randomUUID().toString()));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(JsonErrors.code(response.body())).isEqualTo("payload_too_large");
    }

    private static void assertUnauthorized(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(401);
        JsonErrors.assertError(response.body(), "invalid_signature");
    }

    private static void assertBadRequest(HttpResponse<String> response, String code) {
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonErrors.assertError(response.body(), code);
    }
}
