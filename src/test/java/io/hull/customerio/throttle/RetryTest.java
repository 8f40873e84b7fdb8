package io.hull.customerio.throttle;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.hull.customerio.support.ThrottledConnectorTestSupport;
import io.hull.customerio.support.Timing;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Retries of Customer.io calls, seen from Customer.io's side and in the answer to Hull. */
class RetryTest extends ThrottledConnectorTestSupport {

    /** customerio.request-timeout in the tests (ConnectorTestSupport). */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);


    @Test
    void a503IsRetriedAndTheNotificationSucceeds() {
        failFirstPut(aResponse().withStatus(503));

        HttpResponse<String> answer = postNotification(notificationFor("retry-503", 1));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(json(answer.body()).path("flow_control").path("type").asText()).isEqualTo("next");
        assertThat(arrivals("retry-503")).hasSize(2);
    }

    @Test
    void aRefusedOrResetConnectionIsRetried() {
        failFirstPut(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        assertThat(postNotification(notificationFor("retry-reset", 1)).statusCode()).isEqualTo(200);
        assertThat(arrivals("retry-reset")).hasSize(2);
    }

    @Test
    void anAnswerLaterThanTheRequestTimeoutIsRetried() {
        // customerio.request-timeout is 2 s in the tests: the first PUT is given up, the second answered
        failFirstPut(aResponse().withStatus(200).withBody("{}").withFixedDelay(3_000));

        long start = System.nanoTime();
        HttpResponse<String> answer = postNotification(notificationFor("retry-slow", 1));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(arrivals("retry-slow")).hasSize(2);
        assertThat(Timing.since(start)).as("the first attempt waited the whole request timeout").isGreaterThanOrEqualTo(REQUEST_TIMEOUT);
    }

    @Test
    void anAnswerThatDribblesInIsCutOffAtTheRequestTimeout() {
        // every piece of the answer comes within Apache's read timeout, the whole of it only after 8 s: the call is
        // cut off at customerio.request-timeout (2 s in the tests) and retried
        failFirstPut(aResponse().withStatus(200).withBody("{\"padding\": \"" + "x".repeat(200) + "\"}")
                .withChunkedDribbleDelay(10, 8_000));

        long start = System.nanoTime();
        HttpResponse<String> answer = postNotification(notificationFor("retry-dribble", 1));
        Duration took = Timing.since(start);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(arrivals("retry-dribble")).hasSize(2);
        assertThat(took).as("cut off at the request timeout, not after the 8 s the answer took")
                .isBetween(REQUEST_TIMEOUT, Timing.within(REQUEST_TIMEOUT));
    }

    @Test
    void retryAfterPausesTheWholeSite() throws Exception {
        String site = "retry-429";
        failFirstPut(aResponse().withStatus(429).withHeader("Retry-After", "2"));
        double retriedBefore = retriesAfter429();

        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> postNotification(notificationFor(site, 1)));
        // the connector has read the 429 (it counts the retry once the site is paused): every call to the site made
        // from now on, this notification's and any other's, waits for the pause to end
        await().atMost(Duration.ofSeconds(10)).until(() -> retriesAfter429() > retriedBefore);
        ObjectNode second = notificationFor(site, 6);
        ((ArrayNode) second.path("messages")).remove(0);
        HttpResponse<String> secondAnswer = postNotification(second);

        assertThat(first.get().statusCode()).isEqualTo(200);
        assertThat(secondAnswer.statusCode()).isEqualTo(200);
        // only this site's requests: other Spring contexts of the suite share the Customer.io stand-in
        List<ServeEvent> served = CUSTOMERIO.getAllServeEvents().stream()
                .filter(event -> site.equals(siteOf(event.getRequest())))
                .sorted(Comparator.comparing(event -> event.getRequest().getLoggedDate()))
                .toList();
        assertThat(served).extracting(event -> event.getResponse().getStatus()).containsExactly(429, 200, 200, 200, 200, 200, 200);
        long tooMany = served.get(0).getRequest().getLoggedDate().getTime();
        List<Long> after = served.stream().skip(1).map(event -> event.getRequest().getLoggedDate().getTime() - tooMany).toList();
        System.out.printf("retry-after: 429 at +0 ms, later arrivals at %s ms%n", after);
        // the pause ends 2 s after the connector read the 429, which it read after Customer.io logged it (10 ms: the
        // clocks' millisecond rounding)
        assertThat(after).allSatisfy(arrival -> assertThat(arrival).isGreaterThanOrEqualTo(2_000 - 10));
    }

    @Test
    void aSiteThatKeepsFailingIsAnswered503RetryBeforeTheDeadline() {
        CUSTOMERIO.stubFor(put(urlMatching("/api/v1/customers/.*")).willReturn(aResponse().withStatus(500)));

        long start = System.nanoTime();
        HttpResponse<String> answer = postNotification(notificationFor("retry-down", 1));
        Duration took = Timing.since(start);

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(json(answer.body()).path("flow_control").path("type").asText()).isEqualTo("retry");
        System.out.printf("keeps failing: answered 503 after %d ms and %d attempts (max-elapsed %d ms)%n",
                took.toMillis(), arrivals("retry-down").size(), MAX_ELAPSED_MILLIS);
        assertThat(arrivals("retry-down").size()).isGreaterThan(2);
        assertThat(took).isLessThan(Timing.within(Duration.ofMillis(MAX_ELAPSED_MILLIS)));
    }

    @Test
    void a400IsNotRetried() {
        CUSTOMERIO.stubFor(put(urlMatching("/api/v1/customers/.*")).willReturn(aResponse().withStatus(400)
                .withBody("{\"meta\":{\"error\":\"bad attribute\"}}")));

        HttpResponse<String> answer = postNotification(notificationFor("retry-400", 1));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(arrivals("retry-400")).hasSize(1);
    }

    @Test
    void aNetworkFailureIsToldInWordsNotByItsJavaClass() {
        CUSTOMERIO.stubFor(put(urlMatching("/api/v1/customers/.*")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        HttpResponse<String> answer = postNotification(notificationFor("retry-words", 1));

        assertThat(answer.statusCode()).isEqualTo(503);
        String reason = json(answer.body()).path("errors").get(0).path("reason").asText();
        assertThat(reason).contains("the connection broke").doesNotContainPattern("[A-Za-z]+(Exception|Error)");
    }

    /** The first PUT gets {@code failure}, every later one the default 200. */
    private static void failFirstPut(ResponseDefinitionBuilder failure) {
        CUSTOMERIO.stubFor(put(urlMatching("/api/v1/customers/.*")).inScenario("first fails")
                .whenScenarioStateIs(STARTED).willReturn(failure).willSetStateTo("answered"));
    }
}
