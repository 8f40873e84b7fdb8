package io.hull.customerio.kafka;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hull.customerio.support.BasicAuth;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The rounds of a Kafka consumer's poll, seen from outside: notifications in over HTTP, the real topic and consumer,
 * and what Customer.io received and the consumer group committed. Every user of a poll is sent once; a user whose
 * call failed goes round again (the others are not sent again with it), and the poll is committed only once every
 * record is done with.
 */
class KafkaRoundsTest extends KafkaTransportTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void everyUserOfAPollIsSentOnceAndThePollIsCommitted() {
        String site = newSite();

        assertThat(postNotification(notificationFor(site, 3)).statusCode()).isEqualTo(200);

        await().atMost(WAIT).untilAsserted(() -> assertThat(committedOffsets(USER_TOPIC)).isEqualTo(endOffsets(USER_TOPIC)));
        for (int user = 0; user < 3; user++) {
            assertThat(putsOf(site, user)).as("PUTs of user %d", user).isEqualTo(1);
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(firehoseEntries().stream()
                .filter(entry -> entry.toString().contains(site + "-user-")).count()).isEqualTo(3));
    }

    @Test
    void aUserWhoseCallFailedGoesRoundAgainAndThePollIsCommittedOnlyOnceItIsDone() {
        String site = newSite();
        // user 0: each round tries its call twice (customerio.retry.max-attempts); rounds 1 and 2 fail, the last answer
        // of round 2 comes after 3 s, round 3 succeeds
        String state = STARTED;
        for (int attempt = 1; attempt <= 4; attempt++) {
            CUSTOMERIO.stubFor(put(urlEqualTo(customerPath(site, 0))).atPriority(1).inScenario(site).whenScenarioStateIs(state)
                    .willReturn(aResponse().withStatus(503).withFixedDelay(attempt == 4 ? 3_000 : 0))
                    .willSetStateTo("failed-" + attempt));
            state = "failed-" + attempt;
        }

        assertThat(postNotification(notificationFor(site, 2)).statusCode()).isEqualTo(200);

        // round 2 still runs (its last answer is on its way): the poll is not committed
        await().atMost(WAIT).until(() -> putsOf(site, 0) == 4);
        assertThat(committedOffsets(USER_TOPIC)).isLessThan(endOffsets(USER_TOPIC));

        await().atMost(WAIT).untilAsserted(() -> assertThat(committedOffsets(USER_TOPIC)).isEqualTo(endOffsets(USER_TOPIC)));
        assertThat(putsOf(site, 0)).as("two failed rounds of two tries, then the delivery").isEqualTo(5);
        assertThat(putsOf(site, 1)).as("not sent again with the failed user's rounds").isEqualTo(1);
        assertThat(readAll(USER_TOPIC + ".dlq")).noneMatch(record -> site.equals(record.key()));
    }

    private static String customerPath(String site, int user) {
        return "/api/v1/customers/" + site + "-user-" + user + "%40example.com";
    }

    private static int putsOf(String site, int user) {
        return CUSTOMERIO.findAll(putRequestedFor(urlEqualTo(customerPath(site, user)))
                .withHeader("Authorization", equalTo(BasicAuth.ofSite(site)))).size();
    }
}
