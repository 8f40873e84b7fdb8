package io.hull.customerio.batch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jwt.SignedJWT;
import io.hull.customerio.support.Backfills;
import io.hull.customerio.support.SeparateConnector;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connector stopped (SIGTERM) while a backfill reads an extract that never ends: the job must not hold the
 * stop for Camel's graceful-shutdown timeout (45 s) or for hull.batch.read-timeout. The extract is aborted, the
 * chunk being synced is finished and written back, and the job ends as failed with its reason.
 */
class BatchShutdownTest {

    private static final String SECRET = "shutdown-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    private WireMockServer customerIo;
    private WireMockServer hull;

    @BeforeEach
    void start() {
        customerIo = new WireMockServer(options().dynamicPort());
        customerIo.start();
        customerIo.stubFor(put(urlPathMatching("/api/v1/customers/.*")).willReturn(aResponse().withStatus(200).withBody("{}")));
        hull = new WireMockServer(options().dynamicPort());
        hull.start();
        hull.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(200).withBody("{}")));
    }

    @AfterEach
    void stop() {
        customerIo.stop();
        hull.stop();
    }

    @Test
    void stoppingTheConnectorEndsARunningJobAtOnceAndLosesNoSyncedUser() throws Exception {
        AtomicBoolean aborted = new AtomicBoolean();
        try (BatchRouteTest.RawExtractServer extract = new BatchRouteTest.RawExtractServer(null, out -> {
            try {
                for (int i = 0; ; i++) {
                    out.write((userLine(i) + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(20);
                }
            } catch (IOException e) {
                aborted.set(true);
            }
        })) {
            SeparateConnector connector = SeparateConnector.named("batch-shutdown-test").customerIo(customerIo).hull(hull)
                    .set("customerio.site-id", "shutdown-site").set("customerio.api-key", "shutdown-key")
                    .hullCredentials("shutdown.hullapp.io", "shutdown-connector", SECRET)
                    .set("hull.batch.allowed-hosts", "localhost")
                    .set("hull.batch.chunk-size", "10")
                    .set("hull.batch.read-timeout", "60s")
                    .set("connector.settings.synchronized-segments", "seg-sync")
                    .set("connector.settings.user-id-mapping", "email").start();
            try {
                HttpResponse<String> answer = HttpClient.newHttpClient().send(Backfills.request(connector.baseUrl(),
                        "shutdown.hullapp.io", "shutdown-connector", SECRET, extract.url()), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(202);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> customerIo.findAll(putRequestedFor(urlPathMatching("/api/v1/customers/.*"))).size() >= 20);
            } finally {
                long stopping = System.nanoTime();
                connector.close();
                Duration stopped = Duration.ofNanos(System.nanoTime() - stopping);
                assertThat(stopped).as("time to stop").isLessThan(Duration.ofSeconds(15));
            }

            assertThat(aborted).as("extract connection aborted").isTrue();
            assertThat(connector.lines()).anySatisfy(line -> assertThat(line)
                    .contains("outgoing.job.error").contains("interrupted after").contains("the connector is stopping"));
            Set<String> sent = new HashSet<>();
            for (LoggedRequest request : customerIo.findAll(putRequestedFor(urlPathMatching("/api/v1/customers/.*")))) {
                sent.add(request.getUrl().substring("/api/v1/customers/".length()).replace("%40", "@"));
            }
            Set<String> writtenBack = new HashSet<>();
            for (LoggedRequest request : hull.findAll(postRequestedFor(urlEqualTo("/")))) {
                for (JsonNode entry : JSON.readTree(request.getBodyAsString()).path("batch")) {
                    SignedJWT token = SignedJWT.parse(entry.path("headers").path("Hull-Access-Token").asText());
                    writtenBack.add(String.valueOf(token.getJWTClaimsSet().getJSONObjectClaim("io.hull.asUser").get("email")));
                }
            }
            assertThat(sent).hasSizeGreaterThanOrEqualTo(20);
            assertThat(writtenBack).as("every user sent is written back to Hull").containsAll(sent);
        }
    }

    private static String userLine(int i) {
        return "{\"id\":\"id-" + i + "\",\"email\":\"user-" + i + "@example.com\",\"name\":\"User " + i
                + "\",\"segment_ids\":[\"seg-sync\"]}";
    }
}
