package io.hull.customerio.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.hull.customerio.customerio.CustomerIoCredentials;
import io.hull.customerio.simulator.CustomerIoSimulator.Behaviour;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The simulator over real HTTP: it must answer like Customer.io, or the benchmarks measure nothing real. */
class CustomerIoSimulatorTest {

    private final CustomerIoSimulator simulator = CustomerIoSimulator.start();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String auth = new CustomerIoCredentials("site-1", "key-1").authorization();

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void answersTheTrackApiCallsAndRecordsThem() throws Exception {
        assertThat(put("/api/v1/customers/a%40example.com", auth).statusCode()).isEqualTo(200);
        assertThat(put("/api/v1/customers/b", null).statusCode()).isEqualTo(401);
        assertThat(put("/api/v1/nowhere", auth).statusCode()).isEqualTo(404);

        assertThat(simulator.requests()).extracting(CustomerIoSimulator.Request::status).containsExactlyInAnyOrder(200, 401, 404);
        assertThat(simulator.requests()).filteredOn(r -> r.status() == 200).singleElement()
                .satisfies(r -> assertThat(r.siteId()).isEqualTo("site-1"))
                .satisfies(r -> assertThat(r.path()).isEqualTo("/api/v1/customers/a%40example.com"));
        assertThat(new String(simulator.lastIdentifyBody())).isEqualTo("{\"email\":\"a@example.com\"}");
    }

    @Test
    void enforcesItsRateLimitWith429AndRetryAfter() throws Exception {
        simulator.behave(Behaviour.normal().withRateLimit(2, 1));

        assertThat(put("/api/v1/customers/1", auth).statusCode()).isEqualTo(200);
        assertThat(put("/api/v1/customers/2", auth).statusCode()).isEqualTo(200);
        HttpResponse<String> third = put("/api/v1/customers/3", auth);

        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("Retry-After")).hasValue("1");
        // another site has its own budget
        assertThat(put("/api/v1/customers/4", new CustomerIoCredentials("site-2", "key-2").authorization()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void injectsFailures() throws Exception {
        simulator.behave(Behaviour.normal().failingEvery(2, 503));

        assertThat(put("/api/v1/customers/1", auth).statusCode()).isEqualTo(200);
        assertThat(put("/api/v1/customers/2", auth).statusCode()).isEqualTo(503);
    }

    @Test
    void answersAV2BatchItemByItem() throws Exception {
        String valid = "{\"type\":\"person\",\"action\":\"identify\",\"identifiers\":{\"id\":\"u1\"},\"attributes\":{\"a\":1}}";
        String event = "{\"type\":\"person\",\"action\":\"event\",\"identifiers\":{\"id\":\"u1\"},\"name\":\"Bought\"}";
        String anonymous = "{\"type\":\"person\",\"action\":\"page\",\"identifiers\":{\"anonymous_id\":\"x\"},\"name\":\"https://a.b/\"}";
        String noIdentifier = "{\"type\":\"person\",\"action\":\"identify\",\"identifiers\":{}}";
        String tooLarge = "{\"type\":\"person\",\"action\":\"identify\",\"identifiers\":{\"id\":\"u2\"},\"attributes\":{\"a\":\""
                + "x".repeat(CustomerIoSimulator.MAX_ITEM_BYTES) + "\"}}";

        HttpResponse<String> allValid = batch("[" + valid + "," + event + "," + anonymous + "]", auth);
        HttpResponse<String> partly = batch("[" + valid + "," + noIdentifier + "," + tooLarge + "]", auth);

        assertThat(allValid.statusCode()).isEqualTo(200);
        assertThat(partly.statusCode()).isEqualTo(207);
        JsonNode errors = new ObjectMapper().readTree(partly.body()).path("errors");
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0).path("batch_index").asInt()).isEqualTo(1);
        assertThat(errors.get(0).path("field").asText()).isEqualTo("identifiers");
        assertThat(errors.get(1).path("batch_index").asInt()).isEqualTo(2);
        assertThat(simulator.batchItems()).containsEntry("identify", 2L).containsEntry("event", 1L).containsEntry("page", 1L);
        assertThat(simulator.refusedBatchItems()).isEqualTo(2);
        assertThat(simulator.identifiesOf("u1")).isEqualTo(2);
    }

    @Test
    void refusesAV2BatchOver500KbOrNotABatch() throws Exception {
        String item = "{\"type\":\"person\",\"action\":\"identify\",\"identifiers\":{\"id\":\"u\"},\"attributes\":{\"a\":\""
                + "x".repeat(20_000) + "\"}}";
        String items = String.join(",", java.util.Collections.nCopies(30, item));

        assertThat(batch("[" + items + "]", auth).statusCode()).isEqualTo(413);
        assertThat(batch("{}", auth).statusCode()).isEqualTo(400);
        assertThat(batch("[]", null).statusCode()).isEqualTo(401);
        assertThat(simulator.batchItems()).isEmpty();
    }

    private HttpResponse<String> batch(String items, String authorization) throws Exception {
        String body = items.startsWith("[") ? "{\"batch\":" + items + "}" : items;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/api/v2/batch"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"email\":\"a@example.com\"}"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
