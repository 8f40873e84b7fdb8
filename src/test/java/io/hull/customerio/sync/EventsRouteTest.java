package io.hull.customerio.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static io.hull.customerio.sync.UserSyncRouteTest.message;
import static io.hull.customerio.sync.UserSyncRouteTest.settings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.f4b6a3.ulid.Ulid;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.hull.customerio.support.ConnectorTestSupport;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Hull events → Customer.io events through the real routes. */
@ExtendWith(OutputCaptureExtension.class)
class EventsRouteTest extends ConnectorTestSupport {

    private static final String CUSTOMER_EVENTS = "/api/v1/customers/sven%40hull.io/events";

    @Test
    void thePageViewOfTheFixtureGoesOutAfterTheIdentify(CapturedOutput output) {
        HttpResponse<String> response = postNotification(fixtureNotification());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode event = onlyEventTo(CUSTOMER_EVENTS);
        assertThat(event.path("type").asText()).isEqualTo("page");
        assertThat(event.path("name").asText()).isEqualTo("http://beta.hull.io/pricing/");
        assertThat(event.path("timestamp").asLong()).isEqualTo(1522420682L);
        assertThat(event.path("data").path("referrer").asText()).isEqualTo("http://beta.hull.io/connectors/");
        assertThat(event.path("data").path("title").asText()).isEqualTo("Pricing | Hull");
        Ulid id = Ulid.from(event.path("id").asText());
        assertThat(id.getTime()).isEqualTo(1522420682000L);

        // WireMock lists the most recent request first: the identify came before the event.
        List<String> order = CUSTOMERIO.getAllServeEvents().stream()
                .map(e -> e.getRequest().getMethod() + " " + e.getRequest().getUrl()).toList();
        assertThat(order).containsExactly("POST " + CUSTOMER_EVENTS, "PUT /api/v1/customers/sven%40hull.io");
        assertThat(output.getOut()).contains("outgoing.event.success");
    }

    @Test
    void aPageViewWithoutUrlPropertyTakesTheContextUrl() {
        ObjectNode notification = fixtureNotification();
        ObjectNode page = (ObjectNode) message(notification).path("events").get(0);
        ((ObjectNode) page.path("properties")).remove("url");
        ((ObjectNode) page.path("properties")).remove("referrer");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        JsonNode event = onlyEventTo(CUSTOMER_EVENTS);
        assertThat(event.path("name").asText()).isEqualTo("http://beta.hull.io/pricing/");
        assertThat(event.path("data").path("referrer").asText()).isEqualTo("http://beta.hull.io/connectors/");
    }

    @Test
    void aGenericEventCarriesItsPropertiesAndIsoTimestamp() {
        ObjectNode notification = fixtureNotification();
        settings(notification).putArray("events_filter").add("Signed Up");
        ArrayNode events = (ArrayNode) message(notification).path("events");
        events.removeAll();
        ObjectNode signedUp = events.addObject();
        signedUp.put("event", "Signed Up").put("event_id", "evt-1").put("created_at", "2018-03-30T14:38:02Z");
        signedUp.putObject("properties").put("plan", "pro").put("seats", 3);

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        JsonNode event = onlyEventTo(CUSTOMER_EVENTS);
        assertThat(event.path("name").asText()).isEqualTo("Signed Up");
        assertThat(event.has("type")).isFalse();
        assertThat(event.path("data").path("plan").asText()).isEqualTo("pro");
        assertThat(event.path("data").path("seats").asInt()).isEqualTo(3);
        assertThat(event.path("timestamp").asLong()).isEqualTo(1522420682L);
    }

