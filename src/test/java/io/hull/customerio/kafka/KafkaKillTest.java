package io.hull.customerio.kafka;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.hull.customerio.support.HullNotifierKeys;
import io.hull.customerio.support.KafkaTopics;
import io.hull.customerio.support.SeparateConnector;
import io.hull.customerio.support.TestNotifications;
import io.hull.customerio.support.Timing;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The connector in kafka mode as a separate process, killed with SIGKILL ({@code kill -9}) in the middle of a poll,
 * with the default consumer settings: every user Hull was answered 200 for reaches Customer.io, the offsets end up
 * committed, and delivery resumes within seconds, whether the instance is started again or another one takes over
 * (Kafka's default session timeout held a killed member's partitions for ~50 s). No Spring context in this JVM:
 * only the broker, the stand-ins and the connector processes.
 */
class KafkaKillTest {

    private static final String GROUP = "kill-test";
    private static final String TOPIC = SeparateConnector.userTopic(GROUP);
    private static final int PARTITIONS = 2;
    private static final int USERS = 40;
    /**
     * docs/kafka.md: a killed member leaves the group after session-timeout-ms (6 s), then its partitions are assigned
     * again and polled (another instance delivered 7 s after the kill, a restarted one 2 s after it was ready).
     */
    private static final Duration RESUMED_WITHIN = Timing.within(Duration.ofSeconds(10));
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafkaKraftBroker kafka;
    private static KafkaTopics topics;
    private static WireMockServer customerIo;
    private static WireMockServer hull;
    private static HullNotifierKeys notifier;
    private final List<SeparateConnector> connectors = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        String webhooks = SeparateConnector.webhookTopic(GROUP);
        kafka = new EmbeddedKafkaKraftBroker(1, PARTITIONS, TOPIC, TOPIC + ".dlq", webhooks, webhooks + ".dlq");
        kafka.afterPropertiesSet();
        topics = new KafkaTopics(kafka.getBrokersAsString());
        customerIo = new WireMockServer(options().dynamicPort());
        customerIo.start();
        hull = new WireMockServer(options().dynamicPort());
        hull.start();
        notifier = new HullNotifierKeys();
        // slow enough that the poll is still being worked on when the process is killed
        customerIo.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}").withFixedDelay(200)));
        hull.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(200).withBody("{}")));
    }

    @AfterAll
    static void stop() {
        customerIo.stop();
        hull.stop();
        kafka.destroy();
    }

    @AfterEach
    void killLeftovers() {
        connectors.forEach(SeparateConnector::kill);
    }

    @Test
    void aRestartedInstanceResumesWithinSecondsAndDeliversWhatHullWasAnsweredFor() throws Exception {
        String site = "site-" + UUID.randomUUID().toString().substring(0, 8);
        SeparateConnector first = startConnector("first");

        HttpResponse<String> answer = postNotification(first, TestNotifications.forSite(site, USERS));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

        // at 10 calls a second the 40 users take 4 s: kill -9 once the first few went out
        await().atMost(Duration.ofSeconds(30)).until(() -> delivered(site).size() >= 5);
        first.kill(); // SIGKILL: no shutdown hook, no last commit, no goodbye to the group
        Instant killed = Instant.now();
        int deliveredBeforeTheKill = delivered(site).size();
        assertThat(deliveredBeforeTheKill).isLessThan(USERS);
        assertThat(committedOffsets()).as("the poll being worked on is not committed").isLessThan(endOffsets());

        startConnector("restarted");
        Instant ready = Instant.now();

        Instant resumed = firstDeliveryAfter(site, killed);
        System.out.printf("kill -9 → restarted instance ready: %d ms; ready → first delivery: %d ms%n",
                Duration.between(killed, ready).toMillis(), Duration.between(ready, resumed).toMillis());
        assertThat(Duration.between(ready, resumed)).isLessThan(RESUMED_WITHIN);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(delivered(site)).hasSize(USERS));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(committedOffsets()).isEqualTo(endOffsets()));
        // and every user's sync state reached Hull
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(firehoseUsers(site)).hasSize(USERS));
    }

    @Test
    void anotherInstanceTakesOverAKilledOnesPartitionsWithinSeconds() throws Exception {
        SeparateConnector a = startConnector("a");
        SeparateConnector b = startConnector("b");
        await().atMost(Duration.ofSeconds(30)).until(() -> topics.owners(GROUP, TOPIC).size() == 2);
        // a site on one of a's partitions (a member id starts with its client id)
        Set<Integer> partitionsOfA = topics.owners(GROUP, TOPIC).entrySet().stream()
                .filter(owner -> owner.getKey().startsWith("kill-test-a-")).findFirst().orElseThrow().getValue();
        String site;
        do {
            site = "site-" + UUID.randomUUID().toString().substring(0, 8);
        } while (!partitionsOfA.contains(KafkaTopics.partitionOf(site, PARTITIONS)));
        String siteOfA = site;

        assertThat(postNotification(a, TestNotifications.forSite(siteOfA, USERS)).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> delivered(siteOfA).size() >= 5);
        a.kill();
        Instant killed = Instant.now();
        assertThat(delivered(siteOfA).size()).isLessThan(USERS);

        Instant resumed = firstDeliveryAfter(siteOfA, killed);
        System.out.printf("kill -9 of a → b delivers a's site: %d ms%n", Duration.between(killed, resumed).toMillis());
        assertThat(Duration.between(killed, resumed)).isLessThan(RESUMED_WITHIN);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(delivered(siteOfA)).hasSize(USERS));
        assertThat(b.isAlive()).isTrue();
    }

    private SeparateConnector startConnector(String name) {
        SeparateConnector connector = SeparateConnector.named("kafka-kill-test-" + name)
                .kafka(kafka.getBrokersAsString(), GROUP).customerIo(customerIo).hull(hull).notifier(notifier)
                // tells the instances apart in the group (both consumers of an instance share it)
                .set("camel.component.kafka.client-id", "kill-test-" + name)
                .set("customerio.rate-limit", "10")
                .set("customerio.webhook.token", "kill-test-token").start();
        connectors.add(connector);
        return connector;
    }

    /** When the first identify of the site arrived at Customer.io after {@code after} (it can only come from a live instance). */
    private static Instant firstDeliveryAfter(String site, Instant after) {
        AtomicReference<Instant> first = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            customerIo.findAll(putRequestedFor(urlPathMatching("/api/v1/customers/" + site + ".*"))).stream()
                    .map(request -> request.getLoggedDate().toInstant())
                    .filter(at -> at.isAfter(after.plusMillis(300))) // a call in flight at the kill may still land
                    .min(Instant::compareTo).ifPresent(first::set);
            return first.get() != null;
        });
        return first.get();
    }

    private HttpResponse<String> postNotification(SeparateConnector connector, ObjectNode notification) throws Exception {
        return http.send(notifier.signedRequest(connector.baseUrl(), notification), HttpResponse.BodyHandlers.ofString());
    }

    private static Set<String> delivered(String site) {
        return customerIo.findAll(putRequestedFor(urlPathMatching("/api/v1/customers/" + site + ".*"))).stream()
                .map(LoggedRequest::getUrl).collect(Collectors.toSet());
    }

    private static Set<String> firehoseUsers(String site) throws IOException {
        Set<String> users = new java.util.HashSet<>();
        for (LoggedRequest request : hull.findAll(postRequestedFor(urlEqualTo("/")))) {
            for (JsonNode entry : JSON.readTree(request.getBodyAsString()).path("batch")) {
                String text = entry.toString();
                if (text.contains(site + "-user-")) {
                    users.add(text.replaceAll(".*(" + site + "-user-\\d+)@.*", "$1"));
                }
            }
        }
        return users;
    }

    private static long endOffsets() {
        return topics.endOffsets(TOPIC);
    }

    private static long committedOffsets() {
        return topics.committedOffsets(GROUP, TOPIC);
    }
}
