package io.hull.customerio.account;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.hull.customerio.customerio.CustomerIoCall;
import java.util.ArrayList;
import java.util.List;

/** {@link AccountSyncCases} with customerio.api=v1: objects as POST /api/v2/entity, relationships in the identify PUT. */
class AccountSyncV1Test extends AccountSyncCases {

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
