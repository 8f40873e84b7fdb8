package io.hull.customerio.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.hull.customerio.support.ConnectorTestSupport;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * merge_customers_on_id_change over real HTTP (Track API v1): a user sent before under another id is identified under
 * its new one, then the former person is merged into it; a refused merge leaves the identify standing; off, nothing
 * is merged.
 */
@ExtendWith(OutputCaptureExtension.class)
class MergeTest extends ConnectorTestSupport {

    static final String MERGE = "/api/v1/merge_customers";

    /** The fixture's user (user_id_mapping email: sven@hull.io), sent before as old@hull.io; without its page event. */
    static ObjectNode movedFromOldEmail() {
        ObjectNode notification = fixtureNotification();
        ObjectNode message = (ObjectNode) notification.path("messages").get(0);
        message.putArray("events");
        ObjectNode user = (ObjectNode) message.path("user");
        user.put("traits_customerio/id", "old@hull.io");
        user.put("traits_customerio/hash", "an-old-hash");
        return notification;
    }

    @Test
    void theFormerPersonIsMergedIntoTheNewOneAfterItsIdentify(CapturedOutput output) {
        assertThat(postNotification(movedFromOldEmail()).statusCode()).isEqualTo(200);

        List<LoggedRequest> calls = CUSTOMERIO.findAll(anyRequestedFor(anyUrl()));
        assertThat(calls).extracting(r -> r.getMethod() + " " + r.getUrl())
                .containsExactly("PUT /api/v1/customers/sven%40hull.io", "POST " + MERGE);
        assertThat(json(calls.get(1).getBodyAsString()))
                .isEqualTo(json("{\"primary\":{\"id\":\"sven@hull.io\"},\"secondary\":{\"id\":\"old@hull.io\"}}"));
        assertThat(firehoseEntries().get(0).path("body").path("customerio/id").asText()).isEqualTo("sven@hull.io");
        assertThat(output.getOut()).contains("\"outgoing.user.success\"").contains("\"merged\":\"old@hull.io into sven@hull.io\"");
    }

    @Test
    void aMergeCustomerIoRefusesIsLoggedAndTheIdentifyStands(CapturedOutput output) {
        CUSTOMERIO.stubFor(post(urlEqualTo(MERGE)).atPriority(1).willReturn(aResponse().withStatus(400)
                .withBody("{\"meta\":{\"error\":\"secondary not found\"}}")));

        assertThat(postNotification(movedFromOldEmail()).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.findAll(postRequestedFor(urlEqualTo(MERGE)))).hasSize(1);
        JsonNode traits = firehoseEntries().get(0).path("body");
        assertThat(traits.path("customerio/id").asText()).isEqualTo("sven@hull.io");
        assertThat(output.getOut()).contains("\"outgoing.user.error\"").contains("secondary not found")
                .contains("\"outgoing.user.success\"");
    }

    @Test
    void withTheSettingOffTheFormerPersonIsLeftInPlace() {
        ObjectNode notification = movedFromOldEmail();
        ((ObjectNode) notification.path("connector").path("private_settings")).put("merge_customers_on_id_change", false);

        assertThat(postNotification(notification).statusCode()).isEqualTo(200);

        assertThat(CUSTOMERIO.findAll(postRequestedFor(urlEqualTo(MERGE)))).isEmpty();
        assertThat(firehoseEntries().get(0).path("body").path("customerio/id").asText()).isEqualTo("sven@hull.io");
    }
}
