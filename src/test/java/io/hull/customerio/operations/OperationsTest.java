package io.hull.customerio.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hull.customerio.support.ConnectorTestSupport;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import javax.management.ObjectName;

/** What an operator sees: health groups, Prometheus metrics, structured log lines with a request id. */
@ExtendWith(OutputCaptureExtension.class)
class OperationsTest extends ConnectorTestSupport {

    @Test
    void livenessAndReadinessIncludeCamel() {
        JsonNode liveness = json(get("/actuator/health/liveness").body());
        assertThat(liveness.path("status").asText()).isEqualTo("UP");
        assertThat(liveness.path("components").path("camelLivenessState").path("status").asText()).isEqualTo("UP");

        JsonNode readiness = json(get("/actuator/health/readiness").body());
        assertThat(readiness.path("status").asText()).isEqualTo("UP");
        assertThat(readiness.path("components").path("camelReadinessState").path("status").asText()).isEqualTo("UP");
        assertThat(readiness.path("components").path("camelHealth").path("status").asText()).isEqualTo("UP");
    }

    @Test
    void decisionsFirehoseCallsAndRoutesAreMetered() {
        assertThat(postNotification(fixtureNotification()).statusCode()).isEqualTo(200);

        String metrics = get("/actuator/prometheus").body();
        assertThat(metrics)
                .containsPattern("hull_connector_decisions_total\\{[^}]*direction=\"outgoing\",object=\"user\",result=\"success\"[^}]*\\} [1-9]")
                .containsPattern("hull_connector_decisions_total\\{[^}]*direction=\"outgoing\",object=\"event\",result=\"success\"[^}]*\\} [1-9]")
                .containsPattern("hull_connector_firehose_calls_total\\{[^}]*outcome=\"2xx\"[^}]*\\} [1-9]")
                .containsPattern("customerio_calls_total\\{endpoint=\"/api/v1/customers/\\{id\\}\",method=\"PUT\",status=\"2xx\"[^}]*\\} [1-9]")
                .containsPattern("customerio_calls_total\\{endpoint=\"/api/v1/customers/\\{id\\}/events\",method=\"POST\",status=\"2xx\"[^}]*\\} [1-9]")
                .contains("customerio_rate_limit_wait_seconds_count")
                .containsPattern("camel_exchanges_total\\{[^}]*routeId=\"hull-notifications\"[^}]*\\} [1-9]");
    }

    @Test
    void directModeOpensNoKafkaClient() throws Exception {
        assertThat(postNotification(fixtureNotification()).statusCode()).isEqualTo(200);

        // every Kafka client registers kafka.producer/kafka.consumer app-info MBeans while it lives; in direct
        // mode no Kafka route is created (their preconditions), so none is (one would retry localhost:9092
        // forever and fill the log with connection warnings)
        var mbeans = ManagementFactory.getPlatformMBeanServer();
        assertThat(mbeans.queryNames(new ObjectName("kafka.producer:type=app-info,*"), null)).isEmpty();
        assertThat(mbeans.queryNames(new ObjectName("kafka.consumer:type=app-info,*"), null)).isEmpty();
    }

    @Test
    void decisionLinesAreJsonWithTheUsersClaimsAndARequestId(CapturedOutput output) {
        HttpResponse<String> response = postNotification(fixtureNotification());
        assertThat(response.statusCode()).isEqualTo(200);
        String requestId = response.headers().firstValue("breadcrumbId").orElseThrow();

        JsonNode success = output.getOut().lines()
                .filter(line -> line.startsWith("{") && line.contains("\"outgoing.user.success\""))
                .map(ConnectorTestSupport::json).findFirst().orElseThrow();
        assertThat(success.path("message").asText()).isEqualTo("outgoing.user.success");
        assertThat(success.path("user").path("email").asText()).isEqualTo("sven@hull.io");
        assertThat(success.path("camel.breadcrumbId").asText()).isEqualTo(requestId);
        assertThat(output.getAll()).doesNotContain("secretapikey114654").doesNotContain("995ece09c8d843f6bc38e5abd1f60f6b");
    }

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build());
    }
}
