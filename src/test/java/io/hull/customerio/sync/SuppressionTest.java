package io.hull.customerio.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.hull.customerio.support.ConnectorTestSupport;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * suppressed_segments over real HTTP (Track API v1): a user in one is suppressed once and nothing else is sent for it;
 * one that leaves them is unsuppressed and synced again; events of a deleted user are not sent.
 */
@ExtendWith(OutputCaptureExtension.class)
class SuppressionTest extends ConnectorTestSupport {

    static final String HULL_USERS = "596796d24eaa537e6900e1ee";
    static final String CUSTOMER = "/api/v1/customers/sven%40hull.io";

    /** The fixture's user (in segment Hull Users, whitelisted, with a page event) with these suppressed segments. */
    static ObjectNode suppressing(String... segments) {
        ObjectNode notification = fixtureNotification();
        var list = ((ObjectNode) notification.path("connector").path("private_settings")).putArray("suppressed_segments");
        for (String segment : segments) {
            list.add(segment);
        }
        return notification;
    }

    static ObjectNode user(ObjectNode notification) {
        return (ObjectNode) notification.path("messages").get(0).path("user");
    }

    @Test
    void aUserInASuppressedSegmentIsSuppressedOnceAndNothingElseIsSent(CapturedOutput output) {
        ObjectNode notification = suppressing(HULL_USERS);

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        List<LoggedRequest> calls = CUSTOMERIO.findAll(anyRequestedFor(anyUrl()));
        assertThat(calls).extracting(r -> r.getMethod() + " " + r.getUrl()).containsExactly("POST " + CUSTOMER + "/suppress");
        JsonNode traits = firehoseEntries().get(0).path("body");
        assertThat(traits.path("customerio/suppressed_at").asText()).isNotBlank();
        assertThat(traits.path("customerio/deleted_at").asText()).isEqualTo(traits.path("customerio/suppressed_at").asText());
        assertThat(output.getOut()).contains("\"outgoing.user.suppressed\"")
                .contains("the user is suppressed (suppressed_segments): nothing is sent for it");

        // Hull holds the traits: suppressed already, nothing is sent
        resetStandIns();
        user(notification).put("traits_customerio/suppressed_at", traits.path("customerio/suppressed_at").asText());
        user(notification).put("traits_customerio/deleted_at", traits.path("customerio/deleted_at").asText());
        assertThat(postNotification(notification).statusCode()).isEqualTo(200);
        assertThat(CUSTOMERIO.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertThat(firehoseEntries()).isEmpty();
        assertThat(output.getOut()).contains("suppressed in Customer.io already");
    }

    @Test
    void aUserThatLeftEverySuppressedSegmentIsUnsuppressedThenSyncedAsAnyOther(CapturedOutput output) {
        ObjectNode notification = suppressing("some-other-segment");
        user(notification).put("traits_customerio/id", "sven@hull.io");
        user(notification).put("traits_customerio/suppressed_at", "2024-01-01T00:00:00Z");
        user(notification).put("traits_customerio/deleted_at", "2024-01-01T00:00:00Z");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        List<LoggedRequest> calls = CUSTOMERIO.findAll(anyRequestedFor(urlMatching("/api/v1/customers/sven%40hull.io.*")));
        assertThat(calls).extracting(r -> r.getMethod() + " " + r.getUrl())
                .startsWith("POST " + CUSTOMER + "/unsuppress", "PUT " + CUSTOMER);
        JsonNode traits = firehoseEntries().get(0).path("body");
        assertThat(traits.has("customerio/suppressed_at")).isTrue();
        assertThat(traits.path("customerio/suppressed_at").isNull()).isTrue();
        assertThat(traits.path("customerio/deleted_at").isNull()).isTrue();
        assertThat(traits.path("customerio/id").asText()).isEqualTo("sven@hull.io");
        assertThat(output.getOut()).contains("\"outgoing.user.unsuppressed\"").contains("\"outgoing.user.success\"");
    }

    /** Its last hash in Hull is of what Customer.io held before the suppression: the person is identified again all the same. */
    @Test
    void anUnsuppressedUserIsIdentifiedAgainWhateverHashHullStillShows() {
        ObjectNode notification = suppressing("some-other-segment");
        ((com.fasterxml.jackson.databind.node.ArrayNode) notification.path("messages").get(0).path("events")).removeAll();
        assertThat(postNotification(notification).statusCode()).isEqualTo(200);
        JsonNode synced = firehoseEntries().get(0).path("body");

        resetStandIns();
        synced.fields().forEachRemaining(trait -> user(notification).set("traits_" + trait.getKey(), trait.getValue()));
        user(notification).put("traits_customerio/suppressed_at", "2024-01-01T00:00:00Z");
        user(notification).put("traits_customerio/deleted_at", "2024-01-01T00:00:00Z");
        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.findAll(anyRequestedFor(anyUrl()))).extracting(r -> r.getMethod() + " " + r.getUrl())
                .containsExactly("POST " + CUSTOMER + "/unsuppress", "PUT " + CUSTOMER);
    }

    @Test
    void eventsOfADeletedUserAreNotSentTheyWouldCreateThePersonAgain(CapturedOutput output) {
        ObjectNode notification = fixtureNotification();
        ((ObjectNode) notification.path("connector").path("private_settings")).putArray("synchronized_segments").add("another-segment");
        user(notification).put("traits_customerio/id", "sven@hull.io");
        user(notification).put("traits_customerio/deleted_at", "2024-01-01T00:00:00Z");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.findAll(postRequestedFor(urlEqualTo(CUSTOMER + "/events")))).isEmpty();
        assertThat(CUSTOMERIO.findAll(putRequestedFor(anyUrl()))).isEmpty();
        assertThat(output.getOut()).contains("\"outgoing.event.skip\"").contains("customerio/deleted_at is set");
    }
}
