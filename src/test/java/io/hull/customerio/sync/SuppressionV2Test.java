package io.hull.customerio.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.hull.customerio.support.ConnectorTestSupport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** customerio.api=v2-batch: suppress, unsuppress and merge are person items of the site's batch. */
class SuppressionV2Test extends ConnectorTestSupport {

    @DynamicPropertySource
    static void v2Properties(DynamicPropertyRegistry registry) {
        registry.add("customerio.api", () -> "v2-batch");
        registry.add("customerio.batch.max-wait", () -> "50ms");
        registry.add("camel.main.route-filter-exclude-pattern", () -> "hull-status-report");
    }

    private static List<JsonNode> items() {
        List<JsonNode> items = new ArrayList<>();
        for (LoggedRequest request : CUSTOMERIO.findAll(postRequestedFor(urlEqualTo("/api/v2/batch")))) {
            json(request.getBodyAsString()).path("batch").forEach(items::add);
        }
        return items;
    }

    @Test
    void aMergeIsAPersonItemSentOnceTheNewPersonsIdentifyWasAccepted() {
        assertThat(postNotification(MergeTest.movedFromOldEmail()).statusCode()).isEqualTo(200);

        List<JsonNode> items = items();
        assertThat(items).extracting(item -> item.path("action").asText()).containsExactly("identify", "merge");
        assertThat(items.get(1).path("type").asText()).isEqualTo("person");
        assertThat(items.get(1).path("primary")).isEqualTo(json("{\"id\":\"sven@hull.io\"}"));
        assertThat(items.get(1).path("secondary")).isEqualTo(json("{\"id\":\"old@hull.io\"}"));
        // in two requests: the merge waited for the identify's answer
        assertThat(CUSTOMERIO.findAll(postRequestedFor(urlEqualTo("/api/v2/batch")))).hasSize(2);
    }

    @Test
    void suppressAndUnsuppressArePersonItems() {
        assertThat(postNotification(SuppressionTest.suppressing(SuppressionTest.HULL_USERS)).statusCode()).isEqualTo(200);

        assertThat(items()).singleElement().satisfies(item -> {
            assertThat(item.path("type").asText()).isEqualTo("person");
            assertThat(item.path("action").asText()).isEqualTo("suppress");
            assertThat(item.path("identifiers").path("email").asText()).isEqualTo("sven@hull.io");
        });

        resetStandIns();
        ObjectNode left = SuppressionTest.suppressing("another-segment");
        SuppressionTest.user(left).put("traits_customerio/suppressed_at", "2024-01-01T00:00:00Z");
        assertThat(postNotification(left).statusCode()).isEqualTo(200);

        assertThat(items()).extracting(item -> item.path("action").asText()).startsWith("unsuppress").contains("identify");
    }
}
