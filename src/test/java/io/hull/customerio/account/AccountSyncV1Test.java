package io.hull.customerio.account;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.hull.customerio.customerio.CustomerIoCall;
import io.hull.customerio.support.JsonErrors;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.system.CapturedOutput;

/** {@link AccountSyncCases} with customerio.api=v1: objects as POST /api/v2/entity, relationships in the identify PUT. */
class AccountSyncV1Test extends AccountSyncCases {

    @Test
    void aCustomerIoOutageForAnObjectAsksHullToRetry() {
        CUSTOMERIO.stubFor(post(urlEqualTo("/api/v2/entity")).willReturn(aResponse().withStatus(503)));

        HttpResponse<String> response = postNotification(accountNotification(acme(), ACCOUNT_SEGMENT));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response.body()).path("flow_control").path("type").asText()).isEqualTo("retry");
        assertThat(JsonErrors.code(response.body())).isEqualTo("customerio_unavailable");
        assertThat(firehoseEntries()).isEmpty();
    }

    @Test
    void anObjectCustomerIoRefusesIsLoggedAndNotRetried(CapturedOutput output) {
        CUSTOMERIO.stubFor(post(urlEqualTo("/api/v2/entity")).willReturn(aResponse().withStatus(400)
                .withBody("{\"meta\":{\"error\":\"invalid object_type_id\"}}")));

        HttpResponse<String> response = postNotification(accountNotification(acme(), ACCOUNT_SEGMENT));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).path("flow_control").path("type").asText()).isEqualTo("next");
        assertThat(objectOperations()).hasSize(1);
        assertThat(firehoseEntries()).isEmpty();
        assertThat(output.getOut()).contains("\"outgoing.account.error\"").contains("invalid object_type_id");
    }

    @Override
    List<JsonNode> objectOperations() {
        List<JsonNode> operations = new ArrayList<>();
        for (LoggedRequest request : CUSTOMERIO.findAll(postRequestedFor(urlEqualTo("/api/v2/entity")))) {
            assertThat(request.getHeader("Content-Type")).startsWith("application/json");
            operations.add(json(request.getBodyAsString()));
        }
        return operations;
    }

    @Override
    int identifyCalls(String customerId) {
        return CUSTOMERIO.findAll(putRequestedFor(urlEqualTo(CustomerIoCall.customerPath(customerId)))).size();
    }

    @Override
    List<String> relationshipCalls(String customerId) {
        List<String> calls = new ArrayList<>();
        String path = CustomerIoCall.customerPath(customerId);
        for (LoggedRequest put : CUSTOMERIO.findAll(putRequestedFor(urlEqualTo(path)))) {
            JsonNode relationships = json(put.getBodyAsString()).path("cio_relationships");
            if (relationships.isMissingNode()) {
                continue;
            }
            String action = relationships.path("action").asText().replace("_relationships", "");
            relationships.path("relationships").forEach(r -> {
                assertThat(r.path("identifiers").path("object_type_id").asText()).isEqualTo("1");
                calls.add(action + " " + r.path("identifiers").path("object_id").asText());
            });
        }
        return calls;
    }
}
