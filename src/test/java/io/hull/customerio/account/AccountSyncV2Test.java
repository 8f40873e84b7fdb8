package io.hull.customerio.account;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.system.CapturedOutput;
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
        // as v1's chunks: a customer of 40 attributes is two identify items, the relationship on the first only
        registry.add("customerio.batch.attributes-per-identify", () -> "30");
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
    int identifyCalls(String customerId) {
        return (int) items().stream().filter(item -> "identify".equals(item.path("action").asText())
                && customerId.equals(item.path("identifiers").path("email").asText())).count();
    }

    @Test
    void anObjectItemCustomerIoRefusesIsLoggedAndNotRetried(CapturedOutput output) {
        CUSTOMERIO.stubFor(post(urlEqualTo("/api/v2/batch")).atPriority(1).willReturn(aResponse().withStatus(207)
                .withBody("{\"errors\":[{\"batch_index\":0,\"reason\":\"invalid\",\"field\":\"object_type_id\"}]}")));

        HttpResponse<String> response = postNotification(accountNotification(acme(), ACCOUNT_SEGMENT));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(objectOperations()).hasSize(1);
        assertThat(firehoseEntries()).isEmpty();
        assertThat(output.getOut()).contains("\"outgoing.account.error\"").contains("field object_type_id");
    }

    @Test
    void aCustomerIoOutageForAnObjectItemAsksHullToRetry() {
        CUSTOMERIO.stubFor(post(urlEqualTo("/api/v2/batch")).atPriority(1).willReturn(aResponse().withStatus(503)));

        HttpResponse<String> response = postNotification(accountNotification(acme(), ACCOUNT_SEGMENT));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response.body()).path("flow_control").path("type").asText()).isEqualTo("retry");
        assertThat(firehoseEntries()).isEmpty();
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
