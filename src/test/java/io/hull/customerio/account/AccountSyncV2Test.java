package io.hull.customerio.account;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.ArrayList;
import java.util.List;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link AccountSyncCases} with customerio.api=v2-batch: objects and relationship changes as items of POST /api/v2/batch
 * (a context of its own).
 */
class AccountSyncV2Test extends AccountSyncCases {

    @DynamicPropertySource
    static void v2Properties(DynamicPropertyRegistry registry) {
        registry.add("customerio.api", () -> "v2-batch");
        registry.add("customerio.batch.max-wait", () -> "50ms");
        registry.add("camel.main.route-filter-exclude-pattern", () -> "hull-status-report");
    }

    private static List<JsonNode> items() {
        List<JsonNode> items = new ArrayList<>();
        assertThat(CUSTOMERIO.findAll(postRequestedFor(urlEqualTo("/api/v2/entity")))).isEmpty();
        for (LoggedRequest request : CUSTOMERIO.findAll(postRequestedFor(urlEqualTo("/api/v2/batch")))) {
            json(request.getBodyAsString()).path("batch").forEach(items::add);
        }
        return items;
    }

    @Override
    List<JsonNode> objectOperations() {
        return items().stream().filter(item -> "object".equals(item.path("type").asText())).toList();
    }

    @Override
    List<String> relationshipCalls(String customerId) {
        List<String> calls = new ArrayList<>();
        for (JsonNode item : items()) {
            if (!"person".equals(item.path("type").asText()) || !customerId.equals(item.path("identifiers").path("email").asText())
                    || !item.has("cio_relationships")) {
                continue;
            }
            String action = item.path("action").asText();
            assertThat(action).isIn("identify", "delete_relationships");
            item.path("cio_relationships").forEach(r -> {
                assertThat(r.path("identifiers").path("object_type_id").asText()).isEqualTo("1");
                calls.add(("identify".equals(action) ? "add" : "delete") + " " + r.path("identifiers").path("object_id").asText());
            });
        }
        return calls;
    }
}
