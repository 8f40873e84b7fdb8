package io.hull.customerio.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hull.customerio.Application;
import io.hull.customerio.customerio.CustomerIoCall;
import io.hull.customerio.customerio.CustomerIoRejectedException;
import io.hull.customerio.customerio.EventCall;
import io.hull.customerio.hull.HullNotification;
import io.hull.customerio.hull.NotificationParser;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The user pipeline at the route level, in seconds and without HTTP: a parsed notification goes into
 * direct:sync-user-updates, and the steps that would call Customer.io and Hull (customerio-identify,
 * customerio-event, write-sync-state-to-hull) are woven into mock endpoints by their ids. A change to the wiring
 * of hull-notifications' sub-routes or customerio-user-sync (a step dropped, moved, or renamed) fails here.
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(classes = Application.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"customerio.attributes-per-request=3", "hull.notifier.verify-signature=false"})
class UserPipelineRouteTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    CamelContext camel;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    NotificationParser parser;

    @EndpointInject("mock:customerio-identify")
    MockEndpoint identify;
    @EndpointInject("mock:customerio-event")
    MockEndpoint events;
    @EndpointInject("mock:hull-write-back")
    MockEndpoint writeBack;

    @BeforeEach
    void adviseOnce() throws Exception {
        if (!camel.isStarted()) {
            AdviceWith.adviceWith(camel, "customerio-user-sync", route -> {
                route.weaveById("customerio-identify").replace().to("mock:customerio-identify");
                route.weaveById("customerio-event").replace().to("mock:customerio-event");
            });
            AdviceWith.adviceWith(camel, "sync-user-updates",
                    route -> route.weaveById("write-sync-state-to-hull").replace().to("mock:hull-write-back"));
            camel.start();
        }
        MockEndpoint.resetMocks(camel);
    }

    @Test
    void aWhitelistedUserIsIdentifiedInChunksThenItsEventsAreSentThenItsStateIsWrittenBack() throws Exception {
        events.expectedMessageCount(1);
        writeBack.expectedMessageCount(1);

        ObjectNode notification = fixtureJson();
        ((ObjectNode) notification.path("connector").path("private_settings")).putArray("synchronized_attributes")
                .add("name").add("first_seen_at").add("last_known_ip").add("external_id").add("traits_coconut");

        Object answer = producer.requestBody("direct:sync-user-updates", parse(notification));

        MockEndpoint.assertIsSatisfied(camel);
        // split-attribute-chunks: one exchange per PUT of at most customerio.attributes-per-request, in order
        UserSyncTask task = identify.getReceivedExchanges().get(0).getProperty("userTask", UserSyncTask.class);
        assertThat(task.customerId()).isEqualTo("sven@hull.io");
        assertThat(identify.getReceivedExchanges()).hasSize(task.identifyCalls().size()).hasSizeGreaterThan(1);
        for (int i = 0; i < task.identifyCalls().size(); i++) {
            CustomerIoCall put = identify.getReceivedExchanges().get(i).getMessage().getBody(CustomerIoCall.class);
            assertThat(put.name()).isEqualTo("PUT /api/v1/customers/sven%40hull.io");
            assertThat((Map<?, ?>) put.payload()).isEqualTo(task.identifyCalls().get(i)).hasSizeLessThanOrEqualTo(3);
        }
        EventCall pageView = events.getReceivedExchanges().get(0).getProperty("event", EventCall.class);
        assertThat(events.getReceivedExchanges().get(0).getMessage().getBody(CustomerIoCall.class).path())
                .isEqualTo("/api/v1/customers/sven%40hull.io/events");
        assertThat(pageView.hullName()).isEqualTo("page");
        assertThat(pageView.customerId()).isEqualTo(task.customerId());
        // the write-back gets every user's result, and the notification is answered "next"
        List<?> results = writeBack.getReceivedExchanges().get(0).getMessage().getBody(List.class);
        assertThat(results).singleElement().extracting("outcome").isEqualTo(UserSyncResult.Outcome.SUCCESS);
        assertThat(answer).isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) answer).get("flow_control")).extracting("type").isEqualTo("next");
    }

    @Test
    void aChunkCustomerIoRefusesStopsTheRestAndIsTheUsersOutcome() throws Exception {
        identify.whenExchangeReceived(2, exchange -> {
            throw new CustomerIoRejectedException(400, "PUT /api/v1/customers/sven%40hull.io answered 400");
        });
        events.expectedMessageCount(0);
        writeBack.expectedMessageCount(1);
        ObjectNode notification = fixtureJson();
        ((ObjectNode) notification.path("connector").path("private_settings")).putArray("synchronized_attributes")
                .add("name").add("first_seen_at").add("last_known_ip").add("external_id").add("traits_coconut");

        producer.requestBody("direct:sync-user-updates", parse(notification));

        MockEndpoint.assertIsSatisfied(camel);
        UserSyncTask task = identify.getReceivedExchanges().get(0).getProperty("userTask", UserSyncTask.class);
        assertThat(task.identifyCalls()).hasSizeGreaterThan(2);
        assertThat(identify.getReceivedExchanges()).hasSize(2);
        List<?> results = writeBack.getReceivedExchanges().get(0).getMessage().getBody(List.class);
        assertThat(results).singleElement().satisfies(result -> {
            assertThat(result).extracting("outcome").isEqualTo(UserSyncResult.Outcome.FAILED);
            assertThat(result).extracting("detail").asString().contains("answered 400");
        });
    }

    @Test
    void aUserOutsideTheWhitelistedSegmentsIsNeitherIdentifiedNorDeletedButStillWrittenBack() throws Exception {
        identify.expectedMessageCount(0);
        events.expectedMessageCount(0);
        writeBack.expectedMessageCount(1);
        ObjectNode notification = fixtureJson();
        ((ObjectNode) notification.path("connector").path("private_settings")).putArray("synchronized_segments").add("another-segment");

        producer.requestBody("direct:sync-user-updates", parse(notification));

        MockEndpoint.assertIsSatisfied(camel);
        List<?> results = writeBack.getReceivedExchanges().get(0).getMessage().getBody(List.class);
        assertThat(results).singleElement().extracting("outcome").isEqualTo(UserSyncResult.Outcome.SKIPPED);
    }

    private HullNotification parse(ObjectNode notification) throws Exception {
        return parser.parse(JSON.writeValueAsBytes(notification));
    }

    private static ObjectNode fixtureJson() throws Exception {
        try (InputStream in = UserPipelineRouteTest.class.getClassLoader().getResourceAsStream("fixtures/hull/user-update-notification.json")) {
            return (ObjectNode) JSON.readTree(in);
        }
    }
}
