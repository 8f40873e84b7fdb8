package io.hull.customerio.kafka;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.hull.customerio.Application;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.hull.customerio.support.BasicAuth;
import io.hull.customerio.support.KafkaTopics;
import io.hull.customerio.support.SeparateConnector;
import io.hull.customerio.support.TestNotifications;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two instances in one consumer group: the partitions, so the sites, are shared between them, and
 * each site's limit holds for the whole group since a site's records are read by one instance.
 */
class KafkaTwoInstancesTest extends KafkaTransportTestSupport {

    private static final int USERS_PER_SITE = 25;

    @Test
    void twoInstancesShareTheSitesAndEachSiteStaysWithinItsLimit() throws Exception {
        // one site per partition, so both instances get work whatever the assignment
        Map<Integer, String> siteOfPartition = new HashMap<>();
        while (siteOfPartition.size() < PARTITIONS) {
            String site = newSite();
            siteOfPartition.putIfAbsent(KafkaTopics.partitionOf(site, PARTITIONS), site);
        }

        try (ConfigurableApplicationContext second = startSecondInstance()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> TOPICS.owners(GROUP, USER_TOPIC).size() == 2);
            Map<String, Set<Integer>> owners = TOPICS.owners(GROUP, USER_TOPIC);

            for (String site : siteOfPartition.values()) {
                assertThat(postNotification(notificationFor(site, USERS_PER_SITE)).statusCode()).isEqualTo(200);
            }

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (String site : siteOfPartition.values()) {
                    assertThat(arrivals(site)).hasSize(USERS_PER_SITE);
                }
            });
            // the assignment did not change meanwhile: each instance delivered the sites of its partitions
            assertThat(TOPICS.owners(GROUP, USER_TOPIC)).isEqualTo(owners);
            assertThat(owners.values()).allSatisfy(partitions -> assertThat(partitions).isNotEmpty());
            for (String site : siteOfPartition.values()) {
                assertThat(TestNotifications.worstSlidingWindow(arrivals(site))).as("requests of %s in any 1 s window", site)
                        .isLessThanOrEqualTo(RATE_LIMIT);
            }
        }
    }

    private ConfigurableApplicationContext startSecondInstance() {
        // command-line arguments: they win over application.yaml (builder properties would not)
        List<String> arguments = new ArrayList<>(SeparateConnector.named("second-instance")
                .customerIo(CUSTOMERIO).hull(HULL).notifier(NOTIFIER)
                .set("connector.transport", "kafka")
                .set("camel.component.kafka.brokers", KAFKA.getBrokersAsString())
                .set("customerio.rate-limit", String.valueOf(RATE_LIMIT))
                .set("customerio.request-timeout", "2s")
                .set("hull.status-report-interval", "1h")
                .set("server.port", "0")
                .set("camel.main.name", "second-instance")
                .set("camel.main.jmx-enabled", "false").arguments());
        return new SpringApplicationBuilder(Application.class).run(arguments.toArray(String[]::new));
    }

    private static List<Long> arrivals(String site) {
        List<Long> arrivals = new ArrayList<>();
        for (LoggedRequest request : CUSTOMERIO.findAll(putRequestedFor(anyUrl()).withHeader("Authorization",
                equalTo(BasicAuth.ofSite(site))))) {
            arrivals.add(request.getLoggedDate().getTime());
        }
        arrivals.sort(null);
        return arrivals;
    }
}
