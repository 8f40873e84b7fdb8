package io.hull.customerio.batch;

import com.nimbusds.jwt.SignedJWT;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.support.JsonErrors;
import io.hull.customerio.support.Backfills;
import io.hull.customerio.support.ConnectorTestSupport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * POST /batch end to end: Hull's extract served over HTTP, the job run in the background, and what
 * Customer.io and Hull received. Its own Spring context: Hull credentials, an allowed host, segment
 * whitelist and Customer.io credentials in connector settings (a batch carries no private settings).
 */
@ExtendWith(OutputCaptureExtension.class)
class BatchRouteTest extends ConnectorTestSupport {

    private static final String ORGANIZATION = "batch.hullapp.io";
    private static final String CONNECTOR_ID = "batch-connector";
    private static final String SECRET = "batch-secret";
    private static final String SYNCED_SEGMENT = "seg-sync";
    private static final int CHUNK_SIZE = 100;
    private static final String SYNCED_ACCOUNT_SEGMENT = "seg-accounts";

    /** Plays the host of Hull's extract files (the only allowed host: localhost). */
    private static final WireMockServer EXTRACTS = new WireMockServer(options().dynamicPort());

    static {
        EXTRACTS.start();
    }

    @DynamicPropertySource
    static void batchProperties(DynamicPropertyRegistry registry) {
        registry.add("hull.organization", () -> ORGANIZATION);
        registry.add("hull.connector-id", () -> CONNECTOR_ID);
        registry.add("hull.secret", () -> SECRET);
        registry.add("hull.batch.allowed-hosts", () -> "localhost");
        registry.add("hull.batch.chunk-size", () -> String.valueOf(CHUNK_SIZE));
        registry.add("hull.batch.read-timeout", () -> "2s");
        // With Hull and Customer.io credentials, the status report timer (60 s after start) would call
        // Customer.io on the WireMock every test context shares, and disturb other classes' counts.
        registry.add("camel.main.route-filter-exclude-pattern", () -> "hull-status-report");
        registry.add("customerio.rate-limit", () -> "10000");
        registry.add("connector.settings.synchronized-segments", () -> SYNCED_SEGMENT);
        registry.add("connector.settings.user-id-mapping", () -> "email");
        registry.add("connector.settings.synchronized-account-segments", () -> SYNCED_ACCOUNT_SEGMENT);
        registry.add("connector.settings.synchronized-account-attributes", () -> "name");
    }

    @Autowired
    CustomerIoProperties customerIo;

    @BeforeEach
    void resetExtracts() {
        EXTRACTS.resetAll();
        // customerio.site-id/api-key: ConnectorTestSupport's @DynamicPropertySource blanks them after ours
        // runs, so they are set on the bound properties of this class's own context instead.
        customerIo.setSiteId("batch-site");
        customerIo.setApiKey("batch-key");
    }

    @Test
    void tenThousandUsersAreStreamedAndOnlyTheSegmentsUsersSent(CapturedOutput output) {
        StringBuilder extract = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            extract.append(userLine(i, i % 100 == 0 ? SYNCED_SEGMENT : "seg-other")).append('\n');
        }
        EXTRACTS.stubFor(get("/extracts/segment.json").willReturn(aResponse().withStatus(200).withBody(extract.toString())));

        HttpResponse<String> answer = postBatch(EXTRACTS.baseUrl() + "/extracts/segment.json", SECRET);

        assertThat(answer.statusCode()).isEqualTo(202);
        String jobId = json(answer.body()).path("job_id").asText();
        JsonNode status = awaitFinished(jobId);
        assertThat(status.path("status").asText()).isEqualTo("succeeded");
        assertThat(status.path("counts").path("read").asLong()).isEqualTo(10_000);
        assertThat(status.path("counts").path("sent").asLong()).isEqualTo(100);
        assertThat(status.path("counts").path("skipped").asLong()).isEqualTo(9_900);
        assertThat(status.path("counts").path("failed").asLong()).isZero();
        assertThat(status.path("counts").path("malformed").asLong()).isZero();

