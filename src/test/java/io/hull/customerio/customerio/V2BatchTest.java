package io.hull.customerio.customerio;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.matching.ContentPattern;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.hull.customerio.simulator.CustomerIoSimulator;
import io.hull.customerio.simulator.CustomerIoSimulator.Behaviour;
import io.hull.customerio.support.ConnectorTestSupport;
import io.hull.customerio.support.TestNotifications;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * customerio.api=v2-batch end to end: notifications over real HTTP, the Track API v2 answered by the simulator (its
 * size limits, 207 for invalid items, 429 with Retry-After) through WireMock, Hull's firehose by WireMock. A context
 * of its own.
 */
@ExtendWith(OutputCaptureExtension.class)
class V2BatchTest extends ConnectorTestSupport {

    private static final CustomerIoSimulator SIMULATOR = CustomerIoSimulator.start();
    private static final int MAX_BYTES = 20_000;

    @DynamicPropertySource
    static void v2Properties(DynamicPropertyRegistry registry) {
        registry.add("customerio.api", () -> "v2-batch");
        registry.add("customerio.batch.max-bytes", () -> MAX_BYTES + "B");
        registry.add("customerio.batch.max-wait", () -> "50ms");
        registry.add("customerio.retry.initial-backoff", () -> "50ms");
        registry.add("customerio.retry.max-attempts", () -> "10");
        registry.add("customerio.retry.max-backoff", () -> "100ms");
        registry.add("camel.main.route-filter-exclude-pattern", () -> "hull-status-report");
    }

    @AfterAll
    static void stopSimulator() {
        SIMULATOR.close();
    }

    /** customerio.track-url is the shared WireMock (ConnectorTestSupport's, which wins): it hands the batches on. */
    @BeforeEach
    void resetSimulator() {
        SIMULATOR.behave(Behaviour.normal());
        SIMULATOR.reset();
        CUSTOMERIO.stubFor(any(urlPathEqualTo("/api/v2/batch")).atPriority(1)
                .willReturn(aResponse().proxiedFrom(SIMULATOR.baseUrl())));
    }

    @Test
    void aNotificationsUsersGoInBatchRequestsOfAtMostMaxBytes() {
        HttpResponse<String> answer = postNotification(TestNotifications.forSite("v2-split", 200));

        assertThat(answer.statusCode()).isEqualTo(200);
        List<CustomerIoSimulator.Request> requests = SIMULATOR.requests();
        assertThat(requests).allSatisfy(request -> {
            assertThat(request.path()).isEqualTo("/api/v2/batch");
            assertThat(request.bytes()).isLessThanOrEqualTo(MAX_BYTES);
            assertThat(request.status()).isEqualTo(200);
        });
        assertThat(requests.size()).as("batch requests for 200 users").isBetween(2, 40);
        assertThat(SIMULATOR.batchItems()).containsEntry("identify", 200L);
        for (int i = 0; i < 200; i++) {
            assertThat(SIMULATOR.identifiesOf("v2-split-user-" + i + "@example.com")).isEqualTo(1);
        }
        assertThat(firehoseEntries()).hasSize(200);
        System.out.println("v2: 200 users in " + requests.size() + " batch requests");
    }

    @Test
    void aUsersPageViewIsAPageItemAfterItsIdentify() {
        ObjectNode notification = TestNotifications.fixture();
        notification.put("notification_id", java.util.UUID.randomUUID().toString());
        ObjectNode settings = (ObjectNode) notification.path("connector").path("private_settings");
        settings.put("site_id", "v2-events");
        settings.put("api_key", "key-v2-events");

        HttpResponse<String> answer = postNotification(notification);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(SIMULATOR.batchItems()).containsEntry("identify", 1L).containsEntry("page", 1L);
        assertThat(SIMULATOR.refusedBatchItems()).isZero();
        assertThat(SIMULATOR.requests()).extracting(CustomerIoSimulator.Request::path).containsOnly("/api/v2/batch");
        // every item of every batch request, in the order Customer.io received them: the page view of the person
        // comes after the person's identify, in a later request (it waits for the identify's outcome)
        List<String> items = new ArrayList<>();
        List<LoggedRequest> batches = CUSTOMERIO.findAll(postRequestedFor(urlPathEqualTo("/api/v2/batch")));
        for (int request = 0; request < batches.size(); request++) {
            for (JsonNode item : json(batches.get(request).getBodyAsString()).path("batch")) {
                items.add(request + ":" + item.path("type").asText() + "/" + item.path("action").asText() + "/"
                        + item.path("identifiers"));
            }
        }
        assertThat(items).containsExactly("0:person/identify/{\"email\":\"sven@hull.io\"}",
                "1:person/page/{\"email\":\"sven@hull.io\"}");
    }

    @Test
    void itemsRefusedIn207AreThoseUsersErrorsAndTheOthersAreWrittenBack(CapturedOutput output) {
        SIMULATOR.behave(Behaviour.normal().refusingIdentifiersWith("v2-207-user-3@"));

        HttpResponse<String> answer = postNotification(TestNotifications.forSite("v2-207", 10));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(SIMULATOR.refusedBatchItems()).isEqualTo(1);
        Set<String> writtenBack = writtenBackIds();
        assertThat(writtenBack).hasSize(9).doesNotContain("v2-207-user-3@example.com");
        assertThat(output.getOut()).contains("refused by Customer.io: invalid, field identifiers, refused on purpose by the simulator");
    }

