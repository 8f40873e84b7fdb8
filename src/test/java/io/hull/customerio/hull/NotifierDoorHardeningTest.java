package io.hull.customerio.hull;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hull.customerio.support.JsonErrors;
import io.hull.customerio.support.ConnectorTestSupport;
import io.hull.customerio.support.RawHttp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * /smart-notifier as an attacker or a careless sender would try it, over real HTTP, byte for byte: every answer
 * is the connector's JSON error, never HTML nor a 5xx, nothing is sent on, and no secret of the body is logged.
 */
@ExtendWith(OutputCaptureExtension.class)
class NotifierDoorHardeningTest extends ConnectorTestSupport {

    private static final String SECRET = "hull-secret-" + UUID.randomUUID();
    private static final String API_KEY = "cio-api-key-" + UUID.randomUUID();

    /** The fixture with credentials in it, as Hull sends them. */
    private static ObjectNode notificationWithSecrets() {
        ObjectNode notification = fixtureNotification();
        notification.with("configuration").put("secret", SECRET);
        notification.with("connector").with("private_settings").put("site_id", "site-1").put("api_key", API_KEY);
        return notification;
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "text/plain", "application/xml",
            "application/x-www-form-urlencoded+json", "application/json; x=application/x-www-form-urlencoded"})
    void aBodyOfAnotherTypeIs415InJsonAndNeitherParsedNorLogged(String contentType, CapturedOutput output) throws Exception {
        byte[] body = JSON.writeValueAsBytes(notificationWithSecrets());

        RawHttp.Response answer = RawHttp.send(port, "POST", "/smart-notifier", Map.of("Content-Type", contentType), body);

        assertThat(answer.status()).isEqualTo(415);
        assertJsonError(answer, "unsupported_media_type");
        assertThat(output.getAll()).doesNotContain(SECRET).doesNotContain(API_KEY).containsPattern("incoming.request.refused.*\"door\":\"smart-notifier\".*\"status\":415");
        assertNothingSent();
    }

    @Test
    void anUnknownPathIs404InTheConnectorsShape() {
        RawHttp.Response answer = RawHttp.send(port, "GET", "/nothing-here", Map.of(), null);

        assertThat(answer.status()).isEqualTo(404);
        assertJsonError(answer, "not_found");
    }

    @Test
    void aWrongMethodIs405InTheConnectorsShape() {
        RawHttp.Response answer = RawHttp.send(port, "GET", "/smart-notifier", Map.of(), null);

        assertThat(answer.status()).isEqualTo(405);
        assertThat(answer.header("Allow")).contains("POST");
        assertJsonError(answer, "method_not_allowed");
    }

    @Test
    void rawBracketsInTheQueryAre400InJsonAndTheQueryIsNotLogged(CapturedOutput output) {
        RawHttp.Response answer = RawHttp.send(port, "POST", "/smart-notifier?token[]=" + SECRET,
                Map.of("Content-Type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(answer.status()).isEqualTo(400);
        assertJsonError(answer, "invalid_request_target");
        assertThat(output.getAll()).doesNotContain(SECRET).containsPattern("incoming.request.refused.*\"status\":400,\"code\":\"invalid_request_target\"");
    }

    @Test
    void aOneMegabyteHeaderIs400InJson() {
        RawHttp.Response answer = RawHttp.send(port, "POST", "/smart-notifier",
                Map.of("Content-Type", "application/json", "X-Big", "a".repeat(1_000_000)), "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(answer.status()).isEqualTo(400);
        assertJsonError(answer, "headers_too_large");
    }

    @Test
    void aRequestLineThatIsNotHttpIs400InJson() {
        RawHttp.Response answer = RawHttp.exchange(port, "GARBAGE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(answer.status()).isEqualTo(400);
        assertJsonError(answer, "invalid_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/smart-notifier;x=1", "/smart%2Dnotifier", "//smart-notifier", "/./smart-notifier"})
    void aPathThatIsNotPlainIs400InvalidPath(String path) throws Exception {
        ObjectNode notification = notificationWithSecrets();
        RawHttp.Response answer = RawHttp.send(port, "POST", path, NOTIFIER.signedHeaders(notification.path("notification_id").asText()),
                JSON.writeValueAsBytes(notification));

        assertThat(answer.status()).isEqualTo(400);
        assertJsonError(answer, "invalid_path");
        assertNothingSent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"x=%zz", "x=%", "x=%ff", "token=" + "abc%4"})
    void aMalformedPercentEscapeInTheQueryIs400BeforeAnythingElse(String query, CapturedOutput output) {
        RawHttp.Response answer = RawHttp.send(port, "POST", "/smart-notifier?" + query,
                Map.of("Content-Type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(answer.status()).isEqualTo(400);
        assertJsonError(answer, "invalid_query");
        assertThat(output.getAll()).doesNotContain("Character decoding failed");
    }

    // --- wrong data in an authenticated notification

    @ParameterizedTest
    @ValueSource(strings = {"sven\u0000@hull.io", "sven@hull.io\n", "\u0085sven@hull.io"})
    void anIdWithControlCharactersIsSkippedWithItsReason(String email, CapturedOutput output) {
        ObjectNode notification = fixtureNotification();
        ((ObjectNode) notification.path("messages").get(0).path("user")).put("email", email);

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(output.getAll()).contains("outgoing.user.skip").contains("the value of the id attribute 'email' holds control characters");
        assertNothingSent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "1e20", "true"})
    void aNumberThatIsNotWholeOrABooleanIsNoId(String id, CapturedOutput output) throws Exception {
        ObjectNode notification = fixtureNotification();
        ((ObjectNode) notification.path("messages").get(0).path("user")).set("email", JSON.readTree(id));

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(output.getAll()).contains("no value for the id attribute 'email'");
        assertThat(CUSTOMERIO.findAll(putRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void aWholeNumberIsAnIdOfItsDigits() {
        ObjectNode notification = fixtureNotification();
        ((ObjectNode) notification.path("messages").get(0).path("user")).put("email", new java.math.BigInteger("12345678901234567890"));

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.findAll(putRequestedFor(anyUrl())).get(0).getUrl()).isEqualTo("/api/v1/customers/12345678901234567890");
    }

    @Test
    void anIdOf900KilobytesIsNotSent(CapturedOutput output) {
        ObjectNode notification = fixtureNotification();
        ((ObjectNode) notification.path("messages").get(0).path("user")).put("email", "x".repeat(900 * 1024) + "@hull.io");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(output.getAll()).contains("more than max_identifier_value_length");
        assertNothingSent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"Infinity\"", "\"yesterday\"", "\"\"", "\"-000001-01-01T00:00:00Z\"", "\"1969-12-31T23:59:59Z\"",
            "\"10000-01-01T00:00:00Z\"", "1e20", "-5", "1.5", "true", "{}"})
    void aCreatedAtThatIsNoDateIsLeftOutOfTheIdentifyAndSaidSo(String createdAt, CapturedOutput output) throws Exception {
        ObjectNode notification = fixtureNotification();
        ((ObjectNode) notification.path("messages").get(0).path("user")).set("created_at", JSON.readTree(createdAt));

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        List<LoggedRequest> puts = CUSTOMERIO.findAll(putRequestedFor(anyUrl()));
        assertThat(puts).hasSize(1);
        assertThat(json(puts.get(0).getBodyAsString()).has("created_at")).isFalse();
        assertThat(output.getAll()).contains("outgoing.user.success").contains("left_out")
                .contains("is not a date from 1970 to 9999");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"2018-01-01T00:00:00Z\"", "\"2018-01-01\"", "1514764800"})
    void aCreatedAtThatIsADateGoesAsUnixSeconds(String createdAt) throws Exception {
        ObjectNode notification = fixtureNotification();
        ((ObjectNode) notification.path("messages").get(0).path("user")).set("created_at", JSON.readTree(createdAt));

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        List<LoggedRequest> puts = CUSTOMERIO.findAll(putRequestedFor(anyUrl()));
        assertThat(json(puts.get(0).getBodyAsString()).path("created_at").asLong()).isEqualTo(1514764800L);
    }

    // --- signatures that could be reused

    @Test
    void aSignatureIssuedAYearAgoIs401() throws Exception {
        ObjectNode notification = notificationWithSecrets();
        String signature = signed(notification, Instant.now().minus(Duration.ofDays(365)), Instant.now().plus(Duration.ofDays(1)));

        assertUnauthorized(postNotification(JSON.writeValueAsBytes(notification), signature), "invalid_signature");
    }

    @Test
    void aSignatureIssuedIn2100Is401() throws Exception {
        ObjectNode notification = notificationWithSecrets();
        String signature = signed(notification, Instant.parse("2100-01-01T00:00:00Z"), Instant.parse("2100-01-02T00:00:00Z"));

        assertUnauthorized(postNotification(JSON.writeValueAsBytes(notification), signature), "invalid_signature");
    }

    @Test
    void aSignatureWithoutIatIs401WhileTheAgeIsChecked() throws Exception {
        ObjectNode notification = notificationWithSecrets();
        String signature = signed(notification, null, Instant.now().plus(Duration.ofMinutes(5)));

        assertUnauthorized(postNotification(JSON.writeValueAsBytes(notification), signature), "invalid_signature");
    }

    @Test
    void theSameSignatureWithTheSameBytesIsHullSendingAgainAndIsTaken() throws Exception {
        ObjectNode notification = fixtureNotification();
        byte[] body = JSON.writeValueAsBytes(notification);
        String signature = NOTIFIER.sign(notification.path("notification_id").asText());

        assertThat(postNotification(body, signature).statusCode()).isEqualTo(200);
        assertThat(postNotification(body, signature).statusCode()).isEqualTo(200);
        assertThat(CUSTOMERIO.findAll(putRequestedFor(anyUrl()))).hasSize(2);
    }

    @Test
    void theSameSignatureWithOtherBytesIsRefusedAndLogged(CapturedOutput output) throws Exception {
        ObjectNode notification = fixtureNotification();
        String signature = NOTIFIER.sign(notification.path("notification_id").asText());
        assertThat(postNotification(JSON.writeValueAsBytes(notification), signature).statusCode()).isEqualTo(200);
        CUSTOMERIO.resetRequests();
        HULL.resetRequests();

        ((ObjectNode) notification.path("messages").get(0).path("user")).put("email", "attacker@example.com");
        HttpResponse<String> replay = postNotification(JSON.writeValueAsBytes(notification), signature);

        assertUnauthorized(replay, "signature_reused");
        assertThat(output.getAll()).containsPattern("incoming.request.refused.*\"door\":\"smart-notifier\",\"status\":401,\"code\":\"signature_reused\"");
    }

    @Test
    void anUnauthenticatedBodyOfAnySizeIsAnswered401() {
        byte[] body = new byte[30 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) ' ');

        RawHttp.Response answer = RawHttp.send(port, "POST", "/smart-notifier", Map.of("Content-Type", "application/json",
                "X-Hull-Smart-Notifier-Signature", "not-a-jwt", "X-Hull-Smart-Notifier-Signature-Version", "v1"), body);

        assertThat(answer.status()).isEqualTo(401);
        assertJsonError(answer, "invalid_signature");
    }

    @Autowired
    private io.micrometer.core.instrument.MeterRegistry meters;

    @Test
    void aBodysMemoryIsHeldWhileItsRouteWorksAndGivenBackWhenItIsDone() throws Exception {
        CUSTOMERIO.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(anyUrl()).willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200).withBody("{}").withFixedDelay(1_500)));
        ObjectNode notification = fixtureNotification();
        byte[] body = JSON.writeValueAsBytes(notification);
        String signature = NOTIFIER.sign(notification.path("notification_id").asText());

        java.util.concurrent.CompletableFuture<HttpResponse<String>> answer =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> postNotification(body, signature));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> heldBytes() == body.length);
        assertThat(answer.get().statusCode()).isEqualTo(200);

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> heldBytes() == 0);
    }

    private double heldBytes() {
        return meters.get("hull.connector.body.memory.held").tag("budget", "connector.max-body-memory").gauge().value();
    }

    private static String signed(ObjectNode notification, Instant issued, Instant expires) {
        return NOTIFIER.sign(notification.path("notification_id").asText(), issued, expires);
    }

    private void assertUnauthorized(HttpResponse<String> response, String code) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(JsonErrors.code(response.body())).isEqualTo(code);
        assertNothingSent();
    }

    private static void assertJsonError(RawHttp.Response answer, String code) {
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        JsonErrors.assertError(answer.body(), code);
    }

    private static void assertNothingSent() {
        assertThat(CUSTOMERIO.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertThat(HULL.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }
}
