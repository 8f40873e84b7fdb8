package io.hull.customerio.customerio;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.hull.customerio.config.CustomerIoProperties;
import io.hull.customerio.support.BasicAuth;
import io.hull.customerio.support.ConnectorTestSupport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * customerio.track-url unset: each site's calls go to the Track URL Customer.io names for its region. Three
 * stand-ins over real HTTP: the region endpoint (customerio.region-url), an "EU" Track API, and the shared one,
 * which must receive nothing.
 */
class RegionLookupTest extends ConnectorTestSupport {

    private static final WireMockServer REGION = start();
    private static final WireMockServer EU = start();

    @Autowired
    CustomerIoProperties customerIo;

    private String trackUrl;
    private String regionUrl;
    private String site;

    @AfterAll
    static void stop() {
        REGION.stop();
        EU.stop();
    }

    @BeforeEach
    void regionsAskedOfCustomerIo() {
        trackUrl = customerIo.getTrackUrl();
        regionUrl = customerIo.getRegionUrl();
        customerIo.setTrackUrl("");
        customerIo.setRegionUrl(REGION.baseUrl());
        REGION.resetAll();
        EU.resetAll();
        EU.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
        // a site of its own per test: what a test before it learnt is not this one's
        site = "eu-site-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void restore() {
        customerIo.setTrackUrl(trackUrl);
        customerIo.setRegionUrl(regionUrl);
        customerIo.setSiteId("");
        customerIo.setApiKey("");
    }

