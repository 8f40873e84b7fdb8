package io.hull.customerio.status;

import java.net.http.HttpResponse;
import io.hull.customerio.support.JsonErrors;
import io.hull.customerio.support.Backfills;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hull.customerio.config.ConnectorProperties;
import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.config.HullProperties;
import org.apache.camel.ProducerTemplate;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.hull.customerio.support.BasicAuth;
import io.hull.customerio.support.ConnectorTestSupport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** GET /status against a Customer.io stand-in, one branch per test; the report of it to Hull. */
@ExtendWith(OutputCaptureExtension.class)
class StatusEndpointTest extends ConnectorTestSupport {

    @Autowired
    CustomerIoProperties customerIo;
    @Autowired
    ConnectorProperties connector;
    @Autowired
    HullProperties hull;
    @Autowired
    ProducerTemplate camel;

    @Autowired
    ConnectorStatus connectorStatus;

    @BeforeEach
    void configured() {
        connectorStatus.forgetRefusals();
        customerIo.setSiteId("site-1");
        customerIo.setApiKey("key-1");
        customerIo.getWebhook().setToken("t0ken");
        connector.getSettings().setSynchronizedSegments(List.of("segment-1"));
        // every door open: Hull credentials and a batch host (the notifier's public key is ConnectorTestSupport's)
        hull.setOrganization("acme.hullapp.io");
        hull.setConnectorId("connector-1");
        hull.setSecret("hull-secret-1");
        hull.getBatch().setAllowedHosts(List.of("hull-extracts.example"));
        CUSTOMERIO.stubFor(get(urlEqualTo("/api/v1/accounts/region")).withHeader("Authorization", equalTo(BasicAuth.of("site-1", "key-1")))
                .willReturn(aResponse().withStatus(200).withBody("{\"region\":\"us\"}")));
    }

    @AfterEach
    void restore() {
        customerIo.setSiteId("");
        customerIo.setApiKey("");
        customerIo.getWebhook().setToken(null);
        connector.getSettings().setSynchronizedSegments(List.of());
        hull.setOrganization(null);
        hull.setConnectorId(null);
        hull.setSecret(null);
        hull.getBatch().setAllowedHosts(List.of());
    }

    @Test
    void okWhenCredentialsWorkAndEverythingIsSet() {
        JsonNode status = status();
        assertThat(status.path("status").asText()).isEqualTo("ok");
        assertThat(status.path("messages")).isEmpty();
        assertThat(status.path("refusing")).isEmpty();
        assertThat(status.path("track_url").asText()).isEqualTo(customerIo.getTrackUrl());
    }

    @Test
    void errorWhenCredentialsAreMissing() {
        customerIo.setApiKey("");
        JsonNode status = status();
        assertThat(status.path("status").asText()).isEqualTo("error");
        assertThat(status.path("messages").get(0).asText()).contains("credentials are missing");
    }

    @Test
    void errorWhenCustomerIoRefusesTheCredentials() {
        customerIo.setApiKey("wrong-key");
        CUSTOMERIO.stubFor(get(urlEqualTo("/api/v1/accounts/region")).atPriority(1).willReturn(aResponse().withStatus(401)));
        JsonNode status = status();
        assertThat(status.path("status").asText()).isEqualTo("error");
        assertThat(status.path("messages").get(0).asText()).contains("refused the credentials").doesNotContain("wrong-key");
    }

    @Test
    void errorWhenCustomerIoCannotBeReached() {
        String trackUrl = customerIo.getTrackUrl();
        customerIo.setTrackUrl("http://127.0.0.1:1");
        try {
            JsonNode status = status();
            assertThat(status.path("status").asText()).isEqualTo("error");
            assertThat(status.path("messages").get(0).asText()).contains("cannot be reached");
        } finally {
            customerIo.setTrackUrl(trackUrl);
        }
    }

