package io.hull.customerio.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hull.customerio.customerio.CustomerIoUnavailableException;
import io.hull.customerio.sync.UserSyncTask;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The Kafka round at the route level: notifications go in over HTTP and through the real topic and consumer
 * (hull-user-updates-consumer), but the Customer.io step of customerio-user-sync is woven into a mock endpoint by
 * its id, so the test says exactly which users the rounds handed on, how often, and that the poll was committed
 * only once every record was done with. A change to the consumer's rounds, retries or commit fails here in seconds.
 */
@UseAdviceWith
@TestPropertySource(properties = "connector.kafka.batch-wait-ms=50")
class KafkaRoundRouteTest extends KafkaTransportTestSupport {

    @Autowired
    CamelContext camel;

    @EndpointInject("mock:customerio-identify")
    MockEndpoint identify;

    @BeforeEach
    void adviseOnce() throws Exception {
        if (!camel.isStarted()) {
            AdviceWith.adviceWith(camel, "customerio-user-sync",
                    route -> route.weaveById("customerio-identify").replace().to("mock:customerio-identify"));
            camel.start();
        }
        MockEndpoint.resetMocks(camel);
    }

    @Test
    void everyUserOfAPollIsHandedOnOnceAndThePollIsCommitted() throws Exception {
        String site = newSite();
        identify.expectedMessageCount(3);
        NotifyBuilder pollDone = new NotifyBuilder(camel).fromRoute("hull-user-updates-consumer").whenDone(1).create();

        assertThat(postNotification(notificationFor(site, 3)).statusCode()).isEqualTo(200);

        identify.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        assertThat(pollDone.matches(20, TimeUnit.SECONDS)).isTrue();
        assertThat(customerIds()).containsExactlyInAnyOrder(site + "-user-0@example.com", site + "-user-1@example.com",
                site + "-user-2@example.com");
        await().atMost(Duration.ofSeconds(20)).until(() -> committedOffsets(USER_TOPIC) == endOffsets(USER_TOPIC));
    }

    @Test
    void aUserWhoseCallFailedIsTriedAgainInTheNextRoundAndOnlyThenCommitted() throws Exception {
        String site = newSite();
        identify.expectedMessageCount(3);
        // the first call fails as a Customer.io 503 would once its retries are over: that user's record is retried
        identify.whenExchangeReceived(1, exchange -> {
            throw new CustomerIoUnavailableException("PUT answered 503 (attempt 2), no attempts left");
        });

        assertThat(postNotification(notificationFor(site, 2)).statusCode()).isEqualTo(200);

        identify.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        List<String> calls = customerIds();
        // two users, and the one whose call failed (the first call) twice: its record went round again
        assertThat(calls).hasSize(3).containsOnly(site + "-user-0@example.com", site + "-user-1@example.com");
        assertThat(calls.stream().filter(calls.get(0)::equals)).hasSize(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> committedOffsets(USER_TOPIC) == endOffsets(USER_TOPIC));
        assertThat(readAll(USER_TOPIC + ".dlq")).noneMatch(record -> record.key().equals(site));
    }

    /** The customer of each call (these users' attributes fit one PUT each). */
    private List<String> customerIds() {
        return identify.getReceivedExchanges().stream()
                .map(exchange -> exchange.getProperty("userTask", UserSyncTask.class).customerId()).toList();
    }
}
