package io.hull.customerio.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hull.customerio.support.JsonErrors;
import io.hull.customerio.support.RawHttp;
import io.hull.customerio.support.WebhookSignature;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * /webhook as an attacker or a careless sender would try it, over real HTTP: bad input is a 4xx in the connector's
 * JSON (never a 5xx: Customer.io retries those for days), an authenticated webhook that cannot be mapped is 200 and
 * logged, wrong data never reaches Hull, and neither the token nor the signing key is logged.
 */
@ExtendWith(OutputCaptureExtension.class)
class WebhookDoorHardeningTest extends WebhookRouteTestSupport {

    private static final String QUERY = "token=" + URLEncoder.encode(TOKEN, StandardCharsets.UTF_8);

    @ParameterizedTest
    @ValueSource(strings = {"application/x-www-form-urlencoded", "application/x-www-form-urlencoded+json",
            "application/json; x=application/x-www-form-urlencoded", "multipart/form-data; boundary=x"})
    void aFormBodyIs415AndNeitherParsedNorLogged(String contentType, CapturedOutput output) {
        RawHttp.Response answer = RawHttp.send(port, "POST", "/webhook?" + QUERY,
                Map.of("Content-Type", contentType),
                ("{\"data\":{\"secret\":\"" + HULL_SECRET + "\"}}").getBytes(StandardCharsets.UTF_8));

        assertThat(answer.status()).isEqualTo(415);
        JsonErrors.assertError(answer.body(), "unsupported_media_type");
        assertThat(output.getAll()).doesNotContain(HULL_SECRET).doesNotContain(TOKEN);
        assertThat(firehoseRequests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"token=%zz", "token=" + TOKEN + "%", "x=%e9&token=" + TOKEN})
    void aMalformedPercentEscapeIs400NotA503(String query, CapturedOutput output) {
        RawHttp.Response answer = RawHttp.send(port, "POST", "/webhook?" + query, Map.of("Content-Type", "application/json"),
                bytes(fixture("reporting-email-delivered.json")));

        assertThat(answer.status()).isEqualTo(400);
        JsonErrors.assertError(answer.body(), "invalid_query");
        assertThat(output.getAll()).doesNotContain(TOKEN);
    }

    @Test
    void rawBracketsInTheQueryAre400InJsonAndTheTokenIsNotLogged(CapturedOutput output) {
        RawHttp.Response answer = RawHttp.send(port, "POST", "/webhook?" + QUERY + "&a[]=1", Map.of("Content-Type", "application/json"),
                bytes(fixture("reporting-email-delivered.json")));

        assertThat(answer.status()).isEqualTo(400);
        JsonErrors.assertError(answer.body(), "invalid_request_target");
        assertThat(output.getAll()).doesNotContain(TOKEN);
    }

