package io.hull.customerio.kafka;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.hull.customerio.Application;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
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
            siteOfPartition.putIfAbsent(partitionOf(site), site);
        }

        try (ConfigurableApplicationContext second = startSecondInstance()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> userTopicOwners().size() == 2);
            Map<String, Set<Integer>> owners = userTopicOwners();

            for (String site : siteOfPartition.values()) {
                assertThat(postNotification(notificationFor(site, USERS_PER_SITE)).statusCode()).isEqualTo(200);
            }

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (String site : siteOfPartition.values()) {
                    assertThat(arrivals(site)).hasSize(USERS_PER_SITE);
                }
            });
            // the assignment did not change meanwhile: each instance delivered the sites of its partitions
            assertThat(userTopicOwners()).isEqualTo(owners);
            assertThat(owners.values()).allSatisfy(partitions -> assertThat(partitions).isNotEmpty());
            for (String site : siteOfPartition.values()) {
                assertThat(TestNotifications.worstSlidingWindow(arrivals(site))).as("requests of %s in any 1 s window", site)
                        .isLessThanOrEqualTo(RATE_LIMIT);
            }
        }
    }

    private ConfigurableApplicationContext startSecondInstance() {
        // command-line arguments: they win over application.yaml (builder properties would not)
        return new SpringApplicationBuilder(Application.class).run(
                "--server.port=0",
                "--camel.main.name=second-instance",
                "--camel.main.jmx-enabled=false",
                "--connector.transport=kafka",
                "--camel.component.kafka.brokers=" + KAFKA.getBrokersAsString(),
                "--customerio.rate-limit=" + RATE_LIMIT,
                "--customerio.track-url=" + CUSTOMERIO.baseUrl(),
                "--customerio.site-id=",
                "--customerio.api-key=",
                "--customerio.request-timeout=2s",
                "--hull.firehose-url=" + HULL.baseUrl(),
                "--hull.notifier.public-key=" + NOTIFIER.publicKeyLocation(),
                "--hull.status-report-interval=1h");
    }

    private static int partitionOf(String site) {
        return Utils.toPositive(Utils.murmur2(site.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    /** Member id → partitions of the user topic it owns (members owning none are left out). */
    private static Map<String, Set<Integer>> userTopicOwners() throws Exception {
        try (AdminClient admin = admin()) {
            Map<String, Set<Integer>> owners = new HashMap<>();
            for (MemberDescription member : admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP).members()) {
                Set<Integer> partitions = new TreeSet<>();
                for (TopicPartition tp : member.assignment().topicPartitions()) {
                    if (tp.topic().equals(USER_TOPIC)) {
                        partitions.add(tp.partition());
                    }
                }
                if (!partitions.isEmpty()) {
                    owners.put(member.consumerId(), partitions);
                }
            }
            return owners;
        }
    }

    private static List<Long> arrivals(String site) {
        String basic = "Basic " + Base64.getEncoder().encodeToString((site + ":key-" + site).getBytes(StandardCharsets.UTF_8));
        List<Long> arrivals = new ArrayList<>();
        for (LoggedRequest request : CUSTOMERIO.findAll(putRequestedFor(anyUrl()))) {
            if (basic.equals(request.getHeader("Authorization"))) {
                arrivals.add(request.getLoggedDate().getTime());
            }
        }
        arrivals.sort(null);
        return arrivals;
    }
}
