package io.hull.customerio.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hull.customerio.support.ConnectorTestSupport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Before the routes run (here: started with camel.main.auto-startup=false, as in the first seconds of a start), every
 * door answers 503 starting with Retry-After, over real HTTP, never 404; once a door's route runs, it answers as
 * usual; a stopped route (an operator's, or a shutdown) answers 503 again.
 */
class StartingGateTest extends ConnectorTestSupport {

    @DynamicPropertySource
    static void routesNotStarted(DynamicPropertyRegistry registry) {
        registry.add("camel.main.auto-startup", () -> "false");
    }

    @Autowired
    CamelContext camel;

    HttpResponse<String> request(String method, String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString("{}")).build());
    }

    @Test
    void everyDoorAnswers503StartingUntilItsRouteRuns() throws Exception {
        for (String[] door : List.of(new String[] {"POST", "/smart-notifier"}, new String[] {"POST", "/webhook"},
                new String[] {"POST", "/webhooks/c1/some-token"}, new String[] {"POST", "/batch"},
                new String[] {"GET", "/batch/some-job"}, new String[] {"GET", "/status"}, new String[] {"GET", "/credentials"})) {
            HttpResponse<String> answer = request(door[0], door[1]);
            assertThat(answer.statusCode()).as(door[1]).isEqualTo(503);
            assertThat(answer.headers().firstValue("Retry-After")).as(door[1]).contains("5");
            JsonNode body = json(answer.body());
            assertThat(body.path("errors").get(0).path("code").asText()).as(door[1]).isEqualTo("starting");
        }
        // the notifier's 503 is a flow control retry, as Hull reads it
        assertThat(json(request("POST", "/smart-notifier").body()).path("flow_control").path("type").asText()).isEqualTo("retry");
        // the platform's probes are never held
        assertThat(request("GET", "/actuator/health/liveness").statusCode()).isEqualTo(200);

        // its route runs (with the route that writes every answer): the door is the notifier again (unsigned: 401)
        camel.getRouteController().startRoute("answer-json");
        camel.getRouteController().startRoute("hull-notifications");
        try {
            // the others still wait
            assertThat(request("POST", "/smart-notifier").statusCode()).isEqualTo(401);
            assertThat(request("POST", "/webhook").statusCode()).isEqualTo(503);
        } finally {
            camel.getRouteController().stopRoute("hull-notifications");
        }
        // stopped again (an operator, or a shutdown): 503, not 404
        assertThat(request("POST", "/smart-notifier").statusCode()).isEqualTo(503);
    }
}
