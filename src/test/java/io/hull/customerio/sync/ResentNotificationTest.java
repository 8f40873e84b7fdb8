package io.hull.customerio.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.hull.customerio.support.ConnectorTestSupport;
import io.hull.customerio.support.TestNotifications;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Hull sends a notification again, whole, when it was answered 503; the users that did succeed still carry their old
 * customerio/hash in it. They must not be identified again (issue #18: at most 1.05 identify calls per user that
 * succeeded, over Hull's re-sends), and Hull must learn every success even when one write-back batch fails.
 */
class ResentNotificationTest extends ConnectorTestSupport {

    @Test
    void aNotificationSentAgainAfterOneUserFailedSendsOnlyThatUser() {
        String failing = "/api/v1/customers/resend-a-user-7%40example.com";
        CUSTOMERIO.stubFor(put(urlEqualTo(failing)).atPriority(1).willReturn(aResponse().withStatus(503)));
        ObjectNode notification = TestNotifications.forSite("resend-a", 40);

        for (int send = 0; send < 3; send++) {
            assertThat(postNotification(notification.deepCopy()).statusCode()).as("send %d", send).isEqualTo(503);
        }
        CUSTOMERIO.removeStub(CUSTOMERIO.getStubMappings().stream()
                .filter(stub -> stub.getRequest().getUrl() != null && stub.getRequest().getUrl().equals(failing))
                .findFirst().orElseThrow());
        HttpResponse<String> last = postNotification(notification.deepCopy());

        assertThat(last.statusCode()).isEqualTo(200);
        Map<String, Long> puts = putsByPath();
        assertThat(puts).hasSize(40);
        assertThat(puts.get(failing)).isGreaterThan(3);
        Map<String, Long> succeeded = puts.entrySet().stream().filter(e -> !e.getKey().equals(failing))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        double perUser = succeeded.values().stream().mapToLong(Long::longValue).sum() / (double) succeeded.size();
        System.out.printf("re-sends: %.2f identify calls per user that succeeded (39 users, 4 sends)%n", perUser);
        assertThat(succeeded.values()).as("identify calls of each user that succeeded").containsOnly(1L);
    }

    @Test
    void everyWriteBackBatchIsTriedWhenOneFailsAndOnlyItsUsersAreSentAgain() {
        // the first firehose request fails; the two after it are accepted
        HULL.stubFor(post(urlEqualTo("/")).atPriority(1).inScenario("hull").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        ObjectNode notification = TestNotifications.forSite("resend-b", 250);

        HttpResponse<String> first = postNotification(notification.deepCopy());

        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(HULL.findAll(postRequestedFor(urlEqualTo("/")))).as("write-back requests").hasSize(3);
        assertThat(firehoseEntries()).hasSize(250);
        CUSTOMERIO.resetRequests();

        HttpResponse<String> again = postNotification(notification.deepCopy());

        assertThat(again.statusCode()).isEqualTo(200);
        // the 150 users whose write-back Hull accepted are remembered; the 100 of the failed batch go again
        assertThat(CUSTOMERIO.findAll(putRequestedFor(urlPathMatching("/api/v1/customers/.*")))).hasSize(100);
    }

    private static Map<String, Long> putsByPath() {
        List<LoggedRequest> puts = CUSTOMERIO.findAll(putRequestedFor(urlPathMatching("/api/v1/customers/.*")));
        return puts.stream().collect(Collectors.groupingBy(LoggedRequest::getUrl, Collectors.counting()));
    }
}
