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
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.hull.customerio.support.HullNotifierKeys;
import io.hull.customerio.support.SeparateConnector;
import io.hull.customerio.support.TestNotifications;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
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

    private static final String TOPIC = "kill-test-user-updates";
    private static final String GROUP = "kill-test";
    private static final int PARTITIONS = 2;
    private static final int USERS = 40;
    /** The goal is under 10 s; asserted with room for a loaded CI machine, measured values in the output. */
    private static final Duration RESUMED_WITHIN = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafkaKraftBroker kafka;
    private static WireMockServer customerIo;
    private static WireMockServer hull;
    private static HullNotifierKeys notifier;
    private final List<SeparateConnector> connectors = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        kafka = new EmbeddedKafkaKraftBroker(1, PARTITIONS, TOPIC, TOPIC + ".dlq", "kill-test-webhooks", "kill-test-webhooks.dlq");
        kafka.afterPropertiesSet();
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
        assertThat(Duration.between(ready, resumed)).isLessThan(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(delivered(site)).hasSize(USERS));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(committedOffsets()).isEqualTo(endOffsets()));
        // and every user's sync state reached Hull
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(firehoseUsers(site)).hasSize(USERS));
    }

    @Test
    void anotherInstanceTakesOverAKilledOnesPartitionsWithinSeconds() throws Exception {
        SeparateConnector a = startConnector("a");
        SeparateConnector b = startConnector("b");
        await().atMost(Duration.ofSeconds(30)).until(() -> owners().size() == 2);
        // a site on one of a's partitions
        Set<Integer> partitionsOfA = owners().get("kill-test-a");
        String site;
        do {
            site = "site-" + UUID.randomUUID().toString().substring(0, 8);
        } while (!partitionsOfA.contains(partitionOf(site)));
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
        SeparateConnector connector = SeparateConnector.start("kafka-kill-test-" + name, List.of("-Xmx256m"), List.of(
                "--connector.transport=kafka",
                "--camel.component.kafka.brokers=" + kafka.getBrokersAsString(),
                // tells the instances apart in the group (both consumers of an instance share it)
                "--camel.component.kafka.client-id=kill-test-" + name,
                "--connector.kafka.user-topic=" + TOPIC,
                "--connector.kafka.webhook-topic=kill-test-webhooks",
                "--connector.kafka.group-id=" + GROUP,
                "--customerio.track-url=" + customerIo.baseUrl(),
                "--customerio.site-id=",
                "--customerio.api-key=",
                "--customerio.rate-limit=10",
                "--hull.firehose-url=" + hull.baseUrl(),
                "--hull.notifier.public-key=" + notifier.publicKeyLocation(),
                "--customerio.webhook.token=kill-test-token"));
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
        return http.send(HttpRequest.newBuilder(URI.create(connector.baseUrl() + "/smart-notifier"))
                .header("Content-Type", "application/json")
                .header("X-Hull-Smart-Notifier-Signature", notifier.sign(notification.path("notification_id").asText()))
                .header("X-Hull-Smart-Notifier-Signature-Version", "v1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(notification))).build(),
                HttpResponse.BodyHandlers.ofString());
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

    /** The partitions of the user topic each instance (its client id) owns now. */
    private static Map<String, Set<Integer>> owners() throws Exception {
        try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", kafka.getBrokersAsString()))) {
            Map<String, Set<Integer>> owners = new java.util.HashMap<>();
            admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP).members().forEach(member ->
                    member.assignment().topicPartitions().stream().filter(p -> p.topic().equals(TOPIC)).forEach(p ->
                            owners.computeIfAbsent(member.clientId(), id -> new java.util.HashSet<>()).add(p.partition())));
            return owners;
        }
    }

    /** The partition Kafka's default partitioner gives a key. */
    private static int partitionOf(String key) {
        return org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2(key.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private static long endOffsets() throws Exception {
        try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", kafka.getBrokersAsString()))) {
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    private static long committedOffsets() throws Exception {
        try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", kafka.getBrokersAsString()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(TOPIC) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        }
    }
}