    @Test
    void aWrongMethodIs405InJson() {
        RawHttp.Response answer = RawHttp.send(port, "GET", "/webhook?" + QUERY, Map.of(), null);

        assertThat(answer.status()).isEqualTo(405);
        JsonErrors.assertError(answer.body(), "method_not_allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {" x", "{}", " {\"event_id\":\"other\"}", "[]", "\u0000"})
    void contentAfterTheWebhookIs400(String trailing) throws Exception {
        byte[] webhook = bytes(fixture("reporting-email-delivered.json"));
        byte[] body = (new String(webhook, StandardCharsets.UTF_8) + trailing).getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> answer = send(body);

        assertThat(answer.statusCode()).isEqualTo(400);
        JsonErrors.assertError(answer.body(), "invalid_json");
        assertThat(answer.body()).doesNotContain("other");
        assertThat(firehoseRequests()).isEmpty();
    }

    @Test
    void aSignedTimestampOfNineteenDigitsIs401NotA503() throws Exception {
        byte[] body = bytes(fixture("reporting-email-delivered.json"));
        String timestamp = "9999999999999999999";
        RawHttp.Response answer = RawHttp.send(port, "POST", "/webhook?" + QUERY, Map.of("Content-Type", "application/json",
                "X-CIO-Timestamp", timestamp, "X-CIO-Signature", WebhookSignature.sign(SIGNING_KEY, timestamp, body)), body);

        assertThat(answer.status()).isEqualTo(401);
        JsonErrors.assertError(answer.body(), "invalid_signature");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e400", "-1e400", "123456789012345678901234567890", "9223372036854775807", "-1", "1.5",
            "\"yesterday\"", "\"\"", "true", "{}", "[]"})
    void aTimestampThatIsNoTimeIsIgnoredTheEventForwardedAtItsArrival(String timestamp, CapturedOutput output) throws Exception {
        ObjectNode webhook = fixture("reporting-email-delivered.json");
        String eventId = UUID.randomUUID().toString();
        webhook.put("event_id", eventId);
        webhook.set("timestamp", json.readTree(timestamp));
        java.time.Instant before = java.time.Instant.now().minusSeconds(1);

        HttpResponse<String> answer = send(webhook);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(json.readTree(answer.body()).path("status").asText()).isEqualTo("accepted");
        List<ReceivedEntry> received = receivedWithEventId(eventId);
        assertThat(received).hasSize(1);
        assertThat(java.time.Instant.parse(received.get(0).body().path("created_at").asText()))
                .isBetween(before, java.time.Instant.now().plusSeconds(1));
        assertThat(output.getAll()).contains("incoming.event.success").contains("timestamp ignored");
    }

