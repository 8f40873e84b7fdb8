package io.hull.customerio.kafka;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.hull.customerio.Application;
import io.hull.customerio.support.HullNotifierKeys;
import io.hull.customerio.support.TestNotifications;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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
 * The connector in kafka mode as a separate process, killed with SIGKILL ({@code kill -9}) in the
 * middle of a poll, then started again: every user Hull was answered 200 for reaches Customer.io,
 * and the offsets end up committed. No Spring context in this JVM: only the broker, the stand-ins
 * and the connector processes (the test classpath, the repository's routes/ and application.yaml).
 */
class KafkaKillTest {

    private static final String TOPIC = "kill-test-user-updates";
    private static final String GROUP = "kill-test";
    private static final int PARTITIONS = 2;
    private static final int USERS = 40;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafkaKraftBroker kafka;
    private static WireMockServer customerIo;
    private static WireMockServer hull;
    private static HullNotifierKeys notifier;
    private final List<Process> processes = new ArrayList<>();
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
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void whatHullWasAnsweredForIsDeliveredAfterAKill9MidPoll() throws Exception {
        String site = "site-" + UUID.randomUUID().toString().substring(0, 8);
        int first = freePort();
        Process connector = startConnector("first", first);

        HttpResponse<String> answer = postNotification(first, TestNotifications.forSite(site, USERS));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(endOffsets()).isEqualTo(USERS);

        // at 10 calls a second the 40 users take 4 s: kill -9 once the first few went out
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveredUsers().size() >= 5);
        connector.destroyForcibly(); // SIGKILL: no shutdown hook, no last commit
        connector.waitFor();
        int deliveredBeforeTheKill = deliveredUsers().size();
        assertThat(deliveredBeforeTheKill).isLessThan(USERS);
        assertThat(committedOffsets()).isLessThan(USERS);

        startConnector("restarted", freePort());

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(deliveredUsers()).hasSize(USERS));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(committedOffsets()).isEqualTo(USERS));
        // and every user's sync state reached Hull
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(firehoseUsers()).hasSize(USERS));
    }

    private Process startConnector(String name, int port) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Application.class.getName(),
                "--server.port=" + port,
                "--connector.transport=kafka",
                "--camel.component.kafka.brokers=" + kafka.getBrokersAsString(),
                "--connector.kafka.user-topic=" + TOPIC,
                "--connector.kafka.webhook-topic=kill-test-webhooks",
                "--connector.kafka.group-id=" + GROUP,
                "--customerio.track-url=" + customerIo.baseUrl(),
                "--customerio.site-id=",
                "--customerio.api-key=",
                "--customerio.rate-limit=10",
                "--hull.firehose-url=" + hull.baseUrl(),
                "--hull.notifier.public-key=" + notifier.publicKeyLocation(),
                "--customerio.webhook.token=kill-test-token",
                // the killed member leaves no goodbye: the group gives up on it after the session timeout
                // (Kafka's default 45 s; 6 s is the broker's minimum)
                "--camel.component.kafka.session-timeout-ms=6000",
                "--camel.component.kafka.heartbeat-interval-ms=2000",
                "--camel.main.jmx-enabled=false"));
        File log = new File("target/kafka-kill-test-" + name + ".log");
        Process process = new ProcessBuilder(command).directory(new File(System.getProperty("user.dir")))
                .redirectErrorStream(true).redirectOutput(log).start();
        processes.add(process);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            assertThat(process.isAlive()).as("connector %s exited, see %s", name, log).isTrue();
            return ready(port);
        });
        return process;
    }

    private boolean ready(int port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/readiness")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private HttpResponse<String> postNotification(int port, ObjectNode notification) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/smart-notifier"))
                .header("Content-Type", "application/json")
                .header("X-Hull-Smart-Notifier-Signature", notifier.sign(notification.path("notification_id").asText()))
                .header("X-Hull-Smart-Notifier-Signature-Version", "v1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(notification))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Set<String> deliveredUsers() {
        return customerIo.findAll(putRequestedFor(anyUrl())).stream().map(LoggedRequest::getUrl).collect(Collectors.toSet());
    }

    private static Set<String> firehoseUsers() throws IOException {
        Set<String> users = new java.util.HashSet<>();
        for (LoggedRequest request : hull.findAll(postRequestedFor(urlEqualTo("/")))) {
            for (JsonNode entry : JSON.readTree(request.getBodyAsString()).path("batch")) {
                users.add(entry.toString().replaceAll(".*(user-\\d+)@.*", "$1"));
            }
        }
        return users;
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
