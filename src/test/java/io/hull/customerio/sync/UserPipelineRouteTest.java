package io.hull.customerio.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.hull.customerio.support.ConnectorTestSupport;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

/**
 * The user pipeline as an operator and an integration engineer see it: a notification in over HTTP, and what leaves
 * the connector (the calls Customer.io receives, the traits Hull receives, the log lines), with the steps of
 * ../shared/contract.md §6 it went through, by their ids. Each of those steps is watched (AdviceWith, before the
 * step: the step itself still runs), so a step dropped, renamed or moved out of the flow fails here in seconds.
 */
@UseAdviceWith
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = "customerio.attributes-per-request=3")
class UserPipelineRouteTest extends ConnectorTestSupport {

    /** The §6 steps of a user and its events that the routes have now, in flow order. */
    private static final List<String> WATCHED_STEPS = List.of("split-attribute-chunks", "throttle-per-site",
            "customerio-identify", "customerio-event");
    private static final String CUSTOMER_PATH = "/api/v1/customers/sven%40hull.io";

    /** The step ids, in the order exchanges passed them. */
    private static final List<String> PASSED = Collections.synchronizedList(new ArrayList<>());

    @Autowired
    CamelContext camel;

    @BeforeEach
    void watchTheStepsOnce() throws Exception {
        if (!camel.isStarted()) {
            for (String step : WATCHED_STEPS) {
                AdviceWith.adviceWith(camel, routeOf(step), advice -> advice.weaveById(step).before().process(exchange -> PASSED.add(step)));
            }
            camel.start();
        }
        PASSED.clear();
    }

    @Test
    void aWhitelistedUserIsIdentifiedInChunksThenItsEventIsSentThenItsStateIsWrittenBack(CapturedOutput output) {
        HttpResponse<String> answer = postNotification(withSynchronizedAttributes());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(json(answer.body()).path("flow_control").path("type").asText()).isEqualTo("next");
        // identify: PUTs of at most customerio.attributes-per-request attributes that together are the customer
        List<LoggedRequest> calls = CUSTOMERIO.findAll(anyRequestedFor(anyUrl()));
        List<LoggedRequest> puts = calls.stream().filter(call -> call.getMethod().getName().equals("PUT")).toList();
        assertThat(puts).hasSizeGreaterThan(1).allSatisfy(put -> assertThat(put.getUrl()).isEqualTo(CUSTOMER_PATH));
        Set<String> sent = new HashSet<>();
        for (LoggedRequest put : puts) {
            JsonNode chunk = json(put.getBodyAsString());
            assertThat(chunk.size()).isBetween(1, 3);
            chunk.fieldNames().forEachRemaining(name -> assertThat(sent.add(name)).as("%s sent once", name).isTrue());
        }
        assertThat(sent).containsExactlyInAnyOrder("email", "created_at", "hull_segments", "name", "first_seen_at",
                "last_known_ip", "external_id", "coconut");
        // then its page view, once the customer is there
        assertThat(calls).last().satisfies(event -> {
            assertThat(event.getMethod().getName()).isEqualTo("POST");
            assertThat(event.getUrl()).isEqualTo(CUSTOMER_PATH + "/events");
            assertThat(json(event.getBodyAsString()).path("type").asText()).isEqualTo("page");
        });
        assertThat(calls).hasSize(puts.size() + 1);
        // then the sync state, to Hull
        List<JsonNode> traits = firehoseEntries();
        assertThat(traits).singleElement().satisfies(entry -> {
            assertThat(entry.path("type").asText()).isEqualTo("traits");
            assertThat(entry.path("body").path("customerio/id").asText()).isEqualTo("sven@hull.io");
            assertThat(entry.path("body").path("customerio/hash").asText()).hasSize(64);
        });
        assertThat(output.getOut()).contains("\"outgoing.user.success\"").contains("\"outgoing.event.success\"");
        // the steps: the chunks, each identify through the site's throttle, then the event (through it too)
        assertThat(PASSED.get(0)).isEqualTo("split-attribute-chunks");
        assertThat(PASSED).filteredOn("customerio-identify"::equals).hasSize(puts.size());
        assertThat(PASSED).filteredOn("throttle-per-site"::equals).hasSize(puts.size() + 1);
        assertThat(PASSED).filteredOn("customerio-event"::equals).hasSize(1);
        assertThat(PASSED.lastIndexOf("customerio-identify")).isLessThan(PASSED.indexOf("customerio-event"));
    }

    @Test
    void aChunkCustomerIoRefusesStopsTheRestAndIsTheUsersOutcome(CapturedOutput output) {
        // the second PUT of the customer is refused for good
        CUSTOMERIO.stubFor(put(urlEqualTo(CUSTOMER_PATH)).inScenario("second refused").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(200).withBody("{}")).willSetStateTo("one sent"));
        CUSTOMERIO.stubFor(put(urlEqualTo(CUSTOMER_PATH)).inScenario("second refused").whenScenarioStateIs("one sent")
                .willReturn(aResponse().withStatus(400).withBody("{\"meta\":{\"error\":\"attribute refused\"}}")));

        HttpResponse<String> answer = postNotification(withSynchronizedAttributes());

        // refused by Customer.io as invalid: logged, answered "next" (sending it again would not help)
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(json(answer.body()).path("flow_control").path("type").asText()).isEqualTo("next");
        assertThat(CUSTOMERIO.findAll(anyRequestedFor(anyUrl()))).extracting(LoggedRequest::getUrl)
                .containsExactly(CUSTOMER_PATH, CUSTOMER_PATH);
        assertThat(firehoseEntries()).isEmpty();
        assertThat(output.getOut()).contains("\"outgoing.user.error\"").contains("answered 400").contains("attribute refused");
        assertThat(PASSED).doesNotContain("customerio-event").filteredOn("customerio-identify"::equals).hasSize(2);
    }

    @Test
    void aUserOutsideTheWhitelistedSegmentsIsNeitherIdentifiedNorDeleted(CapturedOutput output) {
        ObjectNode notification = fixtureNotification();
        ((ObjectNode) notification.path("connector").path("private_settings")).putArray("synchronized_segments").add("another-segment");

        HttpResponse<String> answer = postNotification(notification);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();
        assertThat(firehoseEntries()).isEmpty();
        assertThat(output.getOut()).contains("\"outgoing.user.skip\"").contains("not in any synchronized segment");
        assertThat(PASSED).isEmpty();
    }

    /** The fixture, with five attributes synchronized beside email, created_at and hull_segments. */
    private static ObjectNode withSynchronizedAttributes() {
        ObjectNode notification = fixtureNotification();
        ((ObjectNode) notification.path("connector").path("private_settings")).putArray("synchronized_attributes")
                .add("name").add("first_seen_at").add("last_known_ip").add("external_id").add("traits_coconut");
        return notification;
    }

    /** The route a step is in, wherever the routes put it. */
    private String routeOf(String step) {
        for (RouteDefinition route : camel.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinitions()) {
            if (ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(), ProcessorDefinition.class).stream()
                    .anyMatch(node -> step.equals(node.getId()))) {
                return route.getRouteId();
            }
        }
        throw new AssertionError("no route has a step " + step);
    }
}