    @Test
    void anItemOver32KbIsRefusedAloneAndTheOthersGo(CapturedOutput output) {
        ObjectNode notification = TestNotifications.forSite("v2-big", 5);
        ObjectNode settings = (ObjectNode) notification.path("connector").path("private_settings");
        ArrayNode attributes = settings.putArray("synchronized_attributes");
        ObjectNode big = (ObjectNode) notification.path("messages").get(2).path("user");
        for (int i = 0; i < 60; i++) {
            attributes.add("big_" + i);
            big.put("big_" + i, "x".repeat(900));
        }

        HttpResponse<String> answer = postNotification(notification);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(SIMULATOR.batchItems()).containsEntry("identify", 4L);
        assertThat(SIMULATOR.refusedBatchItems()).isZero();
        assertThat(writtenBackIds()).hasSize(4).doesNotContain("v2-big-user-2@example.com");
        assertThat(output.getOut()).contains("over Customer.io's 32 KB per item");
    }

    @Test
    void batchesAnswered429AreSentAgainWithNothingLostAndNothingTwice() {
        SIMULATOR.behave(Behaviour.normal().withRateLimit(2, 1));

        HttpResponse<String> answer = postNotification(TestNotifications.forSite("v2-429", 300));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(SIMULATOR.requests()).anySatisfy(request -> assertThat(request.status()).isEqualTo(429));
        for (int i = 0; i < 300; i++) {
            assertThat(SIMULATOR.identifiesOf("v2-429-user-" + i + "@example.com")).as("user %d", i).isEqualTo(1);
        }
        assertThat(writtenBackIds()).hasSize(300);
    }

    @Test
    void aBatchThatKeepsFailingIsSentAgainInHalvesDownToSingleItems(CapturedOutput output) {
        // Customer.io answers 500 to every batch of two items or more: only halves down to one item get through
        answerBatches(matchingJsonPath("$.batch[1]"), 500, "busy");

        HttpResponse<String> answer = postNotification(TestNotifications.forSite("v2-halves", 8));

        assertThat(answer.statusCode()).isEqualTo(200);
        for (int i = 0; i < 8; i++) {
            assertThat(SIMULATOR.identifiesOf("v2-halves-user-" + i + "@example.com")).as("user %d", i).isEqualTo(1);
        }
        assertThat(writtenBackIds()).hasSize(8);
        // every batch of several items that failed, by the users it held: each tried at most split-after-failures
        // (2) times, then halved (an attempt lost on its way, a stale pooled connection, only makes it fewer)
        Map<List<String>, Long> triesOfEachBatch = CUSTOMERIO.findAll(postRequestedFor(urlPathEqualTo("/api/v2/batch"))).stream()
                .map(request -> json(request.getBodyAsString()).path("batch"))
                .filter(batch -> batch.size() > 1)
                .map(batch -> StreamSupport.stream(batch.spliterator(), false).map(item -> item.path("identifiers").toString())
                        .sorted().toList())
                .collect(Collectors.groupingBy(users -> users, Collectors.counting()));
        assertThat(triesOfEachBatch).as("batches of several items").isNotEmpty()
                .allSatisfy((users, tries) -> assertThat(tries).as("tries of %s", users).isBetween(1L, 2L));
        assertThat(output.getOut()).contains("items are sent again as batches of");
    }

    @Test
    void anItemThatMakesItsBatchRefusedWholeFailsAloneAndTheOthersGo(CapturedOutput output) {
        // Customer.io refuses with 400 any batch that holds user 3 (not item by item, as a 207 would)
        answerBatches(containing("v2-poison-user-3@example.com"), 400, "cannot read batch");

        HttpResponse<String> answer = postNotification(TestNotifications.forSite("v2-poison", 8));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(SIMULATOR.identifiesOf("v2-poison-user-3@example.com")).isZero();
        assertThat(writtenBackIds()).hasSize(7).doesNotContain("v2-poison-user-3@example.com");
        assertThat(output.getOut()).contains("outgoing.user.error").contains("answered 400");
    }

    @Test
    void aReSentNotificationAfterAPartialFailureSendsOnlyWhatFailed() {
        // round 1: every batch holding user 3 fails (500) until its retries run out: user 3 is handed back to Hull
        answerBatches(containing("v2-resend-user-3@example.com"), 500, "busy");
        ObjectNode notification = TestNotifications.forSite("v2-resend", 10);

        HttpResponse<String> first = postNotification(notification);

        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(writtenBackIds()).hasSize(9).doesNotContain("v2-resend-user-3@example.com");

        // round 2: Customer.io is well again and Hull sends the same users (Hull's copy has no new sync state yet)
        CUSTOMERIO.resetAll();
        resetSimulator();
        HttpResponse<String> second = postNotification(notification);

        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(SIMULATOR.batchItems()).containsEntry("identify", 1L);
        assertThat(SIMULATOR.identifiesOf("v2-resend-user-3@example.com")).isEqualTo(1);
    }

    /** Customer.io's answer to every batch request whose body matches, before the simulator sees it. */
    private static void answerBatches(ContentPattern<?> body, int status, String error) {
        CUSTOMERIO.stubFor(post(urlPathEqualTo("/api/v2/batch")).atPriority(1).withRequestBody(body)
                .willReturn(aResponse().withStatus(status).withBody("{\"meta\":{\"error\":\"" + error + "\"}}")));
    }

    private static Set<String> writtenBackIds() {
        Set<String> ids = new HashSet<>();
        List<JsonNode> entries = new ArrayList<>(firehoseEntries());
        for (JsonNode entry : entries) {
            ids.add(entry.path("body").path("customerio/id").asText());
        }
        return ids;
    }
}