    @Test
    void aMissingTimestampIsTheTimeOfArrival() throws Exception {
        ObjectNode webhook = fixture("reporting-email-delivered.json");
        webhook.put("event_id", UUID.randomUUID().toString());
        webhook.remove("timestamp");

        assertThat(send(webhook).statusCode()).isEqualTo(200);

        String createdAt = receivedWithEventId(webhook.path("event_id").asText()).get(0).body().path("created_at").asText();
        assertThat(java.time.Instant.parse(createdAt)).isCloseTo(java.time.Instant.now(), org.assertj.core.api.Assertions.within(
                java.time.Duration.ofMinutes(1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"MISSING", "null", "[\"a\"]", "{\"id\":1}", "true", "123", "\"\"", "\"with\\u0000nul\""})
    void anEventIdThatIsNotAUsableStringIsDerivedFromTheWebhookStably(String eventId) throws Exception {
        ObjectNode webhook = fixture("reporting-email-delivered.json");
        webhook.with("data").put("delivery_id", UUID.randomUUID().toString()); // a webhook of its own
        if ("MISSING".equals(eventId)) {
            webhook.remove("event_id");
        } else {
            webhook.set("event_id", json.readTree(eventId));
        }

        assertThat(send(webhook).statusCode()).isEqualTo(200);
        assertThat(send(webhook).statusCode()).as("Customer.io sending it again").isEqualTo(200);

        List<String> ids = receivedEntries().stream().map(entry -> entry.body().path("event_id").asText()).toList();
        assertThat(ids).hasSize(2);
        assertThat(ids.get(0)).matches("cio-[0-9a-f]{32}").isEqualTo(ids.get(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"sven\\u0000@hull.io\"", "\"sven\\u001f\"", "true", "123", "{\"id\":\"x\"}", "[\"x\"]", "\"\"", "LONG"})
    void anIdThatIsNotAUsableStringNamesNobody(String id, CapturedOutput output) throws Exception {
        ObjectNode webhook = fixture("reporting-email-delivered.json");
        webhook.put("event_id", UUID.randomUUID().toString());
        ObjectNode data = webhook.with("data");
        data.remove(List.of("email_address", "recipient", "customer_id"));
        ObjectNode identifiers = data.putObject("identifiers");
        identifiers.set("id", "LONG".equals(id) ? json.getNodeFactory().textNode("x".repeat(300 * 1024)) : json.readTree(id));
        identifiers.set("email", identifiers.get("id"));
        identifiers.set("cio_id", identifiers.get("id"));

        HttpResponse<String> answer = send(webhook);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(json.readTree(answer.body()).path("status").asText()).isEqualTo("skipped");
        assertThat(output.getAll()).contains("the webhook names no user");
        assertThat(firehoseRequests()).isEmpty();
    }

    @Test
    void anUnusableIdIsIgnoredWhileAnotherStillNamesTheUser() throws Exception {
        ObjectNode webhook = fixture("reporting-email-delivered.json");
        webhook.put("event_id", UUID.randomUUID().toString());
        webhook.with("data").with("identifiers").put("id", "sven\u0000@hull.io");

        assertThat(send(webhook).statusCode()).isEqualTo(200);

        // identifiers.id is passed over: data.customer_id names the user, beside the email and cio_id
        assertThat(receivedWithEventId(webhook.path("event_id").asText()).get(0).asUser()).isEqualTo(Map.of(
                "external_id", "5908db9857b9265d4500059f",
                "email", "sven@hull.io",
                "anonymous_id", "customerio:d9c106000001"));
    }

    @Test
    void propertiesAreHeldToTheSameRules() throws Exception {
        ObjectNode webhook = fixture("reporting-email-delivered.json");
        webhook.put("event_id", UUID.randomUUID().toString());
        ObjectNode data = webhook.with("data");
        data.put("customer_id", "sven\u0000x");
        data.put("recipient", "x".repeat(300 * 1024));
        data.put("delivery_id", "d\u0007");
        data.put("subject", "s".repeat(5_000));
        data.putArray("recipients").add("y".repeat(3_000));
        data.put("campaign_id", 42);

        assertThat(send(webhook).statusCode()).isEqualTo(200);

        JsonNode properties = receivedWithEventId(webhook.path("event_id").asText()).get(0).properties();
        assertThat(properties.has("customer_id")).isFalse();
        assertThat(properties.has("recipient")).isFalse();
        assertThat(properties.has("delivery_id")).isFalse();
        assertThat(properties.has("recipients")).isFalse();
        assertThat(properties.path("email_subject").asText()).hasSize(2_000);
        assertThat(properties.path("campaign_id").asInt()).isEqualTo(42);
    }

    @ParameterizedTest
    @ValueSource(strings = {"metric", "object_type"})
    void aNameThatIsNotOneIsNotForwarded(String field, CapturedOutput output) throws Exception {
        ObjectNode webhook = fixture("reporting-email-delivered.json");
        webhook.put("event_id", UUID.randomUUID().toString());
        webhook.put(field, "x".repeat(900 * 1024));

        HttpResponse<String> answer = send(webhook);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(output.getAll()).contains(field + " must be a name of letters, digits and '_'");
        assertThat(firehoseRequests()).isEmpty();
    }

    @Test
    void aWebhookWithoutObjectTypeAndMetricIsNotForwarded(CapturedOutput output) throws Exception {
        ObjectNode webhook = fixture("reporting-email-delivered.json");
        webhook.put("event_id", UUID.randomUUID().toString());
        webhook.remove(List.of("object_type", "metric"));

        assertThat(send(webhook).statusCode()).isEqualTo(200);
        assertThat(output.getAll()).contains("no object_type and metric");
        assertThat(firehoseRequests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"reporting-email-delivered.json", "reporting-email-clicked.json", "reporting-push-delivered.json",
            "reporting-customer-unsubscribed.json", "legacy-email-opened.json"})
    void noValueAnywhereMakesTheConnectorFail(String fixture) throws Exception {
        java.util.Random random = new java.util.Random(Long.getLong("fuzz.seed", 20261201L) + fixture.hashCode());
        List<String> failures = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ObjectNode webhook = fixture(fixture);
            String path = io.hull.customerio.support.BadJson.replaceOneValue(webhook, random);

            HttpResponse<String> answer = send(webhook);

            if (answer.statusCode() != 200 && answer.statusCode() != 400 || answer.body().contains("internal_error")) {
                failures.add(answer.statusCode() + " for " + path + ": " + answer.body());
            }
        }
        assertThat(failures).isEmpty();
    }

}