    @Test
    void anEuSiteIsSentToItsRegionAndItsRegionIsAskedOnce() {
        answerRegion(site, 200, "{\"url\":\"" + EU.baseUrl() + "/\",\"data_center\":\"eu\",\"environment_id\":1}");

        assertThat(postNotification(notificationFor(site)).statusCode()).isEqualTo(200);
        ObjectNode second = notificationFor(site);
        second.withArray("messages").get(0).withObject("user").put("name", "Sven M");
        assertThat(postNotification(second).statusCode()).isEqualTo(200);

        assertThat(EU.findAll(putRequestedFor(urlEqualTo("/api/v1/customers/sven%40hull.io")))).hasSize(2);
        assertThat(EU.findAll(putRequestedFor(urlEqualTo("/api/v1/customers/sven%40hull.io"))).get(0).getHeader("Authorization"))
                .isEqualTo(basic(site));
        assertThat(CUSTOMERIO.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertThat(REGION.findAll(getRequestedFor(urlEqualTo("/api/v1/accounts/region")))).hasSize(1);

        JsonNode regions = status().path("regions");
        JsonNode entry = null;
        for (JsonNode candidate : regions) {
            if (candidate.path("site_id").asText().equals(site)) {
                entry = candidate;
            }
        }
        assertThat(entry).as("/status regions: %s", regions).isNotNull();
        assertThat(entry.path("region").asText()).isEqualTo("eu");
        assertThat(entry.path("track_url").asText()).isEqualTo(EU.baseUrl());
    }

    @Test
    void aSiteWhoseRegionCannotBeAskedIsRetriedShownInStatusAndNeverSentElsewhere() {
        answerRegion(site, 503, "{}");

        HttpResponse<String> refused = postNotification(notificationFor(site));

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(json(refused.body()).path("flow_control").path("type").asText()).isEqualTo("retry");
        assertThat(REGION.findAll(getRequestedFor(urlEqualTo("/api/v1/accounts/region"))).size())
                .as("tried again like a busy Customer.io").isGreaterThan(1);
        assertThat(EU.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertThat(CUSTOMERIO.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        JsonNode status = status();
        assertThat(status.path("status").asText()).isEqualTo("error");
        assertThat(status.path("messages").toString()).contains("HTTP 503").contains(site);

        // Customer.io answers again: Hull's re-sent notification goes through, to the site's region
        answerRegion(site, 200, "{\"url\":\"" + EU.baseUrl() + "\",\"data_center\":\"eu\"}");
        assertThat(postNotification(notificationFor(site)).statusCode()).isEqualTo(200);
        assertThat(EU.findAll(putRequestedFor(urlEqualTo("/api/v1/customers/sven%40hull.io")))).hasSize(1);
        assertThat(status().path("messages").toString()).doesNotContain(site);
    }

    @Test
    void refusedCredentialsAreTheUsersErrorNotARetry() {
        answerRegion(site, 401, "{\"meta\":{\"error\":\"Unauthorized request\"}}");

        HttpResponse<String> answer = postNotification(notificationFor(site));

        // refused for good, as a refused PUT is: logged outgoing.user.error, not sent again by Hull
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(REGION.findAll(getRequestedFor(urlEqualTo("/api/v1/accounts/region")))).hasSize(1);
        assertThat(EU.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertThat(CUSTOMERIO.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertThat(status().path("messages").toString()).contains("refused the credentials of site " + site)
                .doesNotContain("key-" + site);
    }

    @Test
    void theConfiguredSitesRegionIsInStatus() {
        customerIo.setSiteId(site);
        customerIo.setApiKey("key-" + site);
        answerRegion(site, 200, "{\"url\":\"https://track-eu.customer.io\",\"data_center\":\"eu\"}");

        JsonNode status = status();

        assertThat(status.path("regions").toString()).contains(site).contains("\"region\":\"eu\"")
                .contains("https://track-eu.customer.io");
        assertThat(status.has("track_url")).isFalse();
        assertThat(REGION.findAll(getRequestedFor(urlEqualTo("/api/v1/accounts/region")))).hasSize(1);
    }

    @Test
    void aKnownRegionOutlivesAFailedCheck() {
        customerIo.setSiteId(site);
        customerIo.setApiKey("key-" + site);
        answerRegion(site, 200, "{\"url\":\"" + EU.baseUrl() + "\",\"data_center\":\"eu\"}");
        assertThat(status().path("status").asText()).isNotEqualTo("error");

        // the region endpoint fails: /status says so, and the site's calls still go to its region
        answerRegion(site, 500, "{}");
        JsonNode failing = status();
        assertThat(failing.path("status").asText()).isEqualTo("error");
        assertThat(failing.path("messages").toString()).contains("HTTP 500").contains(site);
        assertThat(failing.path("regions").toString()).contains("\"region\":\"eu\"").contains("\"error\"");
        assertThat(postNotification(notificationFor(site)).statusCode()).isEqualTo(200);
        assertThat(EU.findAll(putRequestedFor(urlEqualTo("/api/v1/customers/sven%40hull.io")))).hasSize(1);
    }

    @Test
    void anAnswerNamingAPlainHttpOrOddUrlIsNotFollowed() {
        // region-url is the plain-http stand-in here, so http is taken from it; a user or a query never is
        answerRegion(site, 200, "{\"url\":\"http://user:pw@" + EU.baseUrl().substring("http://".length()) + "\",\"data_center\":\"eu\"}");

        assertThat(postNotification(notificationFor(site)).statusCode()).isEqualTo(503);
        assertThat(EU.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertThat(status().path("messages").toString()).contains("named no usable Track URL for site " + site)
                .doesNotContain("pw@");
    }

    private void answerRegion(String siteId, int status, String body) {
        REGION.stubFor(get(urlEqualTo("/api/v1/accounts/region")).withHeader("Authorization", equalTo(basic(siteId)))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static String basic(String siteId) {
        return BasicAuth.ofSite(siteId);
    }

    private static ObjectNode notificationFor(String siteId) {
        ObjectNode notification = fixtureNotification();
        ObjectNode settings = notification.withObject("connector").withObject("private_settings");
        settings.put("site_id", siteId);
        settings.put("api_key", "key-" + siteId);
        return notification;
    }

    private JsonNode status() {
        return json(send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/status")).GET().build()).body());
    }
}
