package io.hull.customerio.webhook;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.params.provider.ValueSource;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.hull.customerio.support.JsonErrors;
import io.hull.customerio.support.Timing;
import io.hull.customerio.support.WebhookSignature;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Customer.io webhooks over real HTTP, Hull's firehose as WireMock: given this webhook, Hull receives this track call. */
class CustomerIoWebhookRouteTest extends WebhookRouteTestSupport {

    private static final Set<String> STANDARD_CLAIMS = Set.of("id", "email", "external_id", "anonymous_id");

    // --- the call Hull receives

    @Test
    void reportingWebhookBecomesOneTrackCallWithTheConnectorsCredentials() throws Exception {
        HttpResponse<String> response = send(fixture("reporting-email-delivered.json"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json.readTree(response.body()).path("event").asText()).isEqualTo("Email Delivered");
        assertThat(response.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("X-CIO-Signature") || h.equalsIgnoreCase("X-CIO-Timestamp"));

        List<ReceivedEntry> received = receivedWithEventId("01E4C4CT6YDC7Y5M7FE1GWWPQJ");
        assertThat(received).hasSize(1);
        ReceivedEntry track = received.get(0);
        assertThat(track.request().getHeader("Hull-App-Id")).isEqualTo(HULL_CONNECTOR_ID);
        assertThat(track.request().getHeader("Hull-Organization")).isEqualTo(HULL_ORGANIZATION);
        assertThat(track.request().getHeader("Hull-Access-Token")).isEqualTo(HULL_SECRET);
        // sent through route hull-firehose (camel-http) after removeHeaders: nothing of Camel's or the webhook's
        assertThat(track.request().getHeaders().keys()).noneMatch(name -> name.toLowerCase().startsWith("camel")
                || name.equalsIgnoreCase("breadcrumbId") || name.toLowerCase().startsWith("x-cio"));
        assertThat(track.entry().path("type").asText()).isEqualTo("track");

        JsonNode body = track.body();
        assertThat(body.path("event").asText()).isEqualTo("Email Delivered");
        assertThat(body.path("event_id").asText()).isEqualTo("01E4C4CT6YDC7Y5M7FE1GWWPQJ");
        assertThat(body.path("created_at").asText()).isEqualTo("2021-02-11T17:04:49Z");
        assertThat(body.path("source").asText()).isEqualTo("customerio");
        assertThat(body.path("ip").asText()).isEqualTo("0");
        JsonNode properties = track.properties();
        assertThat(properties.path("delivery_id").asText()).isEqualTo("RPILAgUBcRhIBqSfeiIwdIYJKxTY");
        assertThat(properties.path("campaign_id").asInt()).isEqualTo(23);
        assertThat(properties.path("action_id").asInt()).isEqualTo(42);
        assertThat(properties.path("customer_id").asText()).isEqualTo("5908db9857b9265d4500059f");
        assertThat(properties.path("email_subject").asText()).isEqualTo("Welcome aboard");
        assertThat(properties.path("recipient").asText()).isEqualTo("sven@hull.io");
        assertThat(properties.path("object_type").asText()).isEqualTo("email");
        assertThat(properties.path("metric").asText()).isEqualTo("delivered");
        assertThat(properties.has("subject")).isFalse();
        assertThat(properties.has("identifiers")).isFalse();

        SignedJWT jwt = SignedJWT.parse(track.entry().path("headers").path("Hull-Access-Token").asText());
        assertThat(jwt.verify(new MACVerifier(HULL_SECRET.getBytes(StandardCharsets.UTF_8)))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(HULL_CONNECTOR_ID);
        assertThat(jwt.getJWTClaimsSet().getClaim("io.hull.subjectType")).isEqualTo("user");
        assertThat(jwt.getJWTClaimsSet().getJSONObjectClaim("io.hull.asUser")).isEqualTo(Map.of(
                "external_id", "5908db9857b9265d4500059f",
                "email", "sven@hull.io",
                "anonymous_id", "customerio:d9c106000001"));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            "reporting-email-delivered.json,       Email Delivered,       5908db9857b9265d4500059f, sven@hull.io",
            "reporting-email-clicked.json,         Email Link Clicked,    5908db9857b9265d4500059f, sven@hull.io",
            "reporting-customer-unsubscribed.json, Customer Unsubscribed, 5908db9857b9265d4500059f, sven@hull.io",
            "reporting-push-delivered.json,        Push Delivered,        5908db9857b9265d4500059f, ",
            "legacy-email-delivered.json,          Email Delivered,       5abd08c4aede0354c3000363, sven+dt7@hull.io",
            "legacy-email-opened.json,             Email Opened,          5abd08c4aede0354c3000363, sven+dt7@hull.io",
            "legacy-email-sent.json,               Email Sent,            5abc2de89ba6c1be560019e3, sven+dt2@hull.io",
    })
    void bothFormats(String fixture, String expectedName, String externalId, String email) {
        ObjectNode webhook = fixture(fixture);
        assertThat(send(webhook).statusCode()).isEqualTo(200);

        List<ReceivedEntry> received = receivedWithEventId(webhook.path("event_id").asText());
        assertThat(received).hasSize(1);
        assertThat(received.get(0).body().path("event").asText()).isEqualTo(expectedName);
        Map<String, Object> claims = received.get(0).asUser();
        assertThat(claims.get("external_id")).isEqualTo(externalId);
        assertThat(claims.get("email")).isEqualTo(email);
    }

    @Test
    void legacyPropertiesKeepCustomerIoNames() {
        assertThat(send(fixture("legacy-email-delivered.json")).statusCode()).isEqualTo(200);

        JsonNode properties = receivedWithEventId("01C9S7G83JJEXG1SZ5QBMXRAS4").get(0).properties();
        assertThat(properties.path("email_id").asText()).isEqualTo("ZI6aBAABYnJ3muVry9xcBjL7Aj-e");
        assertThat(properties.path("template_id").asText()).isEqualTo("35");
        assertThat(properties.path("campaign_id").asText()).isEqualTo("12");
        assertThat(properties.path("campaign_name").asText()).startsWith("Started Vault Trials");
        assertThat(properties.path("email_subject").asText()).isEqualTo("How Vault Enterprise trials work");
        assertThat(properties.path("email_address").asText()).isEqualTo("Sven <sven+dt7@hull.io>");
        assertThat(properties.path("object_type").asText()).isEqualTo("email");
        assertThat(properties.path("metric").asText()).isEqualTo("delivered");
        assertThat(properties.has("variables")).isFalse();
        assertThat(receivedWithEventId("01C9S7G83JJEXG1SZ5QBMXRAS4").get(0).body().path("created_at").asText())
                .isEqualTo("2018-03-29T15:54:27Z");
    }

    @Test
    void clickCarriesTheLinkAndAFailureItsReason() {
        assertThat(send(fixture("reporting-email-clicked.json")).statusCode()).isEqualTo(200);
        JsonNode clicked = receivedWithEventId("01E4C4HDQ7P9MYEM6NCD0TJ8VJ").get(0).properties();
        assertThat(clicked.path("link_url").asText()).isEqualTo("https://example.com/pricing");
        assertThat(clicked.path("link_id").asInt()).isEqualTo(7);

        ObjectNode failed = webhook("email", "failed", Map.of("customer_id", "c1", "failure_message", "mailbox full",
                "newsletter_id", 5, "transactional_message_id", 6, "journey_id", "j1", "trigger_id", 3, "parent_action_id", 8));
        assertThat(send(failed).statusCode()).isEqualTo(200);
        JsonNode properties = receivedWithEventId(failed.path("event_id").asText()).get(0).properties();
        assertThat(properties.path("reason").asText()).isEqualTo("mailbox full");
        assertThat(properties.path("newsletter_id").asInt()).isEqualTo(5);
        assertThat(properties.path("transactional_message_id").asInt()).isEqualTo(6);
        assertThat(properties.path("journey_id").asText()).isEqualTo("j1");
        assertThat(properties.path("trigger_id").asInt()).isEqualTo(3);
        assertThat(properties.path("parent_action_id").asInt()).isEqualTo(8);
    }

    @Test
    void pushCarriesItsDeviceAndContentIdAsThePeersDo() {
        assertThat(send(fixture("reporting-push-delivered.json")).statusCode()).isEqualTo(200);
        JsonNode delivered = receivedWithEventId("01E4C5A8W2Y9T1Z6C3N4B7M0QP").get(0).properties();
        assertThat(delivered.path("device_id").asText()).isEqualTo("dev-123");
        assertThat(delivered.path("device_platform").asText()).isEqualTo("android");
        assertThat(delivered.path("recipients").path(0).path("device_id").asText()).isEqualTo("dev-123");

        // an FCM token is longer than the 150 bytes an id may hold: a device token is kept whole
        String fcmToken = "f".repeat(40) + ":APA91b" + "x".repeat(150);
        ObjectNode failed = webhook("push", "sent", Map.of("customer_id", "c1", "content_id", 12, "content", "Your order shipped",
                "trigger_event_id", "01HTRIGGER", "recipients", List.of(
                        Map.of("device_id", fcmToken, "device_platform", "ios", "failure_message", "token expired"),
                        Map.of("device_id", "second", "device_platform", "android"))));
        assertThat(send(failed).statusCode()).isEqualTo(200);
        JsonNode sent = receivedWithEventId(failed.path("event_id").asText()).get(0).properties();
        assertThat(sent.path("device_id").asText()).isEqualTo(fcmToken);
        assertThat(sent.path("device_platform").asText()).isEqualTo("ios");
        assertThat(sent.path("reason").asText()).isEqualTo("token expired");
        assertThat(sent.path("content_id").asInt()).isEqualTo(12);
        assertThat(sent.path("content").asText()).isEqualTo("Your order shipped");
        assertThat(sent.path("trigger_event_id").asText()).isEqualTo("01HTRIGGER");

        // the webhook's own device and failure win over its first recipient's
        ObjectNode own = webhook("push", "failed", Map.of("customer_id", "c1", "device_id", "top", "failure_message", "bad payload",
                "recipients", List.of(Map.of("device_id", "first", "failure_message", "token expired"))));
        assertThat(send(own).statusCode()).isEqualTo(200);
        JsonNode ownProperties = receivedWithEventId(own.path("event_id").asText()).get(0).properties();
        assertThat(ownProperties.path("device_id").asText()).isEqualTo("top");
        assertThat(ownProperties.path("reason").asText()).isEqualTo("bad payload");
    }

    @Test
    void everyDocumentedFieldBecomesAProperty() throws Exception {
        ObjectNode opened = webhook("email", "opened", Map.of("customer_id", "c1", "content_id", 4, "trigger_event_id", "t1",
                "prefetched", true, "proxied", false, "synthetic", true));
        ObjectNode clicked = webhook("email", "clicked", Map.of("customer_id", "c1", "machine", true, "href", "https://x.io"));
        ObjectNode sent = webhook("email", "sent", Map.of("customer_id", "c1", "content", "<p>" + "a".repeat(3000) + "</p>",
                "headers", Map.of("X-Custom", List.of("v1"))));
        ObjectNode replied = webhook("sms", "replied", Map.of("customer_id", "c1", "inbound_event_id", "in-1", "to", "+14155550100"));
        ObjectNode tapped = webhook("in_app", "clicked", Map.of("customer_id", "c1", "tracked_response", "accept"));
        for (ObjectNode webhook : List.of(opened, clicked, sent, replied, tapped)) {
            assertThat(send(webhook).statusCode()).isEqualTo(200);
        }

        JsonNode openedProperties = receivedWithEventId(opened.path("event_id").asText()).get(0).properties();
        assertThat(openedProperties.path("content_id").asInt()).isEqualTo(4);
        assertThat(openedProperties.path("trigger_event_id").asText()).isEqualTo("t1");
        assertThat(openedProperties.path("prefetched").isBoolean()).isTrue();
        assertThat(openedProperties.path("prefetched").asBoolean()).isTrue();
        assertThat(openedProperties.path("proxied").asBoolean(true)).isFalse();
        assertThat(openedProperties.path("synthetic").asBoolean()).isTrue();
        assertThat(receivedWithEventId(clicked.path("event_id").asText()).get(0).properties().path("machine").asBoolean()).isTrue();
        JsonNode sentProperties = receivedWithEventId(sent.path("event_id").asText()).get(0).properties();
        assertThat(sentProperties.path("content").asText()).hasSize(WebhookEventMapper.MAX_PROPERTY_LENGTH).startsWith("<p>aaa");
        assertThat(sentProperties.path("headers")).isEqualTo(json.readTree("{\"X-Custom\":[\"v1\"]}"));
        JsonNode repliedProperties = receivedWithEventId(replied.path("event_id").asText()).get(0).properties();
        assertThat(repliedProperties.path("inbound_event_id").asText()).isEqualTo("in-1");
        assertThat(repliedProperties.path("to").asText()).isEqualTo("+14155550100");
        assertThat(receivedWithEventId(tapped.path("event_id").asText()).get(0).properties().path("tracked_response").asText())
                .isEqualTo("accept");
    }

    @Test
    void legacyMessageIdAndNameAreKept() {
        assertThat(send(fixture("legacy-email-sent.json")).statusCode()).isEqualTo(200);
        JsonNode properties = receivedWithEventId("01C9QJM259SPWQF2JZ8GX9HY7J").get(0).properties();
        assertThat(properties.path("message_id").asText()).isEqualTo("65");
        assertThat(properties.path("message_name").asText()).isEqualTo("How Vault Enterprise trials work");
    }

    @ParameterizedTest(name = "{0} {1} → {2}")
    @MethodSource("io.hull.customerio.webhook.ExpectedEventNames#all")
    void everyObjectTypeAndMetricReachesHullWithItsName(String objectType, String metric, String expectedName) {
        ObjectNode webhook = webhook(objectType, metric, Map.of("identifiers", Map.of("id", "c-" + objectType)));
        assertThat(send(webhook).statusCode()).isEqualTo(200);

        List<ReceivedEntry> received = receivedWithEventId(webhook.path("event_id").asText());
        assertThat(received).hasSize(1);
        assertThat(received.get(0).body().path("event").asText()).isEqualTo(expectedName);
        assertThat(received.get(0).properties().path("object_type").asText()).isEqualTo(objectType);
        assertThat(received.get(0).properties().path("metric").asText()).isEqualTo(metric);
    }

    // --- which user

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // rule                                   | object | data (JSON)                                                                        | external_id | email            | anonymous_id
            "identifiers.id wins over customer_id     | email  | {\"identifiers\":{\"id\":\"a\"},\"customer_id\":\"b\"}                              | a           |                  | ",
            "customer_id without identifiers          | push   | {\"customer_id\":\"b\"}                                                             | b           |                  | ",
            "identifiers.email wins over email_address| email  | {\"identifiers\":{\"email\":\"x@a.io\"},\"email_address\":\"y@a.io\"}              |             | x@a.io           | ",
            "email_address in Name <address> form     | email  | {\"email_address\":\"Sven M <sven@x.io>\"}                                          |             | sven@x.io        | ",
            "recipient of an email delivery           | email  | {\"customer_id\":\"c\",\"recipient\":\"r@x.io\"}                                    | c           | r@x.io           | ",
            "recipient that is no address             | email  | {\"customer_id\":\"c\",\"recipient\":\"undisclosed recipients\"}                    | c           |                  | ",
            "phone number recipient of an SMS         | sms    | {\"customer_id\":\"c\",\"recipient\":\"+14155550100\"}                              | c           |                  | ",
            "email-looking recipient of an SMS        | sms    | {\"customer_id\":\"c\",\"recipient\":\"r@x.io\"}                                    | c           |                  | ",
            "Slack channel recipient                  | slack  | {\"customer_id\":\"c\",\"recipient\":\"#general\"}                                  | c           |                  | ",
            "URL recipient of a webhook               | webhook| {\"customer_id\":\"c\",\"recipient\":\"https://x.io/hook?to=a@b.io\"}               | c           |                  | ",
            "cio_id only                              | push   | {\"identifiers\":{\"cio_id\":\"d9c1\"}}                                             |             |                  | customerio:d9c1",
            "a number is no customer id               | email  | {\"customer_id\":42,\"email_address\":\"n@x.io\"}                               |             | n@x.io           | ",
    })
    void identityRules(String rule, String objectType, String data, String externalId, String email, String anonymousId) throws Exception {
        ObjectNode webhook = webhook(objectType.trim(), "sent", Map.of());
        webhook.set("data", json.readTree(data));
        assertThat(send(webhook).statusCode()).isEqualTo(200);

        List<ReceivedEntry> received = receivedWithEventId(webhook.path("event_id").asText());
        assertThat(received).as(rule).hasSize(1);
        Map<String, Object> claims = received.get(0).asUser();
        assertThat(claims.keySet()).as(rule).isSubsetOf(STANDARD_CLAIMS);
        assertThat(claims.get("external_id")).as(rule).isEqualTo(externalId);
        assertThat(claims.get("email")).as(rule).isEqualTo(email);
        assertThat(claims.get("anonymous_id")).as(rule).isEqualTo(anonymousId);
        assertThat(claims.get("id")).as(rule).isNull();
    }

    @Test
    void noUserAtAllIsAnswered200AndNothingIsSent() throws Exception {
        ObjectNode webhook = webhook("sms", "delivered", Map.of("recipient", "+14155550100", "delivery_id", "d1"));

        HttpResponse<String> response = send(webhook);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json.readTree(response.body()).path("status").asText()).isEqualTo("skipped");
        assertThat(firehoseRequests()).isEmpty();
    }

    // --- authenticity

    @Test
    void missingOrWrongTokenIsRefusedAndNothingSent() throws Exception {
        byte[] body = bytes(fixture("reporting-email-delivered.json"));
        for (String query : new String[] {null, "token=wrong", "token=", "tok=" + TOKEN}) {
            HttpResponse<String> response = send(body, query, true, "application/json");
            assertThat(response.statusCode()).as(query).isEqualTo(401);
            assertThat(JsonErrors.code(response.body())).isEqualTo("invalid_token");
            assertThat(response.body()).doesNotContain(TOKEN).doesNotContain(SIGNING_KEY);
        }
        assertThat(firehoseRequests()).isEmpty();
    }

    @Test
    void missingOrWrongSignatureIsRefusedAndNothingSent() throws Exception {
        byte[] body = bytes(fixture("reporting-email-delivered.json"));
        assertThat(send(body, "token=" + TOKEN, false, "application/json").statusCode()).isEqualTo(401);

        String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
        String signedForOtherBody = WebhookSignature.sign(SIGNING_KEY, timestamp, "{}".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + port + "/webhook?token=" + TOKEN))
                .header("Content-Type", "application/json")
                .header("X-CIO-Timestamp", timestamp)
                .header("X-CIO-Signature", signedForOtherBody)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(JsonErrors.code(response.body())).isEqualTo("invalid_signature");
        assertThat(response.body()).doesNotContain(SIGNING_KEY).doesNotContain(signedForOtherBody);
        assertThat(firehoseRequests()).isEmpty();
    }

    @Test
    void nonAsciiBodyWithoutCharsetVerifiesOverTheBytesReceived() throws Exception {
        ObjectNode webhook = webhook("email", "sent", Map.of("customer_id", "c-ü", "subject", "Grüße aus Köln 🎉 — ça va?"));

        HttpResponse<String> response = send(bytes(webhook), "token=" + TOKEN, true, "application/json");

        assertThat(response.statusCode()).isEqualTo(200);
        ReceivedEntry track = receivedWithEventId(webhook.path("event_id").asText()).get(0);
        assertThat(track.properties().path("email_subject").asText()).isEqualTo("Grüße aus Köln 🎉 — ça va?");
        assertThat(track.asUser().get("external_id")).isEqualTo("c-ü");
    }

    @Test
    void customerIoTestDeliveryIsAnsweredAndNotForwarded() throws Exception {
        ObjectNode test = webhook("email", "sent", Map.of("customer_id", "c1"));
        test.put("event_id", "abc123");

        HttpResponse<String> response = send(test);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json.readTree(response.body()).path("status").asText()).isEqualTo("test_delivery");
        assertThat(firehoseRequests()).isEmpty();
    }

    // --- refused bodies

    @ParameterizedTest(name = "[{0}] → 400 {1}")
    @CsvSource(delimiter = '|', value = {
            "not json at all | invalid_json",
            "{\"event_id\":  | invalid_json",
            "[1,2,3]         | invalid_body",
            "\"a string\"    | invalid_body",
    })
    void bodyThatIsNotAJsonObjectIs400(String body, String code) throws Exception {
        HttpResponse<String> response = send(body.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JsonErrors.code(response.body())).isEqualTo(code);
        assertThat(firehoseRequests()).isEmpty();
    }

    @Test
    void emptyBodyIs400() {
        assertThat(send(new byte[0]).statusCode()).isEqualTo(400);
    }

    @Test
    void bodyOver1MbIs413() throws Exception {
        ObjectNode webhook = webhook("email", "sent", Map.of("customer_id", "c1", "subject", "x".repeat(1024 * 1024)));

        HttpResponse<String> response = send(webhook);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(JsonErrors.code(response.body())).isEqualTo("payload_too_large");
        assertThat(firehoseRequests()).isEmpty();
    }

    @Test
    void chunkedBodyOver1MbWithoutContentLengthIs413() throws Exception {
        byte[] body = bytes(webhook("email", "sent", Map.of("customer_id", "c1", "subject", "x".repeat(1024 * 1024))));
        HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + port + "/webhook?token=" + TOKEN))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(firehoseRequests()).isEmpty();
    }

    /** At the limit (1 MB, customerio.webhook.max-body-size) a webhook goes through; one byte more is 413. */
    @ParameterizedTest(name = "chunked: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void theLimitIsExact(boolean chunked) throws Exception {
        int limit = 1024 * 1024;
        byte[] atLimit = webhookOfSize(limit);
        byte[] overLimit = webhookOfSize(limit + 1);

        HttpResponse<String> accepted = chunked ? sendChunked(atLimit) : send(atLimit);
        HttpResponse<String> refused = chunked ? sendChunked(overLimit) : send(overLimit);

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(JsonErrors.code(refused.body())).isEqualTo("payload_too_large");
        assertThat(firehoseRequests()).hasSize(1);
    }

    /** A valid webhook of exactly {@code size} bytes (its subject padded). */
    private static byte[] webhookOfSize(int size) {
        int base = bytes(webhook("email", "sent", Map.of("customer_id", "c1", "subject", ""))).length;
        byte[] body = bytes(webhook("email", "sent", Map.of("customer_id", "c1", "subject", "x".repeat(size - base))));
        assertThat(body).hasSize(size);
        return body;
    }

    /**
     * A body declared larger than connector.max-discarded-body-size (64MB) is not read at all: 413 at once and the
     * connection closed. Without RequestBodyCap the server reads all 100 MB (into memory) before answering.
     */
    @Test
    void aBodyFarOverTheLimitIsAnswered413WithoutBeingRead() throws Exception {
        long declared = 100L * 1024 * 1024;
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST /webhook?token=" + TOKEN + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + declared + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            java.util.concurrent.CompletableFuture<Long> sent = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                byte[] spaces = new byte[64 * 1024];
                java.util.Arrays.fill(spaces, (byte) ' ');
                long total = 0;
                try {
                    while (total < declared) {
                        socket.getOutputStream().write(spaces);
                        total += spaces.length;
                    }
                } catch (java.io.IOException closedByServer) {
                    // expected: the server stopped reading
                }
                return total;
            });

            String answer = readUntilClosed(socket);

            assertThat(answer).startsWith("HTTP/1.1 413").contains("payload_too_large");
            assertThat(sent.get(30, java.util.concurrent.TimeUnit.SECONDS)).isLessThan(declared);
        }
        assertThat(firehoseRequests()).isEmpty();
    }

    @Test
    void aCompressedBodyIs415() throws Exception {
        java.io.ByteArrayOutputStream gzipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(gzipped)) {
            gzip.write(bytes(webhook("email", "opened", Map.of("customer_id", "c1"))));
        }
        HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + port + "/webhook?token=" + TOKEN))
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(gzipped.toByteArray()))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(JsonErrors.code(response.body())).isEqualTo("unsupported_content_encoding");
        assertThat(firehoseRequests()).isEmpty();
    }

    /** The answer, however the server ends the connection (FIN or, with unread data left, RST). */
    private static String readUntilClosed(java.net.Socket socket) {
        java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = socket.getInputStream().read(buffer)) != -1; ) {
                received.write(buffer, 0, n);
            }
        } catch (java.io.IOException reset) {
            // a reset after the answer: what was received stands
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    // --- Hull not taking it

    @Test
    void hullAnswering500IsRetriedOnceThen503() throws Exception {
        hull.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(500)));
        ObjectNode webhook = webhook("email", "opened", Map.of("customer_id", "c1"));

        HttpResponse<String> response = send(webhook);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(JsonErrors.code(response.body())).isEqualTo("hull_unavailable");
        assertThat(response.body()).doesNotContain(HULL_SECRET);
        assertThat(receivedWithEventId(webhook.path("event_id").asText())).hasSize(2);
    }

    @Test
    void hullRefusingIs503SoNothingIsLostWhileCredentialsAreFixed() throws Exception {
        hull.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(401)));
        ObjectNode webhook = webhook("email", "opened", Map.of("customer_id", "c1"));

        HttpResponse<String> response = send(webhook);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(JsonErrors.code(response.body())).isEqualTo("hull_rejected");
        assertThat(response.body()).doesNotContain(HULL_SECRET);
        assertThat(receivedWithEventId(webhook.path("event_id").asText())).hasSize(1);
    }

    @Test
    void hullTimingOutIs503WithinTheAnswerTimeout() throws Exception {
        hull.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(200).withFixedDelay(8_000)));
        ObjectNode webhook = webhook("email", "opened", Map.of("customer_id", "c1"));

        long started = System.nanoTime();
        HttpResponse<String> response = send(webhook);
        Duration took = Timing.since(started);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(JsonErrors.code(response.body())).isEqualTo("hull_unavailable");
        // customerio.webhook.answer-timeout (2.5 s), not Hull's 8 s
        assertThat(took).isLessThan(Timing.within(Duration.ofMillis(2_500)));
    }

    // --- subscription and deliverability state as traits

    /** The traits entry Hull received beside the track call of the webhook with this event id. */
    private static JsonNode traitsOf(String eventId) {
        List<ReceivedEntry> entries = receivedEntries();
        ReceivedEntry track = receivedWithEventId(eventId).get(0);
        List<JsonNode> batch = new java.util.ArrayList<>();
        entries.stream().filter(e -> e.request() == track.request()).forEach(e -> batch.add(e.entry()));
        JsonNode traits = batch.stream().filter(e -> "traits".equals(e.path("type").asText())).findFirst().orElseThrow();
        assertThat(traits.path("headers").path("Hull-Access-Token").asText()).isNotBlank();
        return traits.path("body");
    }

    @Test
    void topicPreferencesBecomeOneTraitPerTopic() throws Exception {
        ObjectNode preferences = webhook("customer", "cio_subscription_preferences_changed", Map.of("customer_id", "c-42",
                "content", "{\"topics\":{\"topic_1\":true,\"topic_2\":false,\"bad name\":true,\"topic_3\":\"yes\"}}"));

        assertThat(send(preferences).statusCode()).isEqualTo(200);

        JsonNode traits = traitsOf(preferences.path("event_id").asText());
        assertThat(traits.path("customerio/topic_1").asBoolean()).isTrue();
        assertThat(traits.has("customerio/topic_2")).isTrue();
        assertThat(traits.path("customerio/topic_2").asBoolean()).isFalse();
        assertThat(traits.has("customerio/bad name")).isFalse();
        assertThat(traits.has("customerio/topic_3")).isFalse();
        assertThat(traits.path("customerio/subscription_preferences_changed_at").asText()).isEqualTo("2021-02-11T17:04:49Z");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bounced", "spammed", "dropped"})
    void anEmailThatBouncedWasFlaggedOrDroppedIsATrait(String metric) throws Exception {
        ObjectNode webhook = webhook("email", metric, Map.of("customer_id", "c-43", "email_address", "c43@example.com"));

        assertThat(send(webhook).statusCode()).isEqualTo(200);

        assertThat(traitsOf(webhook.path("event_id").asText()).path("customerio/email_" + metric + "_at").asText())
                .isEqualTo("2021-02-11T17:04:49Z");
    }

    @Test
    void aResubscribeClearsTheUnsubscribeAndOtherWebhooksWriteNoTraits() throws Exception {
        ObjectNode subscribed = webhook("customer", "subscribed", Map.of("customer_id", "c-44"));
        ObjectNode delivered = webhook("email", "delivered", Map.of("customer_id", "c-44"));

        assertThat(send(subscribed).statusCode()).isEqualTo(200);
        assertThat(send(delivered).statusCode()).isEqualTo(200);

        JsonNode traits = traitsOf(subscribed.path("event_id").asText());
        assertThat(traits.path("customerio/unsubscribed").asBoolean(true)).isFalse();
        assertThat(traits.has("customerio/unsubscribed_at")).isTrue();
        assertThat(traits.path("customerio/unsubscribed_at").isNull()).isTrue();
        LoggedRequest deliveredRequest = receivedWithEventId(delivered.path("event_id").asText()).get(0).request();
        assertThat(receivedEntries().stream().filter(e -> e.request() == deliveredRequest && e.body().path("event_id")
                .asText().isEmpty())).isEmpty();
    }

    // --- helpers

    static ObjectNode webhook(String objectType, String metric, Map<String, Object> data) {
        ObjectNode webhook = json.createObjectNode();
        webhook.put("event_id", UUID.randomUUID().toString());
        webhook.put("object_type", objectType);
        webhook.put("metric", metric);
        webhook.put("timestamp", 1613063089);
        webhook.set("data", json.valueToTree(data));
        return webhook;
    }

}