    HttpResponse<String> webhook() {
        return send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl() + "/webhook"))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build());
    }

    /** Out of the box (credentials, a notifier key, a whitelisted segment; no webhook secured, no Hull connector): ok. */
    @Test
    void aConnectorWithCredentialsANotifierKeyAndASegmentIsOk() {
        customerIo.getWebhook().setToken(null);
        hull.setOrganization(null);
        hull.setConnectorId(null);
        hull.setSecret(null);
        hull.getBatch().setAllowedHosts(List.of());

        JsonNode status = status();

        assertThat(status.path("status").asText()).as(status.toString()).isEqualTo("ok");
        assertThat(status.path("refusing")).isEmpty();
    }

    @Test
    void everyDoorThatRefusesEverythingIsListedWithItsSetting() {
        customerIo.getWebhook().setToken(null);
        assertThat(status().path("refusing")).as("no webhook refused yet").isEmpty();
        assertThat(webhook().statusCode()).isEqualTo(401);

        JsonNode status = status();

        assertThat(status.path("status").asText()).isEqualTo("warning");
        assertThat(status.path("refusing")).hasSize(1);
        assertThat(status.path("refusing").get(0).path("door").asText()).isEqualTo("POST /webhook");
        assertThat(status.path("refusing").get(0).path("status").asInt()).isEqualTo(401);
        assertThat(status.path("refusing").get(0).path("setting").asText()).contains("customerio.webhook.signing-key");
    }

    /** Out of the box (no allowed extract host) the status is quiet until a batch is refused for it; then it names the host. */
    @Test
    void anEmptyAllowListWarnsOnlyOnceABatchWasRefusedAndNamesItsHost(CapturedOutput output) {
        hull.getBatch().setAllowedHosts(List.of());
        assertThat(status().path("status").asText()).isEqualTo("ok");

        HttpResponse<String> refused = send(Backfills.request(baseUrl(), "acme.hullapp.io", "connector-1", "hull-secret-1",
                "https://extracts.hull-storage.example/x.json?X-Amz-Signature=QUERYSECRET"));

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(JsonErrors.code(refused.body())).isEqualTo("host_not_allowed");
        JsonNode status = status();
        assertThat(status.path("status").asText()).isEqualTo("warning");
        assertThat(status.path("refusing")).hasSize(1);
        assertThat(status.path("refusing").get(0).path("door").asText()).isEqualTo("POST /batch");
        assertThat(status.path("refusing").get(0).path("setting").asText()).isEqualTo("hull.batch.allowed-hosts");
        assertThat(status.path("messages").toString()).contains("extracts.hull-storage.example")
                .contains("hull.batch.allowed-hosts=extracts.hull-storage.example");
        assertThat(output.getOut()).contains("\"host_not_allowed\"").contains("extracts.hull-storage.example");
        assertThat(output.getAll()).doesNotContain("QUERYSECRET");

        hull.getBatch().setAllowedHosts(List.of("extracts.hull-storage.example"));
        assertThat(status().path("status").asText()).isEqualTo("ok");
    }

    @Test
    void warningWhenNoSegmentIsWhitelistedOrWebhooksAreOpen() {
        connector.getSettings().setSynchronizedSegments(List.of());
        customerIo.getWebhook().setToken(null);
        webhook();
        JsonNode status = status();
        assertThat(status.path("status").asText()).isEqualTo("warning");
        assertThat(status.path("messages")).hasSize(2);
        assertThat(status.path("messages").toString()).contains("No segment is whitelisted").contains("not secured");
    }

    @Test
    void theStatusIsReportedToHullWhenHullCredentialsAreConfigured() {
        HULL.stubFor(put(urlEqualTo("/api/v1/connector-1/status")).willReturn(aResponse().withStatus(200)));
        reportWithHullCredentials();

        List<LoggedRequest> reports = HULL.findAll(putRequestedFor(urlEqualTo("/api/v1/connector-1/status")));
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).getHeader("Hull-App-Id")).isEqualTo("connector-1");
        assertThat(reports.get(0).getHeader("Hull-Organization")).isEqualTo("acme.hullapp.io");
        assertThat(reports.get(0).getHeader("Hull-Access-Token")).isEqualTo("hull-secret-1");
        assertThat(json(reports.get(0).getBodyAsString()).path("status").asText()).isEqualTo("ok");
        // through camel-http after removeHeaders: no Camel header, no request id, goes out
        assertThat(reports.get(0).getHeaders().keys()).noneMatch(name -> name.toLowerCase().startsWith("camel")
                || name.equalsIgnoreCase("breadcrumbId"));
    }

    @Test
    void aReportHullRefusesIsLoggedWithoutTheSecret(CapturedOutput output) {
        HULL.stubFor(put(urlEqualTo("/api/v1/connector-1/status")).willReturn(aResponse().withStatus(503)));
        reportWithHullCredentials();

        assertThat(HULL.findAll(putRequestedFor(urlEqualTo("/api/v1/connector-1/status")))).hasSize(1);
        assertThat(output.getOut()).contains("status report to Hull failed").contains("503").doesNotContain("hull-secret-1");
    }

    @Test
    void withoutHullCredentialsNothingIsReported() {
        HULL.stubFor(put(urlEqualTo("/api/v1/connector-1/status")).willReturn(aResponse().withStatus(200)));
        // the same as above, pointed at the Hull stand-in, but for the organization
        runStatusReport(null);

        assertThat(HULL.getAllServeEvents()).isEmpty();
    }

    /** Runs route report-status-to-hull once, with Hull credentials that point at the Hull stand-in. */
    private void reportWithHullCredentials() {
        runStatusReport("acme.hullapp.io");
    }

    private void runStatusReport(String organization) {
        hull.setOrganization(organization);
        hull.setConnectorId("connector-1");
        hull.setSecret("hull-secret-1");
        hull.setApiUrl(HULL.baseUrl());
        try {
            camel.sendBody("direct:report-status-to-hull", null);
        } finally {
            hull.setOrganization(null);
            hull.setConnectorId(null);
            hull.setSecret(null);
            hull.setApiUrl(null);
        }
    }

    private JsonNode status() {
        var response = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/status")).GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        return json(response.body());
    }
}