        List<LoggedRequest> puts = CUSTOMERIO.findAll(putRequestedFor(urlMatching("/api/v1/customers/.*")));
        assertThat(puts).hasSize(100);
        assertThat(puts).extracting(LoggedRequest::getUrl).contains("/api/v1/customers/user-0%40example.com",
                "/api/v1/customers/user-9900%40example.com").doesNotContain("/api/v1/customers/user-1%40example.com");
        JsonNode customer = json(puts.get(0).getBodyAsString());
        assertThat(customer.path("hull_segments")).extracting(JsonNode::asText).containsExactly(SYNCED_SEGMENT);
        assertThat(puts.get(0).getHeader("Authorization")).startsWith("Basic ");

        List<JsonNode> entries = firehoseEntries();
        assertThat(entries).hasSize(100);
        assertThat(entries).allSatisfy(entry -> assertThat(entry.path("body").path("customerio/hash").asText()).hasSize(64));
        assertThat(HULL.getAllServeEvents().get(0).getRequest().getHeader("Hull-App-Id")).isEqualTo(CONNECTOR_ID);

        assertThat(output.getOut()).contains("outgoing.job.start", "outgoing.job.success").doesNotContain(SECRET);
    }

    @Test
    void anAccountReportStreamsAccountsThroughTheAccountFlow(CapturedOutput output) throws Exception {
        String extract = "{\"id\":\"acc-1\",\"external_id\":\"ext-1\",\"domain\":\"one.com\",\"name\":\"One\",\"segment_ids\":[\"seg-accounts\"]}\n"
                + "{\"id\":\"acc-2\",\"external_id\":\"ext-2\",\"name\":\"Two\",\"segment_ids\":[\"seg-other\"]}\n"
                + "{\"id\":\"acc-3\",\"external_id\":\"ext-3\",\"name\":\"Three\",\"segment_ids\":[\"seg-accounts\",\"seg-other\"]}\n"
                + "not json\n";
        EXTRACTS.stubFor(get("/extracts/accounts.json").willReturn(aResponse().withStatus(200).withBody(extract)));

        HttpResponse<String> answer = send(HttpRequest.newBuilder(batchUri(SECRET)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Backfills.body(EXTRACTS.baseUrl() + "/extracts/accounts.json",
                        "account_report"))).build());

        assertThat(answer.statusCode()).isEqualTo(202);
        JsonNode status = awaitFinished(json(answer.body()).path("job_id").asText());
        assertThat(status.path("status").asText()).isEqualTo("succeeded");
        assertThat(status.path("counts").path("read").asLong()).isEqualTo(4);
        assertThat(status.path("counts").path("sent").asLong()).isEqualTo(2);
        assertThat(status.path("counts").path("skipped").asLong()).isEqualTo(1);
        assertThat(status.path("counts").path("malformed").asLong()).isEqualTo(1);
        List<JsonNode> objects = CUSTOMERIO.findAll(postRequestedFor(urlEqualTo("/api/v2/entity"))).stream()
                .map(request -> json(request.getBodyAsString())).toList();
        assertThat(objects).extracting(o -> o.path("identifiers").path("object_id").asText())
                .containsExactlyInAnyOrder("ext-1", "ext-3");
        assertThat(objects).allSatisfy(o -> assertThat(o.path("attributes").path("hull_segments"))
                .extracting(JsonNode::asText).contains(SYNCED_ACCOUNT_SEGMENT));
        assertThat(CUSTOMERIO.findAll(putRequestedFor(urlMatching("/api/v1/customers/.*")))).isEmpty();
        List<JsonNode> entries = firehoseEntries();
        assertThat(entries).hasSize(2);
        for (JsonNode entry : entries) {
            assertThat(entry.path("body").path("customerio/object_type_id").asText()).isEqualTo("1");
            assertThat(SignedJWT.parse(entry.path("headers").path("Hull-Access-Token").asText()).getJWTClaimsSet()
                    .getClaim("io.hull.subjectType")).isEqualTo("account");
        }
        assertThat(output.getOut()).contains("\"outgoing.account.success\"").contains("not in any synchronized account segment");
    }

    @Test
    void aBackfilledUserIsRelatedToItsSynchronizedAccount() {
        String extract = "{\"id\":\"u1\",\"email\":\"one@example.com\",\"segment_ids\":[\"seg-sync\"],"
                + "\"account\":{\"id\":\"a1\",\"external_id\":\"ext-1\"},\"account_segment_ids\":[\"seg-accounts\"]}\n"
                // no account_segment_ids: its account counts as synchronized because it was sent as this object
                + "{\"id\":\"u2\",\"email\":\"two@example.com\",\"segment_ids\":[\"seg-sync\"],"
                + "\"account\":{\"id\":\"a2\",\"external_id\":\"ext-2\",\"customerio/id\":\"ext-2\"}}\n"
                + "{\"id\":\"u3\",\"email\":\"three@example.com\",\"segment_ids\":[\"seg-sync\"],"
                + "\"account\":{\"id\":\"a3\",\"external_id\":\"ext-3\"}}\n";
        EXTRACTS.stubFor(get("/extracts/related.json").willReturn(aResponse().withStatus(200).withBody(extract)));

        HttpResponse<String> answer = postBatch(EXTRACTS.baseUrl() + "/extracts/related.json", SECRET);

        assertThat(awaitFinished(json(answer.body()).path("job_id").asText()).path("counts").path("sent").asLong()).isEqualTo(3);
        assertThat(relationshipOf("one%40example.com")).isEqualTo("ext-1");
        assertThat(relationshipOf("two%40example.com")).isEqualTo("ext-2");
        assertThat(relationshipOf("three%40example.com")).isNull();
    }

    private static String relationshipOf(String encodedEmail) {
        JsonNode put = json(CUSTOMERIO.findAll(putRequestedFor(urlEqualTo("/api/v1/customers/" + encodedEmail))).get(0)
                .getBodyAsString());
        JsonNode relationships = put.path("cio_relationships");
        return relationships.isMissingNode() ? null
                : relationships.path("relationships").get(0).path("identifiers").path("object_id").asText();
    }

    /**
     * The extract is held back half-way until Customer.io has received the first chunk's users: a reader
     * that buffered the whole file before syncing would never send them, and the job would stall.
     */
    @Test
    void usersAreSentWhileTheExtractIsStillArriving() throws Exception {
        AtomicBoolean sentBeforeTheEnd = new AtomicBoolean();
        try (RawExtractServer server = new RawExtractServer(null, out -> {
            writeUsers(out, 0, 3 * CHUNK_SIZE);
            try {
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        CUSTOMERIO.findAll(putRequestedFor(urlMatching("/api/v1/customers/.*"))).size() >= CHUNK_SIZE);
                sentBeforeTheEnd.set(true);
            } finally {
                writeUsers(out, 3 * CHUNK_SIZE, 6 * CHUNK_SIZE);
            }
        })) {
            HttpResponse<String> answer = postBatch(server.url(), SECRET);

            assertThat(answer.statusCode()).isEqualTo(202);
            JsonNode status = awaitFinished(json(answer.body()).path("job_id").asText());
            assertThat(sentBeforeTheEnd).isTrue();
            assertThat(status.path("status").asText()).isEqualTo("succeeded");
            assertThat(status.path("counts").path("sent").asLong()).isEqualTo(6 * CHUNK_SIZE);
            assertThat(CUSTOMERIO.findAll(putRequestedFor(urlMatching("/api/v1/customers/.*")))).hasSize(6 * CHUNK_SIZE);
        }
    }

    @Test
    void aStreamThatBreaksMidWayEndsTheJobWithItsCounts(CapturedOutput output) throws Exception {
        // Promises a megabyte, sends 150 users and hangs up.
        try (RawExtractServer server = new RawExtractServer(1_000_000L, out -> writeUsers(out, 0, 150))) {
            HttpResponse<String> answer = postBatch(server.url(), SECRET);

            JsonNode status = awaitFinished(json(answer.body()).path("job_id").asText());
            assertThat(status.path("status").asText()).isEqualTo("failed");
            assertThat(status.path("error").asText()).contains("the extract stream broke after 150 lines");
            assertThat(status.path("counts").path("read").asLong()).isEqualTo(150);
            // the whole lines read before the break are sent all the same
            assertThat(status.path("counts").path("sent").asLong()).isEqualTo(150);
            assertThat(CUSTOMERIO.findAll(putRequestedFor(urlMatching("/api/v1/customers/.*")))).hasSize(150);
            assertThat(output.getOut()).contains("outgoing.job.error");
        }
    }

    @Test
    void aStreamThatStallsEndsTheJobAfterTheReadTimeout() throws Exception {
        CountDownLatch released = new CountDownLatch(1);
        // Sends 150 users, then nothing, without closing (until the test is over).
        try (RawExtractServer server = new RawExtractServer(null, out -> {
            writeUsers(out, 0, 150);
            released.await(30, TimeUnit.SECONDS);
        })) {
            HttpResponse<String> answer = postBatch(server.url(), SECRET);

            JsonNode status = awaitFinished(json(answer.body()).path("job_id").asText());
            released.countDown();
            assertThat(status.path("status").asText()).isEqualTo("failed");
            assertThat(status.path("error").asText()).contains("stalled after 150 lines", "hull.batch.read-timeout");
            assertThat(status.path("counts").path("sent").asLong()).isEqualTo(150);
        }
    }

    @Test
    void anExtractHostThatNeverAnswersEndsTheJob() throws Exception {
        // accepts the connection, reads the request, says nothing
        try (ServerSocket silent = new ServerSocket(0)) {
            HttpResponse<String> answer = postBatch("http://localhost:" + silent.getLocalPort() + "/extract.json", SECRET);

            JsonNode status = awaitFinished(json(answer.body()).path("job_id").asText());
            assertThat(status.path("status").asText()).isEqualTo("failed");
            assertThat(status.path("error").asText()).isEqualTo("the extract could not be fetched: timed out");
            assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();
        }
    }

    @Test
    void aMalformedLineIsSkippedAndCountedAndTheRestSent(CapturedOutput output) {
        String extract = userLine(1, SYNCED_SEGMENT) + "\n"
                + "{\"id\": \"broken\", \"email\": \n"
                + userLine(2, SYNCED_SEGMENT) + "\n"
                + "[1, 2, 3]\n"
                + "\n"
                + userLine(3, SYNCED_SEGMENT) + "\n";
        EXTRACTS.stubFor(get("/extracts/malformed.json").willReturn(aResponse().withStatus(200).withBody(extract)));

        HttpResponse<String> answer = postBatch(EXTRACTS.baseUrl() + "/extracts/malformed.json", SECRET);

        JsonNode status = awaitFinished(json(answer.body()).path("job_id").asText());
        assertThat(status.path("status").asText()).isEqualTo("succeeded");
        assertThat(status.path("counts").path("read").asLong()).isEqualTo(5);
        assertThat(status.path("counts").path("malformed").asLong()).isEqualTo(2);
        assertThat(status.path("counts").path("sent").asLong()).isEqualTo(3);
        assertThat(CUSTOMERIO.findAll(putRequestedFor(urlMatching("/api/v1/customers/.*"))))
                .extracting(LoggedRequest::getUrl)
                .containsExactlyInAnyOrder("/api/v1/customers/user-1%40example.com", "/api/v1/customers/user-2%40example.com",
                        "/api/v1/customers/user-3%40example.com");
        assertThat(output.getOut()).contains("malformed extract line");
    }

    @Test
    void anExtractOnAHostNotAllowedIsRefusedAndNeverFetched() {
        EXTRACTS.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200).withBody(userLine(1, SYNCED_SEGMENT))));

        HttpResponse<String> otherHost = postBatch("http://127.0.0.1:" + EXTRACTS.port() + "/extracts/segment.json", SECRET);
        HttpResponse<String> otherScheme = postBatch("file:///etc/passwd", SECRET);

        assertThat(otherHost.statusCode()).isEqualTo(400);
        assertThat(JsonErrors.code(otherHost.body())).isEqualTo("host_not_allowed");
        assertThat(otherScheme.statusCode()).isEqualTo(400);
        assertThat(EXTRACTS.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void aRedirectIsNotFollowed() {
        EXTRACTS.stubFor(get("/extracts/moved.json").willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://127.0.0.1:" + EXTRACTS.port() + "/elsewhere.json")));
        EXTRACTS.stubFor(get("/elsewhere.json").willReturn(aResponse().withStatus(200).withBody(userLine(1, SYNCED_SEGMENT))));

        HttpResponse<String> answer = postBatch(EXTRACTS.baseUrl() + "/extracts/moved.json", SECRET);

        JsonNode status = awaitFinished(json(answer.body()).path("job_id").asText());
        assertThat(status.path("status").asText()).isEqualTo("failed");
        assertThat(status.path("error").asText()).contains("302", "redirects are not followed");
        assertThat(EXTRACTS.findAll(anyRequestedFor(urlEqualTo("/elsewhere.json")))).isEmpty();
        assertThat(CUSTOMERIO.getAllServeEvents()).isEmpty();
    }

    @Test
    void theSignedUrlIsFetchedAsGivenAndNothingOfTheConnectorGoesWithIt() {
        // an S3 presigned URL: its query is the signature, and must reach the host byte for byte
        String signedPath = "/extracts/seg%20one.json?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=AKIAEXAMPLE%2F20261202%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Signature=ab%2Bcd%3D%3D&response-content-type=application%2Fx-ndjson";
        EXTRACTS.stubFor(get(urlEqualTo(signedPath)).willReturn(aResponse().withStatus(200).withBody(userLine(1, SYNCED_SEGMENT))));

        HttpResponse<String> answer = postBatch(EXTRACTS.baseUrl() + signedPath, SECRET);

        JsonNode status = awaitFinished(json(answer.body()).path("job_id").asText());
        assertThat(status.path("status").asText()).isEqualTo("succeeded");
        assertThat(status.path("counts").path("sent").asLong()).isEqualTo(1);
        List<LoggedRequest> fetched = EXTRACTS.findAll(anyRequestedFor(anyUrl()));
        assertThat(fetched).extracting(LoggedRequest::getUrl).containsExactly(signedPath);
        assertThat(fetched.get(0).getHeaders().keys())
                .allSatisfy(name -> assertThat(name.toLowerCase()).doesNotStartWith("camel").doesNotStartWith("x-connector")
                        .isNotIn("breadcrumbid", "authorization", "jobid", "organization", "ship", "secret"));
        assertThat(fetched.get(0).getHeaders().all().toString()).doesNotContain(SECRET);
    }

    @Test
    void aJobThatFailsStopsDownloadingTheExtract() throws Exception {
        // Hull refuses the write-back of the first chunk for good: the job ends there, and the 40 MB it
        // announced must not be read to the end just to close the stream
        HULL.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/"))
                .willReturn(aResponse().withStatus(503).withBody("{}")));
        AtomicBoolean aborted = new AtomicBoolean();
        long promised = 40_000_000L;
        try (RawExtractServer server = new RawExtractServer(promised, out -> {
            byte[] line = (userLine(1, SYNCED_SEGMENT) + "\n").getBytes(StandardCharsets.UTF_8);
            try {
                for (long written = 0; written + line.length <= promised; written += line.length) {
                    out.write(line);
                }
            } catch (IOException e) {
                aborted.set(true);
            }
        })) {
            HttpResponse<String> answer = postBatch(server.url(), SECRET);

            JsonNode status = awaitFinished(json(answer.body()).path("job_id").asText());
            assertThat(status.path("status").asText()).isEqualTo("failed");
            assertThat(status.path("counts").path("read").asLong()).isLessThan(promised / 1000);
            await().atMost(Duration.ofSeconds(10)).untilTrue(aborted);
        }
    }

    @Test
    void wrongOrMissingCredentialsAreRefusedAndNothingFetched(CapturedOutput output) {
        EXTRACTS.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200).withBody(userLine(1, SYNCED_SEGMENT))));
        String url = EXTRACTS.baseUrl() + "/extracts/segment.json";

        HttpResponse<String> wrongSecret = postBatch(url, "not-the-secret");
        HttpResponse<String> noQuery = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/batch"))
                .POST(HttpRequest.BodyPublishers.ofString(Backfills.body(url))).build());

        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(JsonErrors.code(wrongSecret.body())).isEqualTo("invalid_credentials");
        assertThat(noQuery.statusCode()).isEqualTo(401);
        assertThat(EXTRACTS.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertThat(output.getOut()).doesNotContain("not-the-secret");
    }

    @Test
    void aBodyThatIsNotAUserOrAccountReportIsRefused() {
        HttpResponse<String> csv = send(HttpRequest.newBuilder(batchUri(SECRET)).POST(HttpRequest.BodyPublishers.ofString(
                "{\"url\":\"" + EXTRACTS.baseUrl() + "/x\",\"format\":\"csv\",\"object_type\":\"user_report\"}")).build());
        HttpResponse<String> accounts = send(HttpRequest.newBuilder(batchUri(SECRET)).POST(HttpRequest.BodyPublishers.ofString(
                "{\"url\":\"" + EXTRACTS.baseUrl() + "/x\",\"format\":\"json\",\"object_type\":\"event_report\"}")).build());
        HttpResponse<String> notJson = send(HttpRequest.newBuilder(batchUri(SECRET)).POST(HttpRequest.BodyPublishers.ofString("url=x")).build());

        assertThat(csv.statusCode()).isEqualTo(400);
        assertThat(accounts.statusCode()).isEqualTo(400);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(JsonErrors.code(notJson.body())).isEqualTo("invalid_json");
    }

    @Test
    void anUnknownJobIs404() {
        HttpResponse<String> answer = getStatus("no-such-job");

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(JsonErrors.code(answer.body())).isEqualTo("unknown_job");
    }

    private JsonNode awaitFinished(String jobId) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    HttpResponse<String> answer = getStatus(jobId);
                    assertThat(answer.statusCode()).isEqualTo(200);
                    return json(answer.body());
                }, status -> status.path("status").asText().matches("succeeded|failed"));
    }

    private HttpResponse<String> getStatus(String jobId) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + "/batch/" + jobId)).GET().build());
    }

    private HttpResponse<String> postBatch(String extractUrl, String secret) {
        return send(Backfills.request(baseUrl(), ORGANIZATION, CONNECTOR_ID, secret, extractUrl));
    }

    private URI batchUri(String secret) {
        return URI.create(baseUrl() + "/batch?" + Backfills.query(ORGANIZATION, CONNECTOR_ID, secret));
    }

    /** One extract line: a Hull user with its segment ids and account. */
    private static String userLine(int i, String segmentId) {
        return "{\"id\":\"id-" + i + "\",\"email\":\"user-" + i + "@example.com\",\"name\":\"User " + i
                + "\",\"created_at\":\"2024-01-01T00:00:00Z\",\"segment_ids\":[\"" + segmentId + "\"],"
                + "\"account\":{\"id\":\"acc-1\",\"domain\":\"example.com\"}}";
    }

    private static void writeUsers(OutputStream out, int from, int to) {
        try {
            for (int i = from; i < to; i++) {
                out.write((userLine(i, SYNCED_SEGMENT) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    interface BodyWriter {
        void write(OutputStream out) throws Exception;
    }

    /**
     * A one-request HTTP server whose body the test writes as it likes: in parts, or shorter than the
     * Content-Length it announced (null: no length, the body ends when the connection closes).
     */
    static final class RawExtractServer implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread thread;

        RawExtractServer(Long contentLength, BodyWriter body) throws IOException {
            socket = new ServerSocket(0);
            thread = new Thread(() -> {
                try (Socket client = socket.accept()) {
                    InputStream in = client.getInputStream();
                    // the request head ends with an empty line
                    for (int matched = 0; matched < 4; ) {
                        int b = in.read();
                        if (b < 0) return;
                        matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
                    }
                    OutputStream out = client.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                            + (contentLength == null ? "" : "Content-Length: " + contentLength + "\r\n") + "\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    body.write(out);
                    out.flush();
                    // then hang up, but not at once: the JDK client drops what it buffered but was not read yet when
                    // the connection breaks, so an early hang-up made "read" depend on the machine's load (94 of 150)
                    Thread.sleep(1_000);
                } catch (Exception e) {
                    // the test's assertions say what went wrong
                }
            }, "raw-extract-server");
            thread.start();
        }

        String url() {
            return "http://localhost:" + socket.getLocalPort() + "/extract.json";
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(5_000);
        }
    }
}