    @Test
    void eventsNotInTheWhitelistAreSkippedAndLogged(CapturedOutput output) {
        ObjectNode notification = fixtureNotification();
        settings(notification).putArray("events_filter").add("Signed Up");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.findAll(postRequestedFor(anyUrl()))).isEmpty();
        assertThat(output.getOut()).contains("outgoing.event.skip").contains("not in events_filter").contains("\"page\"");
    }

    @Test
    void withoutAnIdTheEventsGoAnonymousWhenEnabled() {
        ObjectNode notification = fixtureNotification();
        settings(notification).put("user_id_mapping", "external_id").put("anonymous_events", true);
        ((ObjectNode) message(notification).path("user")).remove("external_id");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.findAll(putRequestedFor(anyUrl()))).isEmpty();
        JsonNode event = onlyEventTo("/api/v1/events");
        assertThat(event.path("anonymous_id").asText()).isEqualTo("5908db9857b9265d4500059f");
        assertThat(event.path("name").asText()).isEqualTo("http://beta.hull.io/pricing/");
        assertThat(event.path("id").asText()).hasSize(26);
    }

    @Test
    void anonymousEventsFallBackToTheUsersFirstAnonymousId() {
        ObjectNode notification = fixtureNotification();
        settings(notification).put("user_id_mapping", "external_id").put("anonymous_events", true);
        ((ObjectNode) message(notification).path("user")).remove("external_id");
        ((ObjectNode) message(notification).path("events").get(0)).remove("anonymous_id");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(onlyEventTo("/api/v1/events").path("anonymous_id").asText()).isEqualTo("intercom:5908db986436cb40a2720ac5");
    }

    @Test
    void withoutAnIdAndAnonymousEventsOffNothingIsSent(CapturedOutput output) {
        ObjectNode notification = fixtureNotification();
        settings(notification).put("user_id_mapping", "external_id").put("anonymous_events", false);
        ((ObjectNode) message(notification).path("user")).remove("external_id");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();
        assertThat(output.getOut()).contains("outgoing.event.skip").contains("anonymous_events is disabled");
    }

    @Test
    void eventsOfUsersOutsideTheSegmentsAreNotSent() {
        ObjectNode notification = fixtureNotification();
        settings(notification).putArray("synchronized_segments").add("another-segment");
        settings(notification).put("anonymous_events", true);

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();
    }

    @Test
    void theSameHullEventAlwaysGetsTheSameId() {
        assertThat(postNotification(fixtureNotification()).statusCode()).isEqualTo(200);
        String first = onlyEventTo(CUSTOMER_EVENTS).path("id").asText();
        CUSTOMERIO.resetRequests();

        assertThat(postNotification(fixtureNotification()).statusCode()).isEqualTo(200);
        String second = onlyEventTo(CUSTOMER_EVENTS).path("id").asText();

        assertThat(second).isEqualTo(first);

        CUSTOMERIO.resetRequests();
        ObjectNode other = fixtureNotification();
        ((ObjectNode) message(other).path("events").get(0)).put("event_id", "another-event");
        assertThat(postNotification(other).statusCode()).isEqualTo(200);
        assertThat(onlyEventTo(CUSTOMER_EVENTS).path("id").asText()).isNotEqualTo(first);
    }

    @Test
    void anOversizedEventIsNotSentButTheOthersAre(CapturedOutput output) {
        ObjectNode notification = fixtureNotification();
        settings(notification).putArray("events_filter").add("page").add("Big").add("x".repeat(101));
        ArrayNode events = (ArrayNode) message(notification).path("events");
        events.addObject().put("event", "Big").put("event_id", "big-1").putObject("properties").put("blob", "b".repeat(100_001));
        events.addObject().put("event", "x".repeat(101)).put("event_id", "long-1");

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(onlyEventTo(CUSTOMER_EVENTS).path("type").asText()).isEqualTo("page");
        assertThat(output.getOut()).contains("outgoing.event.error")
                .contains("more than Customer.io's 100000").contains("more than Customer.io's 100");
    }

    @Test
    void aRefusedEventIsFinal(CapturedOutput output) {
        CUSTOMERIO.stubFor(post(urlMatching(".*/events")).willReturn(aResponse().withStatus(400).withBody("{\"meta\":{\"error\":\"bad event\"}}")));

        HttpResponse<String> response = postNotification(fixtureNotification());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(output.getOut()).contains("outgoing.event.error").contains("bad event");
        // the customer itself made it, so its sync state is recorded
        assertThat(firehoseEntries()).hasSize(1);
    }

    @Test
    void anEventThatCannotBeDeliveredNowAsksHullToRetry() {
        CUSTOMERIO.stubFor(post(urlMatching(".*/events")).willReturn(aResponse().withStatus(500)));

        HttpResponse<String> response = postNotification(fixtureNotification());

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response.body()).path("flow_control").path("type").asText()).isEqualTo("retry");
    }

    @Test
    void anUnchangedUserWithNewEventsIsUpdated() {
        ObjectNode notification = fixtureNotification();
        ArrayNode events = (ArrayNode) message(notification).path("events");
        JsonNode page = events.get(0).deepCopy();
        events.removeAll();
        assertThat(postNotification(notification).statusCode()).isEqualTo(200);
        JsonNode traits = firehoseEntries().get(0).path("body");
        CUSTOMERIO.resetRequests();

        ObjectNode user = (ObjectNode) message(notification).path("user");
        traits.fields().forEachRemaining(trait -> user.set("traits_" + trait.getKey(), trait.getValue()));
        events.add(page);
        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.findAll(putRequestedFor(anyUrl()))).hasSize(1);
        assertThat(CUSTOMERIO.findAll(postRequestedFor(urlEqualTo(CUSTOMER_EVENTS)))).hasSize(1);
    }

    private static JsonNode onlyEventTo(String path) {
        List<LoggedRequest> posts = CUSTOMERIO.findAll(postRequestedFor(urlEqualTo(path)));
        assertThat(posts).hasSize(1);
        assertThat(CUSTOMERIO.getAllServeEvents().stream().map(ServeEvent::getRequest)
                .filter(r -> r.getMethod().getName().equals("POST")).count()).isEqualTo(1);
        return json(posts.get(0).getBodyAsString());
    }
}
