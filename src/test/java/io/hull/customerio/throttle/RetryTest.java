package io.hull.customerio.throttle;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.hull.customerio.support.ThrottledConnectorTestSupport;
import java.net.http.HttpResponse;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Retries of Customer.io calls, seen from Customer.io's side and in the answer to Hull. */
class RetryTest extends ThrottledConnectorTestSupport {

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
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(arrivals("retry-slow")).hasSize(2);
        assertThat(tookMillis).as("the first attempt waited the whole request timeout").isGreaterThanOrEqualTo(2_000L);
    }

    @Test
    void anAnswerThatDribblesInIsCutOffAtTheRequestTimeout() {
        // every piece of the answer comes within Apache's read timeout, the whole of it only after 5 s: the call is
        // cut off at customerio.request-timeout (2 s in the tests) and retried
        failFirstPut(aResponse().withStatus(200).withBody("{\"padding\": \"" + "x".repeat(200) + "\"}")
                .withChunkedDribbleDelay(10, 5_000));

        long start = System.nanoTime();
        HttpResponse<String> answer = postNotification(notificationFor("retry-dribble", 1));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(arrivals("retry-dribble")).hasSize(2);
        assertThat(tookMillis).as("cut off at 2 s, not after the 5 s the answer took").isBetween(2_000L, 4_500L);
    }

    @Test
    void retryAfterPausesTheWholeSite() {
        failFirstPut(aResponse().withStatus(429).withHeader("Retry-After", "1"));

        HttpResponse<String> answer = postNotification(notificationFor("retry-429", 6));

        assertThat(answer.statusCode()).isEqualTo(200);
        // only this site's requests: other Spring contexts of the suite share the Customer.io stand-in
        List<ServeEvent> served = CUSTOMERIO.getAllServeEvents().stream()
                .filter(event -> "retry-429".equals(siteOf(event.getRequest())))
                .sorted(Comparator.comparing(event -> event.getRequest().getLoggedDate()))
                .toList();
        // Six users, each PUT once successfully; the failing stub is a WireMock scenario, so two PUTs
        // arriving together may both get the 429 before its state changes: each 429 is retried once.
        long tooManyCount = served.stream().filter(event -> event.getResponse().getStatus() == 429).count();
        assertThat(tooManyCount).isPositive();
        assertThat(served.stream().filter(event -> event.getResponse().getStatus() == 200)).hasSize(6);
        assertThat(served).hasSize((int) (6 + tooManyCount));
        long tooMany = served.stream().filter(event -> event.getResponse().getStatus() == 429)
                .findFirst().orElseThrow().getRequest().getLoggedDate().getTime();
        List<Long> after = served.stream().map(event -> event.getRequest().getLoggedDate().getTime())
                .filter(time -> time > tooMany).toList();
        System.out.printf("retry-after: 429 at +0 ms, later arrivals at %s ms%n",
                after.stream().map(time -> time - tooMany).toList());
        // Requests already on their way when the 429 was answered may still arrive just after it;
        // after that nothing reaches the site until the second has passed, then everything goes.
        assertThat(after).noneMatch(time -> time > tooMany + 100 && time < tooMany + 990);
        assertThat(after).filteredOn(time -> time >= tooMany + 990).isNotEmpty();
    }

    @Test
    void aSiteThatKeepsFailingIsAnswered503RetryBeforeTheDeadline() {
        CUSTOMERIO.stubFor(put(urlMatching("/api/v1/customers/.*")).willReturn(aResponse().withStatus(500)));

        long start = System.nanoTime();
        HttpResponse<String> answer = postNotification(notificationFor("retry-down", 1));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(json(answer.body()).path("flow_control").path("type").asText()).isEqualTo("retry");
        System.out.printf("keeps failing: answered 503 after %d ms and %d attempts (max-elapsed %d ms)%n",
                tookMillis, arrivals("retry-down").size(), MAX_ELAPSED_MILLIS);
        assertThat(arrivals("retry-down").size()).isGreaterThan(2);
        assertThat(tookMillis).isLessThan(MAX_ELAPSED_MILLIS + 1_500);
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
